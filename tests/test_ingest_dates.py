"""Relative and absolute dates resolved against the publication date, with a precision."""

from __future__ import annotations

from datetime import date

import pytest

from src.ingest.dates import find_date, time_of_day

#: Wednesday 20 September 2023.
PUB = date(2023, 9, 20)


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("Azerbaijan launched the operation on Tuesday.", "2023-09-19", "2023-09-19", "day"),
        ("Shelling resumed on Wednesday morning.", "2023-09-20", "2023-09-20", "day"),
        ("Fighting flared last week.", "2023-09-11", "2023-09-17", "week"),
        ("The talks began on 19 September.", "2023-09-19", "2023-09-19", "day"),
        ("The talks began on September 19, 2023.", "2023-09-19", "2023-09-19", "day"),
        ("Since December, the road has been closed.", "2022-12-01", "2023-09-20", "month"),
        ("The village was taken three years ago.", "2020-01-01", "2020-12-31", "year"),
        ("They fought in the early 1990s.", "1990-01-01", "1993-12-31", "year"),
        ("A truce was signed in November 2020.", "2020-11-01", "2020-11-30", "month"),
        ("For the past nine months the road was shut.", "2022-12-01", "2023-09-20", "month"),
        ("The checkpoint opened in April this year.", "2023-04-01", "2023-04-30", "month"),
        ("Exercises were held this month.", "2023-09-01", "2023-09-30", "month"),
        ("Troops trained this week.", "2023-09-18", "2023-09-24", "week"),
        ("It happened yesterday.", "2023-09-19", "2023-09-19", "day"),
        ("Thousands have fled since Sunday.", "2023-09-17", "2023-09-20", "day"),
        ("The council will meet on Friday.", "2023-09-22", "2023-09-22", "day"),
        ("The war ended in 2020.", "2020-01-01", "2020-12-31", "year"),
        ("A day later, on 2023-09-21, talks opened.", "2023-09-21", "2023-09-21", "day"),
    ],
)
def test_patterns(text: str, start: str, end: str, precision: str) -> None:
    guess = find_date(text, PUB)
    assert guess is not None
    assert (guess.start.isoformat(), guess.end.isoformat(), guess.precision) == (
        start,
        end,
        precision,
    )


def test_a_day_and_month_after_publication_is_last_year() -> None:
    guess = find_date("It began on 25 December.", PUB)
    assert guess is not None
    assert guess.start == date(2022, 12, 25)


@pytest.mark.parametrize(
    "text",
    [
        "Officials said 68 dead and more than 200 wounded.",
        "The army may attack 5 villages.",  # "may" is not May
        "No date here at all.",
        "A 44-day war.",
    ],
)
def test_no_date_is_invented(text: str) -> None:
    assert find_date(text, PUB) is None


def test_impossible_day_is_skipped() -> None:
    assert find_date("on 31 February", PUB) is None


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("on Wednesday morning", "morning"),
        ("late in the evening", "evening"),
        ("overnight shelling", "night"),
        ("at 14:30 local time", "14:30"),
        ("at 9.15 p.m.", "21:15"),
        ("on Tuesday", ""),
    ],
)
def test_time_of_day(text: str, part: str) -> None:
    assert time_of_day(text) == part
