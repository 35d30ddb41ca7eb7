"""Cached access to the dataset and the values derived from it once per data version."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from src.analysis.crosscheck import CrossCheck, CrossCheckParams, cross_check
from src.analysis.incidents import (
    Discrepancy,
    all_discrepancies,
    claims_table,
    figure_frame,
    incident_overview,
)
from src.analysis.text import md_frame
from src.analysis.timeline import DayGroup, chronology, timeline_frame
from src.dataset import Dataset, DataValidationError, default_data_dir, load_dataset
from src.filters import FilterState, apply_filters, facet_options, prepare_search
from src.geo.gazetteer import Gazetteer
from src.mapview.build import ClaimsPayload, LayerStats, claims_payload

#: Every cache here is bounded, so no run of filter changes can grow the server without limit.
#: Views (keyed on a FilterState): the most recent ones, each at most an hour old; at 100k
#: claims one view's map payload is tens of MB, so the bound is what caps the memory.
VIEW_CACHE_ENTRIES = 32
VIEW_CACHE_TTL_S = 3600
#: Whole datasets (keyed on their folder): the app reads one; tests and benches a few more.
DATA_CACHE_ENTRIES = 4
#: The shown claims of the latest views, shared by every page and session: each can be as large
#: as the events frame (at 10^6 claims hundreds of MB), and recomputing one takes about a second.
SHOWN_CACHE_ENTRIES = 4


def data_dir() -> str:
    """The data folder: ``KCM_DATA_DIR`` if set (other datasets, benchmarks), else data/."""
    return str(default_data_dir())


# A resource, not cache_data: cache_data would unpickle a copy of every frame on each rerun
# (seconds and hundreds of MB at 10^6 claims); the frames are shared and nobody modifies them.
@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner="Loading and validating data…")
def _load(directory: str) -> Dataset:
    data = load_dataset(Path(directory))
    # the search index (seconds at 10^6 claims) is built off the first run's path
    threading.Thread(target=prepare_search, args=(data.events,), daemon=True).start()
    return data


def reload_data() -> None:
    """Forget the loaded data (after an import wrote new files), so the next run reads them:
    the whole-dataset caches are keyed on the folder alone, the rest on the data version."""
    _load.clear()
    _options.clear()


def get_dataset() -> Dataset:
    """Validate (or read the snapshot) once per process and data folder; reruns reuse it."""
    return _load(data_dir())


def dataset_or_stop() -> Dataset:
    """The dataset, or the validation problems on the page and a stop: never half the data."""
    try:
        return get_dataset()
    except DataValidationError as exc:
        st.error("The data files do not pass validation; fix these and reload:")
        st.code("\n".join(str(p) for p in exc.problems))
        st.stop()
        raise  # unreachable: st.stop() raises


@st.cache_data(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _options(directory: str) -> dict[str, list[str]]:
    data = _load(directory)
    return facet_options(data.events, data.sources)


def get_options() -> dict[str, list[str]]:
    return _options(data_dir())


# Values derived from a whole table, once per data version (the hash of the files they come
# from, so the version alone is a complete key); shared, so callers must not modify them.


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _headlines(version: str, _data: Dataset) -> dict[str, str]:
    return dict(zip(_data.sources["source_id"], _data.sources["headline"], strict=True))


def headlines(data: Dataset) -> dict[str, str]:
    return _headlines(data.version, data)


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _incident_sizes(version: str, _data: Dataset) -> dict[str, int]:
    counts = _data.events["incident_id"].value_counts()
    return dict(zip(counts.index.astype(str), counts.to_numpy().tolist(), strict=True))


def incident_sizes(data: Dataset) -> dict[str, int]:
    """How many claims each incident has (every claim, not only those shown)."""
    return _incident_sizes(data.version, data)


@st.cache_resource(max_entries=SHOWN_CACHE_ENTRIES, ttl=VIEW_CACHE_TTL_S, show_spinner=False)
def _shown(directory: str, version: str, state: FilterState) -> pd.DataFrame:
    return apply_filters(_load(directory).events, state)


def shown_claims(data: Dataset, state: FilterState) -> pd.DataFrame:
    """The claims of a view (``apply_filters``), computed once for every page and session
    looking at it rather than on each rerun. Shared: never modify it in place."""
    return _shown(data_dir(), data.version, state)


@st.cache_data(max_entries=VIEW_CACHE_ENTRIES, ttl=VIEW_CACHE_TTL_S, show_spinner=False)
def _claims(directory: str, version: str, state: FilterState) -> tuple[ClaimsPayload, LayerStats]:
    data = _load(directory)
    shown = shown_claims(data, state)
    return claims_payload(shown, data.places, headlines(data), incident_sizes(data))


def claims_for(data: Dataset, state: FilterState) -> tuple[ClaimsPayload, LayerStats]:
    """The claims layer's browser payload for a view, cached per data version and filters,
    so going back to an earlier view costs nothing."""
    return _claims(data_dir(), data.version, state)


# --- derived views, cached on what they depend on ----------------------------------------------
# Every key is hashable and complete: the data folder and its version, the FilterState and the
# page's own options. The frames are recomputed from those inside, never passed in unhashed.


@st.cache_data(max_entries=VIEW_CACHE_ENTRIES, ttl=VIEW_CACHE_TTL_S, show_spinner=False)
def _cross_check(directory: str, version: str, params: CrossCheckParams) -> CrossCheck:
    data = _load(directory)
    kinds = dict(zip(data.datasets["dataset_id"], data.datasets["kind"], strict=True))
    return cross_check(data.events, data.places, params, kinds)


def cross_check_view(data: Dataset, params: CrossCheckParams) -> CrossCheck:
    """Every article claim against the imported datasets' events, once per data version and
    distance/day window (it does not depend on the filters: the page narrows it)."""
    return _cross_check(data_dir(), data.version, params)


#: The Claims page's "matching dataset event" filter: which claims (``crosscheck.
#: MATCH_FILTERS``) and the window that decides a match. ``None``: no such filter.
MatchFilter = tuple[str, CrossCheckParams] | None


def matching(data: Dataset, claims: pd.DataFrame, match: MatchFilter) -> pd.DataFrame:
    """The claims the match filter lets through (all of them when it is off or "all")."""
    if match is None or match[0] == "all":
        return claims
    which, params = match
    keep = _cross_check(data_dir(), data.version, params).claim_ids(which)
    return claims[claims["event_id"].isin(keep)]


@st.cache_data(max_entries=VIEW_CACHE_ENTRIES, ttl=VIEW_CACHE_TTL_S, show_spinner=False)
def _incident_views(
    directory: str, version: str, state: FilterState, whole: bool, match: MatchFilter = None
) -> tuple[pd.DataFrame, dict[str, list[Discrepancy]]]:
    data = _load(directory)
    claims = compared_claims(data, shown_claims(data, state), whole)
    claims = matching(data, claims, match)
    found = all_discrepancies(claims)
    return incident_overview(claims, place_names(data), data.events, found), found


def compared_claims(data: Dataset, shown: pd.DataFrame, whole: bool) -> pd.DataFrame:
    """The claims an incident view compares: those shown, or (``whole``) every claim of an
    incident that has at least one claim shown."""
    if not whole:
        return shown
    return data.events[data.events["incident_id"].isin(shown["incident_id"])]


def incident_views(
    data: Dataset, state: FilterState, whole: bool = False, match: MatchFilter = None
) -> tuple[pd.DataFrame, dict[str, list[Discrepancy]]]:
    """(overview, discrepancies per incident) of the view's claims (see ``compared_claims``),
    narrowed by the match filter."""
    return _incident_views(data_dir(), data.version, state, whole, match)


@st.cache_data(max_entries=VIEW_CACHE_ENTRIES, ttl=VIEW_CACHE_TTL_S, show_spinner=False)
def _claim_cards(
    directory: str, version: str, state: FilterState, whole: bool, match: MatchFilter = None
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    data = _load(directory)
    claims = compared_claims(data, shown_claims(data, state), whole)
    claims = matching(data, claims, match)
    names = place_names(data)
    tables = {
        str(iid): md_frame(claims_table(rows, headlines(data), names).set_index("Claim"))
        for iid, rows in claims.groupby("incident_id", sort=True)
    }
    return figure_frame(claims, names), tables


def claim_cards(
    data: Dataset, state: FilterState, whole: bool = False, match: MatchFilter = None
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """(fatality chart rows, incident id -> its claims side by side as an escaped table):
    the Claims page's per-incident work, done once per view rather than on every rerun."""
    return _claim_cards(data_dir(), data.version, state, whole, match)


@st.cache_data(max_entries=VIEW_CACHE_ENTRIES, ttl=VIEW_CACHE_TTL_S, show_spinner=False)
def _timeline_rows(
    directory: str, version: str, state: FilterState
) -> tuple[pd.DataFrame, list[DayGroup]]:
    data = _load(directory)
    shown = shown_claims(data, state)
    names = place_names(data)
    return timeline_frame(shown, names, headlines(data)), chronology(shown, names)


def timeline_rows(data: Dataset, state: FilterState) -> tuple[pd.DataFrame, list[DayGroup]]:
    """(chart rows, chronology by day) of the claims in view."""
    return _timeline_rows(data_dir(), data.version, state)


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _gazetteer(directory: str, version: str) -> Gazetteer:
    return Gazetteer.from_frame(_load(directory).places)


def gazetteer(data: Dataset) -> Gazetteer:
    """The offline gazetteer of this data version (names, aliases, coordinates), built once."""
    return _gazetteer(data_dir(), data.version)


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _place_names(version: str, _data: Dataset) -> dict[str, str]:
    return dict(zip(_data.places["place_id"], _data.places["name"], strict=True))


def place_names(data: Dataset) -> dict[str, str]:
    return _place_names(data.version, data)
