"""Figures as stated, by category, with qualifiers and parts kept in notes."""

from __future__ import annotations

import pytest

from src.ingest.figures import find_figures, word_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials said 68 dead.", {"fatalities": 68}),
        ("More than 200 wounded were taken to hospital.", {"injured": 200}),
        ("Over 100,000 refugees have arrived in Armenia.", {"displaced": 100_000}),
        ("Two civilians were killed.", {"fatalities": 2}),
        ("About 120 people are missing.", {"missing": 120}),
        ("Some 50,000 people have fled.", {"displaced": 50_000}),
        ("at least two people died and 11 were injured", {"fatalities": 2, "injured": 11}),
        ("two landmine blasts killed six people", {"fatalities": 6}),
        ("four soldiers and two civilians had died", {"fatalities": 6}),
        ("resulting in the death of one civilian", {"fatalities": 1}),
        ("the tragic loss of eleven police officers", {"fatalities": 11}),
        ("twenty-seven soldiers were killed", {"fatalities": 27}),
        ("11 children among the injured", {"injured": 11}),
        ("three hundred people were displaced", {"displaced": 300}),
    ],
)
def test_categories(text: str, expected: dict[str, int]) -> None:
    figures = find_figures(text)
    for category in ("fatalities", "injured", "missing", "displaced"):
        assert figures.get(category) == expected.get(category), category


def test_qualifier_and_parts_are_kept_in_notes() -> None:
    figures = find_figures(
        "reported 27 fatalities, including two civilians, and more than 200 others wounded"
    )
    assert (figures.fatalities, figures.injured) == (27, 200)
    assert figures.notes["fatalities"] == "including two civilians"
    assert figures.notes["injured"] == "more than 200"
    listed = find_figures("four soldiers and two civilians had died")
    assert listed.notes["fatalities"] == "four soldiers + two civilians"


def test_other_counts_are_listed_not_taken_as_casualties() -> None:
    figures = find_figures("Russia deployed about 2,000 soldiers as peacekeeping forces.")
    assert not figures.any
    assert figures.other == {"2,000 soldiers": "2,000"}


@pytest.mark.parametrize(
    "text",
    [
        "located roughly 60 kilometers north of Khankendi",
        "a 44-day war in 2020",
        "in 1994 the war ended",
        "at 14:30 the convoy left",
        "Hundreds of protesters gathered.",
    ],
)
def test_no_casualty_figure(text: str) -> None:
    assert not find_figures(text).any


def test_word_numbers() -> None:
    assert word_number("twenty-seven") == 27
    assert word_number("three hundred") == 300
    assert word_number("a dozen") == 12
    assert word_number("several") is None
