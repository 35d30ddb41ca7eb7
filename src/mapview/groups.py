"""Large views: one marker per group of claims that would draw identically, with its count.

Above ``MARKER_BUDGET`` located claims, one marker and one rendered popup per claim make a
page of tens of MB that Leaflet cannot cluster quickly. Claims at the same place with the
same claimant side and event type draw the same marker, so each such group is one marker
carrying its count, in a columnar payload of small integer codes into one string table of
pre-escaped HTML; the browser (``kcm.groupPopup``) builds a popup from the codes when it is
opened: count, date range, place and precision, top claimants, sources and the verification
mix. Figures are never summed or averaged: they stay with each claim, listed on demand
(``src/mapview/details.py``).

If even the groups exceed ``GROUP_BUDGET`` (sized so the payload stays under 3 MB), claims are
aggregated on a spatial grid × side × type, the cell's area doubled until under budget. Aggregates
are drawn as dashed rings at the cell's centre and say so: they are never a located point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NotRequired, TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from src.labels import verification_label
from src.mapview.offmap import OffmapPayload  # these two ride along (build.py)
from src.mapview.regions import RegionsPayload
from src.palette import claim_svg, side_colour
from src.safe_html import esc
from src.schema import split_list

#: Most groups (or aggregates) sent for one view. The browser builds and clusters a marker
#: each (1.3 s for 36,603 rings at 100k): 10,000 keeps that near 0.4 s and the payload under
#: 1 MB (docs/architecture.md, "Fewer markers for the largest views").
GROUP_BUDGET = 10_000
#: First grid cell of the aggregate mode, in degrees (about 1 km), and its growth factor
#: until under budget (√2: the area doubles, so no step loses more detail than needed).
START_CELL_DEG = 0.01
CELL_GROWTH = 2**0.5
#: Growth steps searched: 0.01° × √2^26 ≈ 82°, one cell for the whole region.
MAX_CELL_STEPS = 26
#: Decimals of the coordinates sent (5 decimals: about one metre).
COORD_DECIMALS = 5
#: How many claimants and sources a popup names before "N more".
TOP_CLAIMANTS = 3
TOP_SOURCES = 4
KM_PER_DEG_LAT = 111.2
#: Largest key range counted in a dense table rather than a hash table (about 32 MB).
DENSE_LIMIT = 1 << 25
#: Breakdown code meaning "the rest" (its count follows, as for the named entries).
OTHERS = -1
#: Fills a breakdown's row past its last entry (never a string index, count or OTHERS).
_PAD = -2

Ints = npt.NDArray[np.int64]


class GroupsPayload(TypedDict):
    """What ``kcm.claimsLayer`` draws in the grouped and aggregate modes.

    Per point (a place, or an aggregate's cell centre): ``lat``, ``lon``, ``pointName`` and
    ``pointPrecision`` (indexes into ``strings``). Per group: ``point``, ``kind`` (index into
    ``kinds``, each ``[side, type, icon, colour]`` indexes into ``strings``), ``count``, ``places``
    (distinct places, aggregates only), ``first`` (days after ``day0``) and ``span`` (days
    from first to last), and ``claimants``/``sources``/``verification``, indexes into
    ``lists``: flat ``[string index, count, …]`` pairs, most first (``OTHERS`` = the rest).
    Every string is escaped HTML.
    """

    mode: str
    lat: list[float]
    lon: list[float]
    pointName: list[int]
    pointPrecision: list[int]
    point: list[int]
    kind: list[int]
    kinds: list[list[int]]
    count: list[int]
    places: list[int]
    day0: int
    first: list[int]
    span: list[int]
    claimants: list[int]
    sources: list[int]
    verification: list[int]
    lists: list[list[int]]
    cellKm: float
    halos: list[list[float | int]]
    strings: list[str]
    hint: int
    regions: NotRequired[RegionsPayload]
    offmap: NotRequired[OffmapPayload]


@dataclass(frozen=True)
class Grouping:
    """How the located claims of a view map onto groups: the lookup of details reuses it."""

    mode: str  # "groups" or "aggregates"
    cell_deg: float  # 0 in the groups mode
    groups: int


class Interner:
    """A string table: each distinct string is sent to the browser once."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        index = self._index.get(text)
        if index is None:
            index = self._index[text] = len(self.strings)
            self.strings.append(text)
        return index


def cell_keys(lat: pd.Series[float], lon: pd.Series[float], cell_deg: float) -> Ints:
    """One integer per grid cell of ``cell_deg`` degrees (floor of each coordinate)."""
    i = np.floor(lat.to_numpy(dtype=float) / cell_deg).astype(np.int64)
    j = np.floor(lon.to_numpy(dtype=float) / cell_deg).astype(np.int64)
    keys: Ints = i * 1_000_003 + j
    return keys


def distinct(keys: Ints) -> int:
    """How many different keys (a table of flags when their range is small: no hashing)."""
    if not len(keys):
        return 0
    low, high = int(keys.min()), int(keys.max())
    if high - low < DENSE_LIMIT:
        seen = np.zeros(high - low + 1, dtype=bool)
        seen[keys - low] = True
        return int(np.count_nonzero(seen))
    return len(pd.unique(keys))


def _codes(values: pd.Series[str]) -> tuple[Ints, list[str]]:
    """Small integer codes by first appearance (a Series factorizes natively: no copies)."""
    codes, uniques = values.factorize(sort=False)
    return np.asarray(codes, dtype=np.int64), [str(u) for u in uniques]


def _int_codes(values: Ints) -> Ints:
    """Small integer codes of integer keys by first appearance (their values not needed)."""
    codes, _ = pd.factorize(values, sort=False)
    return np.asarray(codes, dtype=np.int64)


def _group_ids(point: Ints, kind: Ints, n_kinds: int) -> tuple[Ints, int]:
    ids, uniques = pd.factorize(point * n_kinds + kind, sort=False)
    return np.asarray(ids, dtype=np.int64), len(uniques)


@dataclass(frozen=True)
class Kinds:
    """Each claim's side × type as one code, and the (side, type) of each code."""

    codes: Ints
    names: list[tuple[str, str]]


def kinds_of(located: pd.DataFrame) -> Kinds:
    side, sides = _codes(located["claimant_side"])
    etype, types = _codes(located["event_type"])
    width = max(len(types), 1)
    codes, combined = pd.factorize(side * width + etype, sort=False)
    names = [(sides[int(c) // width], types[int(c) % width]) for c in combined]
    return Kinds(np.asarray(codes, dtype=np.int64), names)


def choose_grouping(
    located: pd.DataFrame, budget: int = GROUP_BUDGET, kinds: Kinds | None = None
) -> Grouping:
    """Groups by place × side × type if there are at most ``budget``; else the finest grid
    cell (``START_CELL_DEG`` grown by ``CELL_GROWTH``) whose cell × side × type aggregates
    fit the budget."""
    kind = kinds or kinds_of(located)
    n_kinds = max(len(kind.names), 1)
    place, _ = _codes(located["place_id"])
    _, n = _group_ids(place, kind.codes, n_kinds)
    if n <= budget:
        return Grouping("groups", 0.0, n)

    lat, lon = located["lat"].to_numpy(dtype=float), located["lon"].to_numpy(dtype=float)

    def count(step: int) -> int:
        # the cells numbered row by row over the view's extent (the same cells as
        # ``cell_keys``, numbered compactly), so the distinct keys fit a table of flags
        cell = START_CELL_DEG * CELL_GROWTH**step
        i, j = np.floor(lat / cell).astype(np.int64), np.floor(lon / cell).astype(np.int64)
        i -= i.min()
        j -= j.min()
        return distinct((i * (int(j.max()) + 1) + j) * n_kinds + kind.codes)

    # the count falls as the cell grows: bisect for the first step that fits
    low, high = 0, MAX_CELL_STEPS
    while low < high:
        mid = (low + high) // 2
        if count(mid) <= budget:
            high = mid
        else:
            low = mid + 1
    return Grouping("aggregates", START_CELL_DEG * CELL_GROWTH**low, count(low))


def _breakdown(
    gid: Ints,
    n_groups: int,
    values: pd.Series[str],
    render: Callable[[str], str],
    top: int | None,
    table: Interner,
    lists: dict[tuple[int, ...], int],
) -> list[int]:
    """Per group, the index into ``lists`` of its values with counts, most first."""
    if n_groups == 0:
        return []
    codes, uniques = _codes(values)
    width = max(len(uniques), 1)
    pair = gid * width + codes
    # a dense table when it is not much larger than the claims (zeroing it costs its size)
    if n_groups * width <= min(DENSE_LIMIT, 2 * len(pair)):
        dense = np.bincount(pair, minlength=n_groups * width)
        key = np.flatnonzero(dense).astype(np.int64)
        n = dense[key].astype(np.int64)
    else:  # sorting the pairs: no Python objects, unlike a hashed value_counts
        key, counts = np.unique(pair, return_counts=True)
        n = counts.astype(np.int64)
    g, v = key // width, key % width
    # by group, most first, then first seen: one int64 key sorts faster than a lexsort
    most = int(n.max()) + 1 if len(n) else 1
    if n_groups * most * width < 2**62:
        order = np.argsort((g * most + (most - 1 - n)) * width + v, kind="stable")
    else:
        order = np.lexsort((v, -n, g))
    g, v, n = g[order], v[order], n[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    if top is not None:  # keep the first ``top`` of each group; the rest is one count
        keep = rank < top
        others = np.bincount(g[~keep], weights=n[~keep], minlength=n_groups).astype(np.int64)
        g, v, n, rank = g[keep], v[keep], n[keep], rank[keep]
    else:
        others = np.zeros(n_groups, dtype=np.int64)
    shown = np.array([table(render(u)) for u in uniques], dtype=np.int64)
    # Each group's list as one padded row ([string, count, …, OTHERS, rest, PAD…]), so equal
    # lists are found by sorting rows, not by a Python tuple per group (10^4–10^5 groups).
    slots = int(rank.max()) + 2 if len(rank) else 1
    rows = np.full((n_groups, 2 * slots), _PAD, dtype=np.int64)
    rows[g, 2 * rank], rows[g, 2 * rank + 1] = shown[v], n
    rest = np.flatnonzero(others)
    filled = np.bincount(g, minlength=n_groups)
    rows[rest, 2 * filled[rest]], rows[rest, 2 * filled[rest] + 1] = OTHERS, others[rest]
    distinct_rows, first_at, inverse = np.unique(
        rows, axis=0, return_index=True, return_inverse=True
    )
    # number the distinct lists by first appearance, as one dictionary over all breakdowns
    code_of = np.empty(len(distinct_rows), dtype=np.int64)
    for d in np.argsort(first_at, kind="stable").tolist():
        row = distinct_rows[d]
        entry = tuple(row[row != _PAD].tolist())
        code_of[d] = lists.setdefault(entry, len(lists))
    out: list[int] = code_of[inverse.reshape(-1)].tolist()
    return out


def _sources_html(headlines: Mapping[str, str]) -> Callable[[str], str]:
    def render(source_ids: str) -> str:
        return "; ".join(
            esc(f"{headlines.get(sid, 'unknown source')} [{sid}]")
            for sid in split_list(source_ids, "source_ids")
        )

    return render


def _verification_html(value: str) -> str:
    return f"<b class='kcm-ver kcm-ver-{esc(value)}'>{esc(verification_label(value))}</b>"


def _side_html(side: str) -> str:
    return f"<span class='kcm-side' style='background:{side_colour(side)}'>{esc(side)}</span>"


def _days(column: pd.Series[pd.Timestamp]) -> Ints:
    return column.to_numpy(dtype="datetime64[D]").astype(np.int64)


def _first_per_group(gid: Ints, n_groups: int) -> Ints:
    """For each group, the position of its first row (groups are numbered by appearance)."""
    first = np.full(n_groups, -1, dtype=np.int64)
    order = np.arange(len(gid), dtype=np.int64)
    first[gid[::-1]] = order[::-1]
    return first


def grouped_payload(
    located: pd.DataFrame,
    places: pd.DataFrame,
    headlines: Mapping[str, str],
    grouping: Grouping,
    halos: list[list[float | int]],
    table: Interner,
    kinds: Kinds | None = None,
) -> GroupsPayload:
    """The grouped (or aggregate) payload of ``located`` claims (with ``place_row``, their
    place's row in the gazetteer ``places``, and its ``lat``, ``lon``); ``halos`` index
    ``table``."""
    kinds_found = kinds or kinds_of(located)
    kind = kinds_found.codes
    aggregates = grouping.mode == "aggregates"
    if aggregates:
        point = _int_codes(cell_keys(located["lat"], located["lon"], grouping.cell_deg))
    else:
        point, _ = _codes(located["place_id"])
    gid, n_groups = _group_ids(point, kind, max(len(kinds_found.names), 1))
    first_row = _first_per_group(gid, n_groups)
    pfirst = _first_per_group(point, int(point.max()) + 1 if len(point) else 0)

    if aggregates:
        cell = grouping.cell_deg
        lat = ((np.floor(located["lat"].to_numpy(float)[pfirst] / cell) + 0.5) * cell).round(5)
        lon = ((np.floor(located["lon"].to_numpy(float)[pfirst] / cell) + 0.5) * cell).round(5)
        blank = table("")
        names = [blank] * len(pfirst)
        precisions = [blank] * len(pfirst)
    else:
        lat = located["lat"].to_numpy(float)[pfirst].round(COORD_DECIMALS)
        lon = located["lon"].to_numpy(float)[pfirst].round(COORD_DECIMALS)
        rows = located["place_row"].to_numpy()[pfirst]
        names = [table(esc(n)) for n in places["name"].to_numpy()[rows]]
        precisions = [table(esc(p)) for p in places["precision"].to_numpy()[rows]]

    kind_table = []
    for side, etype in kinds_found.names:
        kind_table.append(
            [
                table(_side_html(side)),
                table(esc(etype)),
                table(claim_svg(side, etype)),
                table(side_colour(side)),
            ]
        )

    days_from, days_to = _days(located["date_start"]), _days(located["date_end"])
    day0 = int(days_from.min()) if len(days_from) else 0
    by_group = pd.DataFrame({"g": gid, "a": days_from, "b": days_to}).groupby("g", sort=True)
    first = by_group["a"].min().to_numpy() - day0
    last = by_group["b"].max().to_numpy() - day0
    places_per_group: list[int] = []
    if aggregates:  # distinct places per aggregate: distinct (group, place) pairs per group
        place, place_ids = _codes(located["place_id"])
        pairs = pd.unique(gid * max(len(place_ids), 1) + place)
        places_per_group = np.bincount(pairs // max(len(place_ids), 1), minlength=n_groups).tolist()
    lists: dict[tuple[int, ...], int] = {}
    claimants = _breakdown(gid, n_groups, located["claimant"], esc, TOP_CLAIMANTS, table, lists)
    sources = _breakdown(
        gid, n_groups, located["source_ids"], _sources_html(headlines), TOP_SOURCES, table, lists
    )
    verification = _breakdown(
        gid, n_groups, located["verification"], _verification_html, None, table, lists
    )
    return {
        "mode": grouping.mode,
        "lat": lat.tolist(),
        "lon": lon.tolist(),
        "pointName": names,
        "pointPrecision": precisions,
        "point": point[first_row].tolist(),
        "kind": kind[first_row].tolist(),
        "kinds": kind_table,
        "count": np.bincount(gid, minlength=n_groups).tolist(),
        "places": places_per_group,
        "day0": day0,
        "first": first.tolist(),
        "span": (last - first).tolist(),
        "claimants": claimants,
        "sources": sources,
        "verification": verification,
        "lists": [list(k) for k in lists],
        "cellKm": round(grouping.cell_deg * KM_PER_DEG_LAT, 1),
        "halos": [] if aggregates else halos,
        "strings": table.strings,
        "hint": table(
            "Figures, summaries and each claim: click the marker for the list below the map."
        ),
    }
