"""Which claims the user is looking at: the filter state, the periods, and applying them.

Pure functions over the events frame, so the map, the pages, the exports and the tests all
agree on what "the current view" contains. An empty selection means "no restriction".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

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
    """The claims that pass every active filter; a claim is in a window if its dates overlap it."""
    start, end = window(state, events)
    keep: pd.Series[bool] = (events["date_start"].dt.date <= end) & (
        events["date_end"].dt.date >= start
    )
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
    if state.text.strip():
        needle = state.text.strip().casefold()
        haystack = (
            events["summary"].fillna("")
            + " "
            + events["quote"].fillna("")
            + " "
            + events["claimant"].fillna("")
        ).str.casefold()
        keep &= haystack.str.contains(needle, regex=False)
    return events[keep]


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
