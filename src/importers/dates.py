"""Dates as datasets write them, read by a strict set of formats; an ambiguous date is
reported, never guessed.

ACLED has written ``2020-09-27``, ``27-September-2020``, ``9-May-20``, ``19 September 2023``
and (v6 realtime) ``27/09/2020``; UCDP writes ISO dates, sometimes with a time. A slash date
is day-first in ACLED v6 (its documentation says so); in any other file the order is taken
from the file itself (a first part above 12 means day-first), and a file that never says is
reported row by row where day and month could swap.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal

__all__ = ["SlashOrder", "parse_date", "slash_order"]

SlashOrder = Literal["dmy", "mdy", "unknown", "conflict"]

_FORMATS = (
    "%Y-%m-%d",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%d-%B-%y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d.%m.%Y",
)
_ISO_WITH_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T][0-9:.]+Z?")
_SLASH = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})")


def slash_order(values: Iterable[str]) -> SlashOrder:
    """Whether a file's slash dates are day-first or month-first, as far as they tell."""
    dmy = mdy = False
    for value in values:
        match = _SLASH.fullmatch(value.strip())
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            dmy |= first > 12
            mdy |= second > 12
    if dmy and mdy:
        return "conflict"
    return "dmy" if dmy else "mdy" if mdy else "unknown"


def _year(text: str) -> int:
    year = int(text)
    return year + (2000 if year < 50 else 1900) if len(text) == 2 else year


@functools.lru_cache(maxsize=65536)  # a file repeats its dates many times over
def parse_date(text: str, order: SlashOrder = "unknown") -> date | str:
    """The date ``text`` names, or why it cannot be read (a sentence for the report)."""
    value = text.strip()
    if not value:
        return "blank"
    timed = _ISO_WITH_TIME.fullmatch(value)
    if timed:
        value = timed.group(1)
    match = _SLASH.fullmatch(value)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        if order == "conflict":
            return f"{text!r}: the file mixes day-first and month-first slash dates"
        if order == "unknown" and first != second and first <= 12 and second <= 12:
            return f"{text!r} is ambiguous (day/month or month/day); write it as YYYY-MM-DD"
        day, month = (second, first) if order == "mdy" else (first, second)
        try:
            return date(year, month, day)
        except ValueError:
            return f"{text!r} is not a real date"
    for fmt in _FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return f"{text!r} is not a date in a known format (YYYY-MM-DD, 9-May-20, 19 September 2023)"
