"""Pages of a long list: which rows one page holds, and how to say so.

At 10^5 claims a whole table (or every incident card, every chronology line) would send tens
of MB to the browser on every view; the pages show a bounded slice and say which one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

#: Rows per page of a claims table: a few hundred kB at most per view.
TABLE_ROWS = 500


@dataclass(frozen=True)
class Page:
    """Rows ``start``..``stop - 1`` (0-based) of ``total``: page ``number`` of ``pages``."""

    number: int
    pages: int
    start: int
    stop: int
    total: int

    def caption(self, noun: str = "rows") -> str:
        """ "rows 501–1,000 of 100,000 (page 2 of 200)", or "no rows"."""
        if self.total == 0:
            return f"no {noun}"
        where = f"{noun} {self.start + 1:,}–{self.stop:,} of {self.total:,}"
        return where + (f" (page {self.number:,} of {self.pages:,})" if self.pages > 1 else "")


def page_count(total: int, size: int) -> int:
    """How many pages of ``size`` rows ``total`` rows take (at least one, even when empty)."""
    if size < 1:
        raise ValueError(f"page size must be at least 1, not {size}")
    return max(1, -(-total // size))


def page_of(total: int, number: int, size: int = TABLE_ROWS) -> Page:
    """Page ``number`` (1-based, clamped into range) of ``total`` rows, ``size`` per page."""
    pages = page_count(total, size)
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(number, pages, start, min(total, start + size), total)


def capped_note(shown: int, total: int, what: str, order: str) -> str:
    """The notice for a capped view: "showing the 2,000 most recent of 100,000 claims — …"."""
    return (
        f"Showing the {shown:,} {order} of {total:,} {what}; narrow the filters (period, dates, "
        "sides, types, sources) to see the rest."
    )


def group_slices(sizes: Sequence[int], start: int, stop: int) -> list[tuple[int, int, int]]:
    """The parts of consecutive groups (of ``sizes`` items each) that rows ``start``..``stop``
    of their concatenation cover, as (group index, first item, end item) within each group:
    a page of a chronology cut across its days."""
    ends = list(accumulate(sizes))
    out: list[tuple[int, int, int]] = []
    group = bisect_right(ends, start)
    while group < len(sizes) and start < stop:
        begin = ends[group] - sizes[group]
        first, end = start - begin, min(stop, ends[group]) - begin
        if end > first:
            out.append((group, first, end))
        start = begin + end
        group += 1
    return out
