"""Filtering: each facet, combinations, periods and date windows, empty results."""

from __future__ import annotations

from datetime import date

import pytest

from src.filters import (
    PERIODS,
    FilterState,
    apply_filters,
    describe,
    facet_options,
    period_bounds,
    window,
)


def ids(frame) -> set[str]:
    return set(frame["event_id"])


def test_no_filter_keeps_everything(small):
    assert ids(apply_filters(small.events, FilterState())) == ids(small.events)


@pytest.mark.parametrize(
    ("facet", "values", "expected"),
    [
        ("sources", ("a001",), {"E001", "E002", "E004"}),
        ("sources", ("a000",), {"E001", "E003"}),
        ("sides", ("Azerbaijan",), {"E002"}),
        ("sides", ("Azerbaijan", "Independent/media"), {"E002", "E003", "E004"}),
        ("claimants", ("NK officials",), {"E001"}),
        ("actors", ("Civilians (Nagorno-Karabakh)",), {"E001", "E003"}),  # matches actor2
        ("actors", ("Military Forces of Azerbaijan",), {"E001"}),  # matches actor1
        ("types", ("Statements and talks",), {"E002", "E004"}),
    ],
)
def test_each_facet(small, facet, values, expected):
    state = FilterState().with_facet(facet, values)
    assert ids(apply_filters(small.events, state)) == expected


@pytest.mark.parametrize("field", ["text", "period", "date_from", "nonsense"])
def test_facet_access_refuses_other_fields(field):
    """Setting ``text`` or a date to a tuple would silently break filtering: it raises."""
    with pytest.raises(KeyError):
        FilterState().with_facet(field, ["x"])
    with pytest.raises(KeyError):
        FilterState().facet(field)


def test_facets_combine_with_and(small):
    state = FilterState(sides=("Independent/media",), types=("Access and aid",))
    assert ids(apply_filters(small.events, state)) == {"E003"}


def test_empty_result(small):
    state = FilterState(sides=("Russia",))
    assert apply_filters(small.events, state).empty


def test_period_offensive_uses_overlap(small):
    # the blockade claim (Dec 2022 - 18 Sep 2023) ends before the offensive starts
    shown = apply_filters(small.events, FilterState(period="offensive"))
    assert ids(shown) == {"E001", "E002", "E004"}


def test_period_blockade_includes_long_claims(small):
    shown = apply_filters(small.events, FilterState(period="blockade"))
    assert ids(shown) == {"E003"}


def test_date_range_narrows_inside_period(small):
    state = FilterState(date_from=date(2023, 9, 20), date_to=date(2023, 9, 20))
    assert ids(apply_filters(small.events, state)) == {"E004"}


def test_window_clamps_to_period_and_data(small):
    assert window(FilterState(), small.events) == (date(2022, 12, 12), date(2023, 9, 20))
    assert window(FilterState(period="offensive"), small.events) == (
        date(2023, 9, 19),
        date(2023, 9, 21),
    )
    assert period_bounds("background", small.events)[1] == PERIODS["background"][1]


def test_text_search_is_case_insensitive(small):
    assert ids(apply_filters(small.events, FilterState(text="ANALYST"))) == {"E004"}
    assert apply_filters(small.events, FilterState(text="no such words")).empty


def test_facet_options_lists_both_actor_columns(small):
    options = facet_options(small.events, small.sources)
    assert "Civilians (Nagorno-Karabakh)" in options["actors"]
    assert "" not in options["actors"]
    assert options["sources"] == ["a000", "a001"]


def test_describe_names_every_active_filter(small):
    state = FilterState(period="offensive", sides=("Armenia",), sources=("a001",), text="x")
    words = describe(state, small.events, {"a001": "Second article"})
    assert words[0].startswith("Offensive")
    assert "19 Sep 2023 – 21 Sep 2023" in words[0]
    assert "claimant side: Armenia" in words
    assert "source: Second article" in words
    assert any('"x"' in w for w in words)


def with_dataset(small, event_ids: set[str], dataset: str = "acled_arm"):
    """The small events with some of them moved to another dataset (a copy)."""
    events = small.events.copy()
    events.loc[events["event_id"].isin(event_ids), "dataset"] = dataset
    return events


def test_dataset_facet_keeps_only_the_chosen_datasets(small):
    events = with_dataset(small, {"E002", "E004"})
    assert set(events["dataset"]) == {"articles", "acled_arm"}  # blank filled as articles
    only = FilterState(datasets=("acled_arm",))
    assert ids(apply_filters(events, only)) == {"E002", "E004"}
    both = FilterState(datasets=("acled_arm", "articles"))
    assert ids(apply_filters(events, both)) == ids(events)
    combined = FilterState(datasets=("articles",), types=("Statements and talks",))
    assert ids(apply_filters(events, combined)) == set()
    assert facet_options(events, small.sources)["datasets"] == ["acled_arm", "articles"]


def test_describe_names_the_datasets_by_name(small):
    state = FilterState(datasets=("acled_arm", "gone"))
    words = describe(state, small.events, {}, {"acled_arm": "ACLED Armenia 2018–2020"})
    assert "dataset: ACLED Armenia 2018–2020, gone" in words
