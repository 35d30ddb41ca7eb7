"""Which claims the user is looking at: the filter state, the periods, and applying them.

Pure functions over the events frame, so the map, the pages, the exports and the tests all
agree on what "the current view" contains. An empty selection means "no restriction".
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from src.labels import FACET_LABELS, PERIOD_LABELS
from src.schema import PERIODS, split_list

__all__ = [
    "FACETS",
    "FilterState",
    "apply_filters",
    "data_bounds",
    "describe",
    "facet_options",
    "period_bounds",
    "prepare_search",
    "window",
]

#: Filter field -> the events column(s) it matches.
FACETS: dict[str, tuple[str, ...]] = {
    "datasets": ("dataset",),
    "sources": ("source_ids",),
    "sides": ("claimant_side",),
    "claimants": ("claimant",),
    "actors": ("actor1", "actor2"),
    "types": ("event_type",),
}


@dataclass(frozen=True)
class FilterState:
    """Everything that narrows the view; hashable so it can key caches."""

    period: str = "all"
    date_from: date | None = None
    date_to: date | None = None
    datasets: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    claimants: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    text: str = ""

    def facet(self, name: str) -> tuple[str, ...]:
        """The values selected for one facet; ``name`` must be a key of ``FACETS``."""
        _check_facet(name)
        values: tuple[str, ...] = getattr(self, name)
        return values

    def with_facet(self, name: str, values: Iterable[str]) -> FilterState:
        """A copy with one facet's selection replaced; ``name`` must be a key of ``FACETS``."""
        _check_facet(name)
        # Any: the field is chosen at run time; _check_facet keeps it a tuple[str, ...] one.
        change: dict[str, Any] = {name: tuple(values)}
        return replace(self, **change)


def _check_facet(name: str) -> None:
    """Refuse non-facet fields: setting ``text`` or ``period`` to a tuple would break the view."""
    if name not in FACETS:
        raise KeyError(f"not a filter facet: {name!r}")


def data_bounds(events: pd.DataFrame) -> tuple[date, date]:
    """The first start and last end date in the data (today's date if there is none)."""
    if events.empty:
        today = date.today()
        return today, today
    return events["date_start"].min().date(), events["date_end"].max().date()


def window(state: FilterState, events: pd.DataFrame) -> tuple[date, date]:
    """The date window in force: the period's bounds, narrowed by from/to, within the data."""
    lo, hi = data_bounds(events)
    p_lo, p_hi = PERIODS.get(state.period, (None, None))
    start = max(d for d in (lo if p_lo is None else p_lo, state.date_from) if d is not None)
    end = min(d for d in (hi if p_hi is None else p_hi, state.date_to) if d is not None)
    if p_lo is not None and p_lo > hi:
        start = p_lo
    return start, end


def period_bounds(period: str, events: pd.DataFrame) -> tuple[date, date]:
    """The slider's range for a period: the period's dates, open ends closed by the data.

    A range of one day (no claims, or all on one day) gets a second day: a slider needs two
    different ends, and the day after the data's last shows nothing more.
    """
    lo, hi = data_bounds(events)
    p_lo, p_hi = PERIODS.get(period, (None, None))
    start, end = (p_lo or lo, p_hi or hi)
    return (start, end + timedelta(days=1)) if start == end else (start, end)


