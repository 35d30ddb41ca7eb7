"""Cached access to the dataset and the values derived from it once per data version."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from src.analysis.coverage import (
    article_summary,
    coverage_matrix,
    disagreement_cells,
    disagreement_rows,
    exclusive_claims,
    exclusive_incidents,
)
from src.analysis.crosscheck import CrossCheck, CrossCheckParams, cross_check
from src.analysis.incidents import (
    Discrepancies,
    claims_table,
    figure_frame,
    incident_overview,
)
from src.analysis.places import gazetteer_table
from src.analysis.text import md_frame
from src.analysis.timeline import DayGroup, chronology, timeline_frame
from src.briefing.frame import BriefingText, briefing_text
from src.dataset import (
    Dataset,
    DataValidationError,
    FilesStamp,
    default_data_dir,
    files_stamp,
    load_dataset,
)
from src.filters import (
    FilterState,
    apply_filters,
    facet_options,
    place_resolver,
    prepare_search,
    search_places,
)
from src.geo.gazetteer import Gazetteer
from src.labels import dataset_labels
from src.mapview.build import BaseLayers, ClaimsPayload, LayerStats, base_layers, claims_payload
from src.periods import Period, periods_of
from src.schema import split_list
from src.viewcache import ViewCache, approx_bytes

T = TypeVar("T")

#: Every cache here is bounded, so no run of filter changes can grow the server without limit.
#: Views (keyed on a FilterState): the most recent ones, each at most an hour old, and all of
#: them together within VIEW_CACHE_MB (estimated; env ``KCM_VIEW_CACHE_MB``): at 100k claims
#: one view's map payload is tens of MB, so the byte budget, not the count, caps the memory —
#: a large dataset keeps a few views, the bundled one all 32.
VIEW_CACHE_ENTRIES = 32
VIEW_CACHE_TTL_S = 3600
VIEW_CACHE_MB_ENV = "KCM_VIEW_CACHE_MB"
VIEW_CACHE_MB = 256
#: Whole datasets (keyed on their folder): the app reads one; tests and benches a few more.
DATA_CACHE_ENTRIES = 4
#: The shown claims of the latest views, shared by every page and session: each can be as large
#: as the events frame (at 10^6 claims hundreds of MB), and recomputing one takes about a second.
#: So they are bounded by bytes too (``SHOWN_CACHE_MB``); an unfiltered view costs nothing
#: (a lazy copy of the dataset's own frame), so it never pushes a filtered one out.
SHOWN_CACHE_ENTRIES = 4
SHOWN_CACHE_MB = 384


def _view_budget_mb() -> int:
    raw = os.environ.get(VIEW_CACHE_MB_ENV, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else VIEW_CACHE_MB


#: One budget for every view-level cache of the process (shared objects: read-only).
VIEWS = ViewCache(_view_budget_mb() * 1_000_000, VIEW_CACHE_ENTRIES, VIEW_CACHE_TTL_S)


def _view(key: tuple[Hashable, ...], make: Callable[[], T]) -> T:
    return VIEWS.get(key, make)


def data_dir() -> str:
    """The data folder: ``KCM_DATA_DIR`` if set (other datasets, benchmarks), else data/."""
    return str(default_data_dir())


# A resource, not data: every session shares the one Dataset (read-only by convention)
# instead of unpickling its own copy on every run (40 MB at 100k claims, per session).
@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner="Loading and validating data…")
def _load(directory: str, stamp: FilesStamp) -> Dataset:
    data = load_dataset(Path(directory))
    # the search index (seconds at 10^6 claims) is built off the first run's path
    threading.Thread(target=prepare_search, args=(data.events,), daemon=True).start()
    return data


def reload_data() -> None:
    """Forget the loaded data after a save. Not needed for correctness (the caches are keyed
    on the files' stamp, so new files are read anyway), but frees the old dataset's memory."""
    _load.clear()
    _options.clear()
    SHOWN.clear()


def get_dataset() -> Dataset:
    """Validate (or read the snapshot) once per process and version of the files; reruns
    reuse it. Keyed on the files' stamp, not cleared by hand: a clear races with a run that
    is still loading the old files and would put them back in the cache after an import."""
    directory = data_dir()
    return _load(directory, files_stamp(Path(directory)))


def dataset_or_stop() -> Dataset:
    """The dataset, or the validation problems on the page and a stop: never half the data."""
    try:
        return get_dataset()
    except DataValidationError as exc:
        st.error("The data files do not pass validation; fix these and reload:")
        st.code("\n".join(str(p) for p in exc.problems))
        st.stop()
        raise  # unreachable: st.stop() raises


# a resource: cache_data would unpickle a copy of every list (20,000 places) on each run
@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _options(version: str, _data: Dataset) -> dict[str, list[str]]:
    return facet_options(_data.events, _data.sources)


def get_options() -> dict[str, list[str]]:
    data = get_dataset()
    return _options(data.version, data)


# Values derived from a whole table, once per data version (the hash of the files they come
# from, so the version alone is a complete key); shared, so callers must not modify them.


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _headlines(version: str, _data: Dataset) -> dict[str, str]:
    return dict(zip(_data.sources["source_id"], _data.sources["headline"], strict=True))


def headlines(data: Dataset) -> dict[str, str]:
    return _headlines(data.version, data)


class IncidentSizes(Mapping[str, int]):
    """incident_id -> how many claims it has, counted on the first lookup: only popups of
    small views (one marker per claim) and playback ask, and at 10^6 claims (400,000
    incidents) the table takes about a second that a large first view need not wait for."""

    def __init__(self, events: pd.DataFrame) -> None:
        self._events = events
        self._lock = threading.Lock()
        self._sizes: dict[str, int] | None = None

    def _table(self) -> dict[str, int]:
        with self._lock:
            if self._sizes is None:
                counts = pc.value_counts(pa.array(self._events["incident_id"]))
                values, n = counts.field("values").to_pylist(), counts.field("counts").to_pylist()
                self._sizes = dict(zip(values, n, strict=True))
            return self._sizes

    def __bool__(self) -> bool:  # without counting: truthy iff there are claims
        return not self._events.empty

    def __getitem__(self, incident_id: str) -> int:
        return self._table()[incident_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _incident_sizes(version: str, _data: Dataset) -> IncidentSizes:
    return IncidentSizes(_data.events)


def incident_sizes(data: Dataset) -> Mapping[str, int]:
    """How many claims each incident has (every claim, not only those shown)."""
    return _incident_sizes(data.version, data)


SHOWN = ViewCache(SHOWN_CACHE_MB * 1_000_000, SHOWN_CACHE_ENTRIES, VIEW_CACHE_TTL_S)


def _shown_bytes(events: pd.DataFrame) -> Callable[[pd.DataFrame], int]:
    """A shown frame's own memory: none when it holds every claim (``apply_filters`` returns
    a lazy copy of the dataset's frame then), else its rows' (estimated)."""
    return lambda shown: 0 if len(shown) == len(events) else approx_bytes(shown)


def shown_claims(data: Dataset, state: FilterState) -> pd.DataFrame:
    """The claims of a view (``apply_filters``), computed once for every page and session
    looking at it rather than on each rerun. Shared: never modify it in place."""
    return SHOWN.get(
        ("shown", data_dir(), data.version, state),
        lambda: apply_filters(data.events, state),
        _shown_bytes(data.events),
    )


def claims_for(data: Dataset, state: FilterState) -> tuple[ClaimsPayload, LayerStats]:
    """The claims layer's browser payload for a view, cached per data version and filters,
    so going back to an earlier view costs nothing."""
    return _view(
        ("claims", data_dir(), data.version, state),
        lambda: claims_payload(
            shown_claims(data, state), data.places, headlines(data), incident_sizes(data)
        ),
    )


#: The columns ``briefing_text`` reads of the shown claims: it takes the located rows out,
#: and a copy of these few columns costs a fifth of one of all (seconds at 10^6 claims).
CAPTION_COLUMNS = (
    "place_id",
    "verification",
    "source_ids",
    "dataset",
    "claimant_side",
    "event_type",
)


def view_text(data: Dataset, state: FilterState, title: str | None) -> BriefingText:
    """The briefing text of a view (counts, filters, window, caveat) for the export caption:
    O(claims) to compute, so once per view and title. Its "generated" time is when it was
    first computed; the files take a fresh one when made."""
    return _view(
        ("text", data_dir(), data.version, state, title),
        lambda: briefing_text(
            data, state, title, shown=shown_claims(data, state)[list(CAPTION_COLUMNS)]
        ),
    )


def base_layers_for(data: Dataset, state: FilterState | None = None) -> BaseLayers:
    """The base map's routes and places (``mapview.build.base_layers``) counted over all the
    claims (``state`` None: the map page) or over a view's (the Places page): built once per
    data version (and view), not on every rerun."""
    return _view(
        ("base", data_dir(), data.version, state),
        lambda: base_layers(
            data.places, data.events if state is None else shown_claims(data, state)
        ),
    )


# --- derived views, cached on what they depend on ----------------------------------------------
# Every key is hashable and complete: the data folder and its version, the FilterState and the
# page's own options. The frames are recomputed from those inside, never passed in unhashed.


def cross_check_view(data: Dataset, params: CrossCheckParams) -> CrossCheck:
    """Every article claim against the imported datasets' events, once per data version and
    distance/day window (it does not depend on the filters: the page narrows it)."""

    def make() -> CrossCheck:
        kinds = dict(zip(data.datasets["dataset_id"], data.datasets["kind"], strict=True))
        return cross_check(data.events, data.places, params, kinds)

    return _view(("crosscheck", data_dir(), data.version, params), make)


#: The Claims page's "matching dataset event" filter: which claims (``crosscheck.
#: MATCH_FILTERS``) and the window that decides a match. ``None``: no such filter.
MatchFilter = tuple[str, CrossCheckParams] | None


def matching(data: Dataset, claims: pd.DataFrame, match: MatchFilter) -> pd.DataFrame:
    """The claims the match filter lets through (all of them when it is off or "all")."""
    if match is None or match[0] == "all":
        return claims
    which, params = match
    keep = cross_check_view(data, params).claim_ids(which)
    return claims[claims["event_id"].isin(keep)]


def compared_claims(data: Dataset, shown: pd.DataFrame, whole: bool) -> pd.DataFrame:
    """The claims an incident view compares: those shown, or (``whole``) every claim of an
    incident that has at least one claim shown."""
    if not whole:
        return shown
    return data.events[data.events["incident_id"].isin(shown["incident_id"])]


def _compared(
    data: Dataset, state: FilterState, whole: bool, match: MatchFilter = None
) -> pd.DataFrame:
    return matching(data, compared_claims(data, shown_claims(data, state), whole), match)


def incident_views(
    data: Dataset, state: FilterState, whole: bool = False, match: MatchFilter = None
) -> tuple[pd.DataFrame, Discrepancies]:
    """(overview, discrepancies per incident) of the view's claims (see ``compared_claims``),
    narrowed by the match filter. The discrepancies are looked up per incident (a page of
    cards); ``Discrepancies.complete`` gives them all."""

    def make() -> tuple[pd.DataFrame, Discrepancies]:
        claims = _compared(data, state, whole, match)
        found = Discrepancies(claims)  # the messages of an incident when it is looked up
        overview = incident_overview(claims, place_names(data), data.events, kinds=found.kinds)
        return overview, found

    return _view(("incidents", data_dir(), data.version, state, whole, match), make)


def claim_figures(
    data: Dataset, state: FilterState, whole: bool = False, match: MatchFilter = None
) -> pd.DataFrame:
    """The fatality charts' rows (one per compared claim) of a view."""
    return _view(
        ("figures", data_dir(), data.version, state, whole, match),
        lambda: figure_frame(_compared(data, state, whole, match), place_names(data)),
    )


def card_tables(
    data: Dataset,
    state: FilterState,
    whole: bool,
    incident_ids: tuple[str, ...],
    match: MatchFilter = None,
) -> dict[str, pd.DataFrame]:
    """Incident id -> its claims side by side as an escaped table, for the incidents of one
    page of cards (a view can hold tens of thousands: only the page shown is built)."""

    def make() -> dict[str, pd.DataFrame]:
        claims = _compared(data, state, whole, match)
        claims = claims[claims["incident_id"].isin(incident_ids)]
        names, heads = place_names(data), headlines(data)
        return {
            str(iid): md_frame(claims_table(rows, heads, names).set_index("Claim"))
            for iid, rows in claims.groupby("incident_id", sort=True)
        }

    return _view(("cards", data_dir(), data.version, state, whole, incident_ids, match), make)


def gazetteer_rows(data: Dataset, state: FilterState) -> pd.DataFrame:
    """The Places page's gazetteer table (claims counted in view and in all) of a view."""
    return _view(
        ("gazetteer", data_dir(), data.version, state),
        lambda: gazetteer_table(data.places, shown_claims(data, state), data.events),
    )


@dataclass(frozen=True)
class SourcesView:
    """The Sources page's tables of a view (see ``src.analysis.coverage``)."""

    summary: pd.DataFrame
    matrix: pd.DataFrame
    only_claims: dict[str, pd.DataFrame]
    only_incidents: dict[str, list[str]]
    #: (article, incident) pairs where the article's claims are part of a discrepancy.
    cells: set[tuple[str, str]]
    #: One row per discrepancy: incident, what about, kind, articles, claims, detail.
    disagreements: pd.DataFrame


def sources_view(data: Dataset, state: FilterState) -> SourcesView:
    """Per-article summary, articles × incidents matrix and exclusives of a view, once."""

    def make() -> SourcesView:
        shown = shown_claims(data, state)
        overview, lazy = incident_views(data, state)
        found = lazy.complete()
        titles = dict(zip(overview["incident_id"], overview["title"], strict=True))
        return SourcesView(
            summary=article_summary(shown, data.sources, found),
            matrix=coverage_matrix(shown, data.sources["source_id"]),
            only_claims=exclusive_claims(shown),
            only_incidents=exclusive_incidents(shown),
            cells=disagreement_cells(found),
            disagreements=disagreement_rows(found, titles),
        )

    return _view(("sources", data_dir(), data.version, state), make)


def timeline_rows(data: Dataset, state: FilterState) -> tuple[pd.DataFrame, list[DayGroup]]:
    """(chart rows, chronology by day) of the claims in view."""

    def make() -> tuple[pd.DataFrame, list[DayGroup]]:
        shown = shown_claims(data, state)
        names = place_names(data)
        return timeline_frame(shown, names, headlines(data)), chronology(shown, names)

    return _view(("timeline", data_dir(), data.version, state), make)


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _gazetteer(version: str, _data: Dataset) -> Gazetteer:
    return Gazetteer.from_frame(_data.places)


def gazetteer(data: Dataset) -> Gazetteer:
    """The offline gazetteer of this data version (names, aliases, coordinates), built once."""
    return _gazetteer(data.version, data)


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _place_names(version: str, _data: Dataset) -> dict[str, str]:
    return dict(zip(_data.places["place_id"], _data.places["name"], strict=True))


def place_names(data: Dataset) -> dict[str, str]:
    return _place_names(data.version, data)


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _periods(version: str, _data: Dataset) -> dict[str, Period]:
    return periods_of(_data.periods)


def periods(data: Dataset) -> dict[str, Period]:
    """The period presets of this data version (``periods.csv`` or the built-in ones)."""
    return _periods(data.version, data)


@st.cache_resource(max_entries=VIEW_CACHE_ENTRIES, show_spinner=False)
def _text_places(version: str, text: str, _data: Dataset) -> tuple[str, ...]:
    return search_places(text, _data.places)


def text_places(data: Dataset, text: str) -> tuple[str, ...]:
    """The places the search text names in any spelling (``filters.search_places``)."""
    return _text_places(data.version, text.strip(), data) if text.strip() else ()


def resolve_place(data: Dataset) -> Callable[[str], str | None]:
    """A link's place name or alias -> its place_id (None: unknown or ambiguous). The
    gazetteer is built on the first name looked up, not here: every session's first run asks
    for the resolver, and building it costs seconds at 20,000 places when no link names one."""

    def resolve(name: str) -> str | None:
        return place_resolver(gazetteer(data))(name)

    return resolve


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _place_labels(version: str, _data: Dataset) -> dict[str, str]:
    labels = {}
    for pid, name, aliases in zip(
        _data.places["place_id"], _data.places["name"], _data.places["aliases"], strict=True
    ):
        other = [a for a in split_list(aliases, "aliases") if a != name]
        labels[pid] = f"{name} ({', '.join(other)})" if other else name
    return labels


@st.cache_resource(max_entries=DATA_CACHE_ENTRIES, show_spinner=False)
def _dataset_words(version: str, _data: Dataset) -> dict[str, str]:
    return dataset_labels(_data.datasets, _data.events)


def dataset_words(data: Dataset) -> dict[str, str]:
    """dataset id -> "name · N claims" (the dataset filter's options), counted once per data
    version rather than over every claim on each run."""
    return _dataset_words(data.version, data)


def place_labels(data: Dataset) -> dict[str, str]:
    """place_id -> its name with every alias: the place filter's options, so typing any
    spelling (Khankendi, Shushi) finds the place."""
    return _place_labels(data.version, data)
