"""Which claims the user is looking at: the filter state, the periods, and applying them.

Pure functions over the events frame, so the map, the pages, the exports and the tests all
agree on what "the current view" contains. An empty selection means "no restriction".
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from src.geo.gazetteer import Gazetteer, PlaceNotFound
from src.geo.normalize import loose_key, normalize
from src.labels import FACET_LABELS, PERIOD_LABELS
from src.periods import Period
from src.schema import PERIODS, split_list

__all__ = [
    "FACETS",
    "FilterState",
    "apply_filters",
    "data_bounds",
    "describe",
    "facet_options",
    "period_bounds",
    "period_label",
    "place_resolver",
    "prepare_search",
    "search_places",
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
    "places": ("place_id",),
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
    #: place_ids (the URL and the sidebar take any alias and resolve it to these).
    places: tuple[str, ...] = ()
    text: str = ""
    # Resolved from the fields above and the data (whose version keys every cache with the
    # state), so they take no part in equality: a link's state equals the sidebar's.
    #: The data's preset named ``period`` (``periods.csv``), as the sidebar or the link
    #: resolved it; None: the built-in presets' dates (``schema.PERIODS``).
    preset: Period | None = field(default=None, compare=False)
    #: Places whose name or alias the search text names ("Khankendi" is Stepanakert): their
    #: claims match the search too. Filled by ``search_places`` where the state is built.
    text_places: tuple[str, ...] = field(default=(), compare=False)

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


def _period_dates(state: FilterState) -> tuple[date | None, date | None]:
    """The bounds of the state's period: its resolved preset's, else the built-in ones."""
    preset = state.preset
    if preset is not None and preset.period_id == state.period:
        return preset.start, preset.end
    return PERIODS.get(state.period, (None, None))


def period_label(state: FilterState) -> str:
    """How captions name the state's period: its preset's label (the id if it has none)."""
    preset = state.preset
    if preset is not None and preset.period_id == state.period:
        return preset.label
    return PERIOD_LABELS.get(state.period, state.period)


def window(state: FilterState, events: pd.DataFrame) -> tuple[date, date]:
    """The date window in force: the period's bounds, narrowed by from/to, within the data."""
    lo, hi = data_bounds(events)
    p_lo, p_hi = _period_dates(state)
    start = max(d for d in (lo if p_lo is None else p_lo, state.date_from) if d is not None)
    end = min(d for d in (hi if p_hi is None else p_hi, state.date_to) if d is not None)
    if p_lo is not None and p_lo > hi:
        start = p_lo
    return start, end


def period_bounds(period: str | Period, events: pd.DataFrame) -> tuple[date, date]:
    """The slider's range for a period (a preset, or a built-in one's id): the period's
    dates, open ends closed by the data.

    A range of one day (no claims, or all on one day) gets a second day: a slider needs two
    different ends, and the day after the data's last shows nothing more.
    """
    lo, hi = data_bounds(events)
    if isinstance(period, Period):
        p_lo, p_hi = period.start, period.end
    else:
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
    if state.places:
        keep &= events["place_id"].isin(state.places).to_numpy()
    if state.text.strip():
        found = _text_matches(events, state.text.strip())
        if state.text_places:
            found |= events["place_id"].isin(state.text_places).to_numpy()
        keep &= found
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
        "places": sorted(p for p in events["place_id"].unique() if p),
    }


def search_places(text: str, places: pd.DataFrame) -> tuple[str, ...]:
    """The place_ids the search text names: their name or an alias, in any spelling.

    The text names a place when its ``normalize`` key or its transliteration key equals one
    of the place's labels' ("Shushi", "Xankəndi", "Khankandi", "the city of Khankendi"): the
    keys the gazetteer resolves names with (``src.geo.normalize``). Whole names only, so
    "Khankendi" is Stepanakert, not also the "Lachin-Khankendi road" (whose claims the text
    search still finds where their words say Khankendi). The keys of every label are built
    once per places frame (``_place_index``), so a search is two dictionary lookups.
    """
    key = normalize(text)
    if not key:
        return ()
    index = _place_index(places)
    found = index.get(("n", key), set()) | index.get(("l", loose_key(text)), set())
    return tuple(sorted(found))


#: Label key -> place_ids, per places frame while it lives (as ``_HAYSTACKS``).
_PLACE_INDEXES: dict[int, tuple[weakref.ref[pd.DataFrame], dict[tuple[str, str], set[str]]]] = {}


def _place_index(places: pd.DataFrame) -> dict[tuple[str, str], set[str]]:
    key = id(places)
    with _BUILDING:
        cached = _PLACE_INDEXES.get(key)
        if cached is not None and cached[0]() is places:
            return cached[1]
        index: dict[tuple[str, str], set[str]] = {}
        for pid, name, aliases in zip(
            places["place_id"], places["name"], places["aliases"], strict=True
        ):
            for label in [str(name), *split_list(aliases, "aliases")]:
                index.setdefault(("n", normalize(label)), set()).add(str(pid))
                index.setdefault(("l", loose_key(label)), set()).add(str(pid))
        _PLACE_INDEXES[key] = (weakref.ref(places, lambda _: _PLACE_INDEXES.pop(key, None)), index)
        return index


def describe(
    state: FilterState,
    events: pd.DataFrame,
    source_names: Mapping[str, str],
    dataset_names: Mapping[str, str] | None = None,
    place_names: Mapping[str, str] | None = None,
) -> list[str]:
    """The active filters in plain words, for captions, screenshots and briefings (sources,
    datasets and places by name where the mappings know them)."""
    start, end = window(state, events)
    parts = [f"{period_label(state)}: {start:%d %b %Y} – {end:%d %b %Y}"]
    names = {"sources": source_names, "datasets": dataset_names or {}, "places": place_names or {}}
    for name, label in FACET_LABELS.items():
        values = state.facet(name)
        if values:
            known = names.get(name, {})
            shown = [known.get(v, v) for v in values]
            parts.append(f"{label}: {', '.join(shown)}")
    if state.text.strip():
        parts.append(f'text contains "{state.text.strip()}"')
    return parts


def place_resolver(gazetteer: Gazetteer) -> Callable[[str], str | None]:
    """A place name, alias or spelling -> its place_id, None where the gazetteer knows none
    or several (a link's ``place=`` never picks among candidates for the user)."""

    def resolve(name: str) -> str | None:
        try:
            return gazetteer.lookup(name).place_id
        except PlaceNotFound:  # AmbiguousPlace is one too
            return None

    return resolve