def apply_filters(events: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The claims that pass every active filter; a claim is in a window if its dates overlap it.

    Vectorised (tens of ms at 10^6 claims): dates compare as datetime64, source lists are
    tested once per distinct cell, and the text search runs over a casefolded haystack built
    once per events frame (``_haystack``).
    """
    start, end = window(state, events)
    after_end = np.datetime64(end, "D") + np.timedelta64(1, "D")
    keep = (events["date_start"].to_numpy() < after_end) & (
        events["date_end"].to_numpy() >= np.datetime64(start, "D")
    )
    if state.datasets:
        keep &= events["dataset"].isin(state.datasets)
    if state.sources:
        keep &= _any_listed(events["source_ids"], set(state.sources))
    for column, values in (
        ("claimant_side", state.sides),
        ("claimant", state.claimants),
        ("event_type", state.types),
    ):
        if values:
            keep &= events[column].isin(values).to_numpy()
    if state.actors:
        keep &= (
            events["actor1"].isin(state.actors) | events["actor2"].isin(state.actors)
        ).to_numpy()
    if state.text.strip():
        keep &= _text_matches(events, state.text.strip())
    # every row kept (the default view): a lazy copy, not a copy of every column
    return events.copy(deep=False) if keep.all() else events[keep]


def _any_listed(cells: pd.Series, wanted: set[str]) -> np.ndarray:
    """Per row: does its list cell (``split_list``) name any of ``wanted``? Each distinct cell
    is split once (a dataset has few distinct source lists, however many rows)."""
    codes, distinct = pd.factorize(cells, use_na_sentinel=True)
    hits = np.array([bool(wanted & set(split_list(v))) for v in distinct] + [False], dtype=bool)
    return hits[codes]  # the sentinel -1 (a missing cell) picks the trailing False


#: Casefolded search text per events frame, keyed by the frame's id while it is alive. The
#: frames filtered are the dataset's, which nothing modifies in place (they are shared by every
#: session); a changed copy is a new frame with a haystack of its own.
_HAYSTACKS: dict[int, tuple[weakref.ref[pd.DataFrame], pa.ChunkedArray]] = {}
_SEARCHED = ("summary", "quote", "claimant")
_BUILDING = threading.RLock()


def _text_matches(events: pd.DataFrame, needle: str) -> np.ndarray:
    """Per row: does summary, quote or claimant (joined by spaces, casefolded) hold ``needle``?"""
    found = pc.match_substring(_haystack(events), needle.casefold())
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def prepare_search(events: pd.DataFrame) -> None:
    """Build the text search's haystack of ``events`` now (the app does it in a background
    thread at load, so the first search at 10^6 claims does not wait seconds for it)."""
    _haystack(events)


def _haystack(events: pd.DataFrame) -> pa.ChunkedArray:
    key = id(events)
    with _BUILDING:  # one build per frame, whichever thread asks first
        cached = _HAYSTACKS.get(key)
        if cached is not None and cached[0]() is events and len(cached[1]) == len(events):
            return cached[1]
        return _build_haystack(events, key)


def _build_haystack(events: pd.DataFrame, key: int) -> pa.ChunkedArray:
    parts = [_arrow_text(events[column]) for column in _SEARCHED]
    joined = pc.binary_join_element_wise(*parts, pa.scalar(" ", pa.large_string()))
    folded = _casefold(joined)
    _HAYSTACKS[key] = (weakref.ref(events, lambda _: _HAYSTACKS.pop(key, None)), folded)
    return folded


def _arrow_text(column: pd.Series) -> pa.ChunkedArray:
    """A text column as Arrow large strings, blanks for missing (no copy for ``str`` columns)."""
    array = pa.array(column.fillna("").astype("str"))
    chunked = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return chunked.cast(pa.large_string())


def _casefold(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Python's ``str.casefold`` of every value, fast: Arrow's lower-casing wherever it gives
    the same (every value without one of the few characters whose case fold differs from it,
    such as ß, ς or ﬁ), Python's casefold for the rest."""
    folded = pc.utf8_lower(text)
    special = pc.match_substring_regex(text, _fold_differs())
    rows = np.flatnonzero(np.asarray(special.to_numpy(zero_copy_only=False), dtype=bool))
    if len(rows) == 0:
        return folded
    exact = pa.array([text[int(i)].as_py().casefold() for i in rows], pa.large_string())
    return pc.replace_with_mask(folded.combine_chunks(), special.combine_chunks(), exact)


@functools.cache
def _fold_differs() -> str:
    """A regex class of the characters whose ``casefold`` differs from Arrow's lower-casing
    (a one-to-one mapping): found once per process, by asking both."""
    chars = [chr(c) for c in range(_CASED_LIMIT) if not 0xD800 <= c < 0xE000]
    lowered = pc.utf8_lower(pa.array(chars, pa.large_string())).to_pylist()
    odd = [c for c, low in zip(chars, lowered, strict=True) if c.casefold() != low]
    return "[" + "".join(re.escape(c) for c in odd) + "]"


#: Every character with a case mapping lies below this code point (the last are Adlam's).
_CASED_LIMIT = 0x1F000


def facet_options(events: pd.DataFrame, sources: pd.DataFrame) -> dict[str, list[str]]:
    """Every value each facet can take in the data (sources by id), sorted for the widgets."""
    actors = pd.concat([events["actor1"], events["actor2"]])
    return {
        "datasets": sorted(events["dataset"].unique()),
        "sources": sorted(sources["source_id"]),
        "sides": sorted(events["claimant_side"].unique()),
        "claimants": sorted(events["claimant"].unique()),
        "actors": sorted(a for a in actors.unique() if a),
        "types": sorted(events["event_type"].unique()),
    }


def describe(
    state: FilterState,
    events: pd.DataFrame,
    source_names: Mapping[str, str],
    dataset_names: Mapping[str, str] | None = None,
) -> list[str]:
    """The active filters in plain words, for captions, screenshots and briefings (sources and
    datasets by name where the mappings know them)."""
    start, end = window(state, events)
    parts = [f"{PERIOD_LABELS.get(state.period, state.period)}: {start:%d %b %Y} – {end:%d %b %Y}"]
    names = {"sources": source_names, "datasets": dataset_names or {}}
    for name, label in FACET_LABELS.items():
        values = state.facet(name)
        if values:
            known = names.get(name, {})
            shown = [known.get(v, v) for v in values]
            parts.append(f"{label}: {', '.join(shown)}")
    if state.text.strip():
        parts.append(f'text contains "{state.text.strip()}"')
    return parts
