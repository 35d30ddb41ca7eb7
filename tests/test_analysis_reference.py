"""The vectorised Claims, Timeline and Sources frames equal what the row-by-row code gave.

``tests/analysis_reference.py`` keeps the implementations ``src/analysis`` had before they
were vectorised (82 s for the Claims page and 170 s for the Timeline's first visit at 10^5
claims); every frame is compared cell by cell, dtypes included, on the bundled data, on a
filtered view of it and on synthetic claims (skewed, multilingual, hostile text, blank places
and figures, every date precision and time of day), whole and filtered.
"""

from __future__ import annotations

import pandas as pd
import pytest

from bench.synth import synthetic, synthetic_dataset
from src.analysis import coverage, incidents, timeline
from src.filters import FilterState, apply_filters
from tests import analysis_reference as reference


@pytest.fixture(scope="module")
def synthetic_claims() -> tuple[pd.DataFrame, dict[str, str]]:
    events, places = synthetic(6_000, seed=11)
    names = dict(zip(places["place_id"], places["name"], strict=True))
    names.pop(str(places["place_id"].iloc[-1]))  # a place the names lack: "unknown place"
    return events, names


@pytest.fixture(scope="module")
def synthetic_sources() -> pd.DataFrame:
    frame = synthetic_dataset(10, seed=11)["sources"]
    return frame.assign(published=pd.to_datetime(frame["published"]))


def _views(events: pd.DataFrame) -> list[pd.DataFrame]:
    side = str(events["claimant_side"].value_counts().index[0])
    return [
        events,
        apply_filters(events, FilterState(period="blockade")),
        apply_filters(events, FilterState(sides=(side,))),
        events.iloc[::3].sample(frac=1.0, random_state=1),  # any row order
        events.iloc[:0],
    ]


def _check(
    events: pd.DataFrame, names: dict[str, str], heads: dict[str, str], sources: pd.DataFrame
) -> None:
    for view in _views(events):
        found = incidents.all_discrepancies(view)
        assert found == reference.all_discrepancies(view)
        pd.testing.assert_frame_equal(
            incidents.incident_overview(view, names, events, found),
            reference.incident_overview(view, names, events, found),
        )
        # the kinds by group-bys and the discrepancies looked up one incident at a time
        lazy = incidents.Discrepancies(view)
        assert lazy.kinds == {
            i: tuple(dict.fromkeys(d.kind for d in ds)) for i, ds in found.items()
        }
        assert list(lazy) == list(found)
        assert all(lazy[i] == found[i] for i in list(found)[:40])
        assert lazy.complete() == found
        pd.testing.assert_frame_equal(
            incidents.incident_overview(view, names, events, kinds=lazy.kinds),
            reference.incident_overview(view, names, events, found),
        )
        for column in ("fatalities", "injured"):
            pd.testing.assert_frame_equal(
                incidents.figure_frame(view, names, column),
                reference.figure_frame(view, names, column),
            )
        pd.testing.assert_frame_equal(
            timeline.timeline_frame(view, names, heads),
            reference.timeline_frame(view, names, heads),
        )
        assert timeline.chronology(view, names) == reference.chronology(view, names)
        pd.testing.assert_frame_equal(coverage.carried(view), reference.carried(view))
        pd.testing.assert_frame_equal(
            coverage.coverage_matrix(view, sources["source_id"]),
            reference.coverage_matrix(view, sources["source_id"]),
        )
        pd.testing.assert_frame_equal(
            coverage.article_summary(view, sources, found),
            reference.article_summary(view, sources, found),
        )
        assert coverage.exclusive_incidents(view) == reference.exclusive_incidents(view)
        mine, old = coverage.exclusive_claims(view), reference.exclusive_claims(view)
        assert list(mine) == list(old)
        for sid, rows in mine.items():
            pd.testing.assert_frame_equal(rows, old[sid])


def test_same_frames_as_the_reference_on_the_bundled_data(bundled) -> None:
    names = dict(zip(bundled.places["place_id"], bundled.places["name"], strict=True))
    heads = dict(zip(bundled.sources["source_id"], bundled.sources["headline"], strict=True))
    assert any(incidents.all_discrepancies(bundled.events).values())
    _check(bundled.events, names, heads, bundled.sources)


def test_same_frames_as_the_reference_on_synthetic_claims(
    synthetic_claims, synthetic_sources
) -> None:
    events, names = synthetic_claims
    sources = synthetic_sources
    heads = {"a000": "An <b>article</b> & its headline", "a001": "=cmd|' /C calc'!A0"}
    found = incidents.all_discrepancies(events)
    assert 0 < sum(bool(v) for v in found.values()) < len(found)  # both kinds present
    _check(events, names, heads, sources)


def test_lanes_as_the_reference_assigns_them(synthetic_claims) -> None:
    events, names = synthetic_claims
    frame = reference.timeline_frame(events, names, {}).sample(frac=1.0, random_state=2)
    pd.testing.assert_series_equal(timeline.assign_lanes(frame), reference.assign_lanes(frame))
    assert timeline.assign_lanes(frame).max() > 3  # overlapping spans do take several lanes
