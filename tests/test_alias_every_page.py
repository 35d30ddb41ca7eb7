"""Search and the place filter match a place's aliases on every page, not only the map:
each page reads the one shared filter state, and this checks that each page's own headline
counts the Stepanakert claim when the link names it "Khankendi" or searches "Xankəndi"."""

from __future__ import annotations

import re

import pytest

from tests.exodus_data import SMALL

#: Each page (file stem) and its title: each headline counts the claims in view.
PAGES = {
    "Map": "Karabakh Conflict Map",
    "Claims": "Claims side by side",
    "Timeline": "Timeline of claims",
    "Sources": "Sources",
    "Places": "Places",
    "Data": "Data",
    "Add_article": "Add article",
}


def _count(at) -> str:
    line = next(m.value for m in at.markdown if re.search(r"claims (shown|in view)", m.value))
    found = re.match(r"\*\*(\d+ of \d+) claims", line)
    assert found is not None, line
    return found.group(1)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("params", [{"place": "Khankendi"}, {"q": "Xankəndi"}])
def test_an_alias_narrows_every_page(app_factory, page: str, params: dict[str, str]) -> None:
    at = app_factory(SMALL, f"pages/{page}.py", **params)
    assert not at.exception
    assert at.title[0].value == PAGES[page]  # that page really ran
    assert _count(at) == "1 of 4"  # the one Stepanakert claim of the small dataset
