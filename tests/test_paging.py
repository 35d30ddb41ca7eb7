"""Pages of a long list: bounds, clamping and the words that say which rows are shown."""

from __future__ import annotations

import pytest

from src.analysis.paging import capped_note, group_slices, page_count, page_of


def test_pages_cover_every_row_once():
    rows = []
    for number in range(1, page_count(1234, 500) + 1):
        page = page_of(1234, number, 500)
        rows += list(range(page.start, page.stop))
    assert rows == list(range(1234))
    assert page_count(1234, 500) == 3


def test_page_numbers_are_clamped_and_captioned():
    assert page_of(1234, 9, 500).caption("claims") == "claims 1,001–1,234 of 1,234 (page 3 of 3)"
    assert page_of(1234, 0, 500).start == 0
    assert page_of(10, 1, 500).caption("claims") == "claims 1–10 of 10"
    assert page_of(0, 1, 500).caption("claims") == "no claims"
    with pytest.raises(ValueError, match="at least 1"):
        page_count(10, 0)


def test_group_slices_cut_a_page_across_groups():
    sizes = [3, 0, 2, 5]
    assert group_slices(sizes, 0, 4) == [(0, 0, 3), (2, 0, 1)]
    assert group_slices(sizes, 3, 10) == [(2, 0, 2), (3, 0, 5)]
    assert group_slices(sizes, 8, 9) == [(3, 3, 4)]
    assert group_slices(sizes, 10, 20) == []
    covered = [
        (g, i) for start in range(0, 10, 4) for g, a, b in group_slices(sizes, start, start + 4)
        for i in range(a, b)
    ]  # fmt: skip
    assert covered == [(g, i) for g, n in enumerate(sizes) for i in range(n)]


def test_a_capped_view_says_how_much_is_left_out():
    note = capped_note(1500, 100_000, "claims in view", "most recent")
    assert note.startswith("Showing the 1,500 most recent of 100,000 claims in view")
    assert "narrow the filters" in note
