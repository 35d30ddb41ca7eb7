"""Dates in a sentence, resolved against the article's publication date, with a precision.

News writes "on Tuesday", "Wednesday morning", "last week", "on 19 September", "since
December", "three years ago", "in the early 1990s". Each resolves to a span and one of the
schema's precisions (day, week, month, year); a weekday is the latest such day on or before
publication (news reports the past), a day and month without a year the latest one not after
the publication date plus a week (an announced date may lie just ahead). The rules are
written out here rather than left to a general parser: each pattern is one reviewable line,
and none can silently resolve a figure ("68 dead") to a date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from src.ingest.figures import word_number
from src.schema import DATE_MAX, DATE_MIN

__all__ = ["DateGuess", "find_date", "time_of_day"]

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.casefold()] = _i
        MONTHS[_name[:3].casefold()] = _i
MONTHS["sept"] = 9
WEEKDAYS = {name.casefold(): i for i, name in enumerate(calendar.day_name)}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_NUM = (
    r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few)"
)
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"


@dataclass(frozen=True)
class DateGuess:
    """A resolved date span; ``phrase`` is the text it came from ("" = the default)."""

    start: date
    end: date
    precision: str
    phrase: str = ""
    #: an open span up to publication ("since December"): the claim runs to the article
    ongoing: bool = False


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _week(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _count(text: str) -> int | None:
    text = text.casefold()
    if text in {"several", "a few"}:
        return None
    if text in {"a", "an"}:
        return 1
    return int(text) if text.isdigit() else word_number(text)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _ago(n: int, unit: str, published: date) -> tuple[date, date, str]:
    if unit == "day":
        day = published - timedelta(days=n)
        return day, day, "day"
    if unit == "week":
        return (*_week(published - timedelta(weeks=n)), "week")
    if unit == "month":
        day = _shift_months(published, n)
        return date(day.year, day.month, 1), _month_end(day.year, day.month), "month"
    years = n * (10 if unit == "decade" else 1)
    year = published.year - years
    return date(year, 1, 1), date(year, 12, 31), "year"


def _day_of_month(day: int, month: int, year: int | None, published: date) -> date | None:
    if year is None:
        year = published.year
        try:
            if date(year, month, day) > published + timedelta(days=7):
                year -= 1
        except ValueError:
            return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _latest_month(month: int, published: date) -> int:
    """The year of the latest ``month`` not after publication ("since December")."""
    return published.year if month <= published.month else published.year - 1


_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "dmy",
        re.compile(
            rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?\b", re.I
        ),
    ),
    (
        "mdy",
        re.compile(rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR})?", re.I),
    ),
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<m>\d{2})-(?P<day>\d{2})\b")),
    (
        "since_month",
        re.compile(
            rf"\b(?:since|from)\s+(?:mid-|early\s+|late\s+)?{_MONTH}(?:\s+{_YEAR})?\b", re.I
        ),
    ),
    ("past_n", re.compile(rf"\b(?:for\s+)?the\s+(?:past|last)\s+{_NUM}\s+{_UNIT}\b", re.I)),
    (
        "n_of",
        re.compile(rf"\b{_NUM}[\s-]+{_UNIT}\s+of\s+(?:the\s+)?block", re.I),
    ),
    ("ago", re.compile(rf"\b{_NUM}\s+{_UNIT}\s+ago\b", re.I)),
    ("month_this_year", re.compile(rf"\bin\s+{_MONTH}\s+(?:this|last)\s+year\b", re.I)),
    ("month_year", re.compile(rf"\b(?:in\s+|since\s+|of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I)),
    (
        "decade",
        re.compile(
            r"\b(?:the\s+)?(?P<part>early|mid|late)?[\s-]*(?P<decade>1[89]\d0|20\d0)s\b", re.I
        ),
    ),
    ("rel_week", re.compile(r"\b(?P<which>last|this|next|past)\s+week(?:end)?\b", re.I)),
    ("rel_month", re.compile(r"\b(?P<which>last|this|next)\s+month\b", re.I)),
    ("rel_year", re.compile(r"\b(?P<which>last|this|next)\s+year\b", re.I)),
    ("since_weekday", re.compile(rf"\b(?:since|from)\s+(?:last\s+)?{_WEEKDAY}\b", re.I)),
    ("weekday", re.compile(rf"\b(?P<rel>last\s+|this\s+|next\s+)?{_WEEKDAY}\b", re.I)),
    (
        "today",
        re.compile(
            r"\b(?P<word>today|tonight|this\s+morning|this\s+afternoon|this\s+evening|yesterday|tomorrow)\b",
            re.I,
        ),
    ),
    ("since_year", re.compile(rf"\bsince\s+{_YEAR}\b", re.I)),
    ("year", re.compile(rf"\b(?:in|of|during|since)\s+{_YEAR}\b", re.I)),
    ("bare_year", re.compile(rf"\b{_YEAR}\b")),
]


def _month(g: dict[str, str]) -> int:
    return MONTHS[g["month"].casefold().rstrip(".")]


def _r_day(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    month = int(g["m"]) if g.get("m") else _month(g)
    year = int(g["year"]) if g.get("year") else None
    day = _day_of_month(int(g["day"]), month, year, published)
    return None if day is None else DateGuess(day, day, "day", phrase)


def _r_since_month(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    month = _month(g)
    year = int(g["year"]) if g.get("year") else _latest_month(month, published)
    return DateGuess(date(year, month, 1), published, "month", phrase, ongoing=True)


def _r_span(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    """ "for the past nine months", "9 months of blockade": from then up to publication."""
    n = _count(g["n"])
    if n is None:
        return None
    start, _end, precision = _ago(n, g["unit"].casefold(), published)
    return DateGuess(start, published, precision, phrase, ongoing=True)


def _r_ago(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    n = _count(g["n"])
    if n is None:
        return None
    start, end, precision = _ago(n, g["unit"].casefold(), published)
    return DateGuess(start, end, precision, phrase)


def _r_month_this_year(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    month = _month(g)
    year = published.year - (1 if "last" in phrase.casefold() else 0)
    return DateGuess(date(year, month, 1), _month_end(year, month), "month", phrase)


def _r_month_year(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    month, year = _month(g), int(g["year"])
    if phrase.casefold().startswith("since"):
        return DateGuess(date(year, month, 1), published, "month", phrase, ongoing=True)
    return DateGuess(date(year, month, 1), _month_end(year, month), "month", phrase)


def _r_decade(g: dict[str, str], phrase: str, _published: date) -> DateGuess | None:
    decade = int(g["decade"])
    part = (g.get("part") or "").casefold()
    first, last = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}.get(part, (0, 9))
    return DateGuess(date(decade + first, 1, 1), date(decade + last, 12, 31), "year", phrase)


def _r_week(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    which = g["which"].casefold()
    if which == "past":  # "the past week": the seven days up to publication
        return DateGuess(published - timedelta(days=7), published, "week", phrase, True)
    offset = {"last": -7, "this": 0, "next": 7}[which]
    return DateGuess(*_week(published + timedelta(days=offset)), "week", phrase)


def _r_month_rel(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    day = _shift_months(published, {"last": 1, "this": 0, "next": -1}[g["which"].casefold()])
    return DateGuess(date(day.year, day.month, 1), _month_end(day.year, day.month), "month", phrase)


def _r_year_rel(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    year = published.year + {"last": -1, "this": 0, "next": 1}[g["which"].casefold()]
    return DateGuess(date(year, 1, 1), date(year, 12, 31), "year", phrase)


def _r_weekday(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    target = WEEKDAYS[g["weekday"].casefold()]
    rel = (g.get("rel") or "").strip().casefold()
    if rel == "next":
        day = published + timedelta(days=(target - published.weekday()) % 7 or 7)
    else:
        back = (published.weekday() - target) % 7
        day = published - timedelta(days=back or (7 if rel == "last" else 0))
    return DateGuess(day, day, "day", phrase)


def _r_since_weekday(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    rel = "last" if "last" in phrase.casefold() else ""
    day = _r_weekday({"weekday": g["weekday"], "rel": rel}, phrase, published)
    assert day is not None
    return DateGuess(day.start, published, "day", phrase, ongoing=True)


def _r_today(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    day = published + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(g["word"].casefold(), 0))
    return DateGuess(day, day, "day", phrase)


def _r_since_year(g: dict[str, str], phrase: str, published: date) -> DateGuess | None:
    return DateGuess(date(int(g["year"]), 1, 1), published, "year", phrase, ongoing=True)


def _r_year(g: dict[str, str], phrase: str, _published: date) -> DateGuess | None:
    year = int(g["year"])
    return DateGuess(date(year, 1, 1), date(year, 12, 31), "year", phrase)


_RESOLVERS: dict[str, Callable[[dict[str, str], str, date], DateGuess | None]] = {
    "dmy": _r_day,
    "mdy": _r_day,
    "iso": _r_day,
    "since_month": _r_since_month,
    "past_n": _r_span,
    "n_of": _r_span,
    "ago": _r_ago,
    "month_this_year": _r_month_this_year,
    "month_year": _r_month_year,
    "decade": _r_decade,
    "rel_week": _r_week,
    "rel_month": _r_month_rel,
    "rel_year": _r_year_rel,
    "since_weekday": _r_since_weekday,
    "weekday": _r_weekday,
    "today": _r_today,
    "since_year": _r_since_year,
    "year": _r_year,
    "bare_year": _r_year,
}


def _resolve(rule: str, m: re.Match[str], published: date) -> DateGuess | None:
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    if g.get("month") and not g["month"][0].isupper():
        return None  # "may", "march" as words, not months
    if g.get("weekday") and not g["weekday"][0].isupper():
        return None
    return _RESOLVERS[rule](g, m.group(0).strip(), published)


#: A sentence about what is to come: its weekday is the next one, not the last.
_FUTURE = re.compile(
    r"\b(?:will|shall|(?:is|are)\s+(?:\w+\s+)?(?:expected|likely|due|set|scheduled)\s+to|"
    r"plans?\s+to|upcoming|is\s+to\s+meet)\b",
    re.I,
)


def _next_weekday(match: re.Match[str], published: date) -> DateGuess | None:
    """The weekday on or after publication (a sentence about the future)."""
    name = match.group("weekday")
    if not name[0].isupper():
        return None
    day = published + timedelta(days=(WEEKDAYS[name.casefold()] - published.weekday()) % 7)
    return DateGuess(day, day, "day", match.group(0).strip())


def find_date(sentence: str, published: date) -> DateGuess | None:
    """The first date the sentence states (most specific rule first), or None. A weekday in
    a sentence about the future ("will meet on Wednesday") is the next such day."""
    best: tuple[int, int, DateGuess] | None = None
    future = _FUTURE.search(sentence) is not None
    for rank, (rule, pattern) in enumerate(_RULES):
        for match in pattern.finditer(sentence):
            if rule == "weekday" and future and not (match.group("rel") or "").strip():
                guess = _next_weekday(match, published)
            else:
                guess = _resolve(rule, match, published)
            if guess is None or not (DATE_MIN <= guess.start <= guess.end <= DATE_MAX):
                continue
            key = (rank, match.start())
            if best is None or key < best[:2]:
                best = (rank, match.start(), guess)
            break
    return None if best is None else best[2]


_TIMES = re.compile(
    r"\b(?:in\s+the\s+|on\s+\w+\s+|this\s+|\w+day\s+|overnight\s+|late\s+|early\s+)?"
    r"(?P<part>morning|afternoon|evening|night|overnight)\b",
    re.I,
)
_CLOCK = re.compile(
    r"\b(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?", re.I
)


def time_of_day(sentence: str) -> str:
    """A part of the day (morning … night) or a clock time HH:MM the sentence names, or ""."""
    clock = _CLOCK.search(sentence)
    if clock and (clock.group("ampm") or ":" in clock.group(0)):
        hour = int(clock.group("h")) % 24
        ampm = (clock.group("ampm") or "").casefold()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        if ampm.startswith("a") and hour == 12:
            hour = 0
        return f"{hour:02d}:{clock.group('m')}"
    part = _TIMES.search(sentence)
    if part:
        word = part.group("part").casefold()
        return "night" if word == "overnight" else word
    return ""
