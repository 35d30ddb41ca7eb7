"""URL query parameters <-> filter state: round trips, lists, and hostile input."""

from __future__ import annotations

from datetime import date

from src.filters import FACETS, FilterState
from src.urlstate import PARAMS, parse_query, to_query

OPTIONS = {
    "sources": ["a000", "a001"],
    "sides": ["Azerbaijan", "Armenia", "Independent/media"],
    "claimants": ["Pashinyan, Nikol", "NK officials"],
    "actors": ["Government of Armenia"],
    "types": ["Battles", "Statements and talks"],
}


def test_every_facet_has_a_parameter():
    assert set(PARAMS.values()) == set(FACETS)


def test_round_trip():
    state = FilterState(
        period="offensive",
        date_from=date(2023, 9, 19),
        date_to=date(2023, 9, 20),
        sources=("a001",),
        sides=("Azerbaijan", "Armenia"),
        claimants=("Pashinyan, Nikol",),
        types=("Battles",),
        text="shelling",
    )
    parsed = parse_query(to_query(state), OPTIONS)
    assert parsed.state == state
    assert parsed.notices == ()


def test_defaults_make_an_empty_query():
    assert to_query(FilterState()) == {}


def test_repeated_and_comma_separated_values():
    parsed = parse_query({"side": ["Azerbaijan,Armenia", "Independent/media"]}, OPTIONS)
    assert parsed.state.sides == ("Azerbaijan", "Armenia", "Independent/media")


def test_known_value_with_a_comma_is_kept_whole():
    parsed = parse_query({"claimant": ["Pashinyan, Nikol"]}, OPTIONS)
    assert parsed.state.claimants == ("Pashinyan, Nikol",)


def test_unknown_values_are_dropped_with_a_notice():
    parsed = parse_query(
        {
            "period": ["war"],
            "from": ["yesterday"],
            "side": ["Azerbaijan,<script>"],
            "colour": ["red"],
        },
        OPTIONS,
    )
    assert parsed.state.period == "all"
    assert parsed.state.date_from is None
    assert parsed.state.sides == ("Azerbaijan",)
    text = " ".join(parsed.notices)
    assert "'war'" in text
    assert "yesterday" in text
    assert "<script>" in text
    assert "colour" in text


def test_reversed_dates_are_ignored():
    parsed = parse_query({"from": ["2023-09-20"], "to": ["2023-09-19"]}, OPTIONS)
    assert parsed.state.date_from is None
    assert parsed.state.date_to is None
    assert parsed.notices


def test_impossible_date_is_a_notice_not_a_crash():
    parsed = parse_query({"to": ["2023-02-30"]}, OPTIONS)
    assert parsed.state.date_to is None
    assert "2023-02-30" in parsed.notices[0]
