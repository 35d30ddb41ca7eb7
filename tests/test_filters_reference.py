"""The vectorised ``apply_filters`` selects exactly what the original row-by-row one did.

``reference`` below is the implementation ``src/filters.py`` had before it was vectorised,
kept here (not in ``src/``) as the oracle: same claims, same order, same frame, for every kind
of filter change on the bundled data and on a synthetic set with skewed, multilingual and
hostile text.
"""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pytest

from bench.synth import synthetic
from src import filters
from src.filters import FilterState, apply_filters, facet_options, window
from src.schema import split_list


def reference(events: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    start, end = window(state, events)
    keep = (events["date_start"].dt.date <= end) & (events["date_end"].dt.date >= start)
    if state.datasets:
        keep &= events["dataset"].isin(state.datasets)
    if state.sources:
        wanted = set(state.sources)
        keep &= events["source_ids"].map(lambda ids: bool(wanted & set(split_list(ids))))
    if state.sides:
        keep &= events["claimant_side"].isin(state.sides)
    if state.claimants:
        keep &= events["claimant"].isin(state.claimants)
    if state.actors:
        keep &= events["actor1"].isin(state.actors) | events["actor2"].isin(state.actors)
    if state.types:
        keep &= events["event_type"].isin(state.types)
    if state.places:
        keep &= events["place_id"].map(lambda pid: pid in state.places)
    if state.text.strip():
        needle = state.text.strip().casefold()
        haystack = (
            events["summary"].fillna("")
            + " "
            + events["quote"].fillna("")
            + " "
            + events["claimant"].fillna("")
        ).str.casefold()
        named = events["place_id"].map(lambda pid: pid in state.text_places)
        keep &= haystack.str.contains(needle, regex=False) | named
    return events[keep]


#: Text searches: plain, case and script variants, characters whose case fold is special
#: (ß folds to ss, final sigma, the ﬁ ligature), regex metacharacters and hostile strings.
TEXTS = (
    "shelling",
    "SHELLING",
    "Степанакерт",
    "СТЕПАНАКЕРТ",
    "ստեփանակերտ",
    "XANKƏNDI",
    "şuşa",
    "STRASSE",
    "straße",
    "ΣΟΦΟΣ",
    "σοφος",
    "ﬁre",
    "FIRE",
    "<script>",
    "=cmd|",
    "a.b",
    "(",
    "[",
    "losses > 200",
    "  stepanakert  ",
    "ministry of defence",
    "nothing matches this",
)


def _states(events: pd.DataFrame, sources: list[str], seed: int) -> list[FilterState]:
    rng = random.Random(seed)
    options = facet_options(events, pd.DataFrame({"source_id": sources}))
    lo, hi = events["date_start"].min().date(), events["date_end"].max().date()
    mid = lo + (hi - lo) / 2
    states = [FilterState(), FilterState(period="offensive"), FilterState(period="blockade")]
    states += [FilterState(date_from=mid), FilterState(date_to=mid), FilterState(date_to=lo)]
    states += [FilterState(date_from=date(1, 1, 1), date_to=date(9999, 12, 31))]
    for name in filters.FACETS:
        for k in (1, 2, 3):
            values = tuple(rng.sample(options[name], min(k, len(options[name]))))
            states.append(FilterState().with_facet(name, values))
    states.append(FilterState(sources=("a999",)))  # no claim cites it
    states += [FilterState(text=t) for t in TEXTS]
    # a search naming places in some spelling: their claims match, whatever the text says
    places = options["places"]
    states += [
        FilterState(text=t, text_places=tuple(rng.sample(places, min(k, len(places)))))
        for k, t in ((1, "Khankendi"), (2, "nothing matches this"), (3, "shelling"))
    ]
    for _ in range(12):  # combinations, as a session builds them up
        state = FilterState(period=rng.choice(["all", "blockade", "background"]))
        for name in rng.sample(list(filters.FACETS), 2):
            state = state.with_facet(name, rng.sample(options[name], min(2, len(options[name]))))
        states.append(state)
    return states


def _check(events: pd.DataFrame, sources: list[str]) -> int:
    checked = 0
    for state in _states(events, sources, seed=11):
        got, want = apply_filters(events, state), reference(events, state)
        pd.testing.assert_frame_equal(got, want, obj=repr(state))
        checked += len(want)
    return checked


def test_same_claims_as_the_reference_on_the_bundled_data(bundled) -> None:
    # the bundled data is small: add the special case-fold strings to some summaries
    events = bundled.events.copy()
    events.loc[events.index[::7], "summary"] = "Straße ΣΟΦΟΣ ﬁre at the checkpoint"
    assert _check(events, list(bundled.sources["source_id"])) > 0
    assert _check(bundled.events, list(bundled.sources["source_id"])) > 0


@pytest.fixture(scope="module")
def synthetic_events() -> pd.DataFrame:
    events, _ = synthetic(20_000, seed=3)
    events = events.copy()
    events.loc[events.index[::50], "quote"] = "Ὀδυσσεύς ΣΟΦΟΣ STRASSE ǅ ﬃ İstanbul"
    return events


def test_same_claims_as_the_reference_on_synthetic_data(synthetic_events) -> None:
    sources = sorted({s for cell in synthetic_events["source_ids"] for s in split_list(cell)})
    assert _check(synthetic_events, sources) > 1_000


def test_the_text_index_follows_the_frame_not_a_stale_copy(synthetic_events) -> None:
    state = FilterState(text="odysseus-never-written")
    assert apply_filters(synthetic_events, state).empty
    changed = synthetic_events.copy()
    changed.loc[changed.index[0], "summary"] = "Odysseus-never-written"
    pd.testing.assert_frame_equal(apply_filters(changed, state), changed.iloc[:1])
