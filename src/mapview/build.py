"""Assembling the folium map: a base map (tiles, routes, places, legend) and a claims layer.

The two are separate on purpose: the base map depends only on the gazetteer and the basemap
choice, so changing a filter swaps the claims layer inside the running map (streamlit-folium's
``feature_group_to_add``) and the user's pan and zoom survive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict, cast

import folium
import numpy as np
import pandas as pd
from folium.plugins import Fullscreen, MarkerCluster

from src.labels import date_label
from src.mapview.basemap import LABEL as OFFLINE_LABEL
from src.mapview.basemap import OFFLINE, add_basemaps
from src.mapview.controls import Legend, NorthArrow
from src.mapview.frontend import LABELS_JS, MAP_JS, GlueTemplate, KcmElement, same_json
from src.mapview.groups import (
    GROUP_BUDGET,
    GroupsPayload,
    Interner,
    choose_grouping,
    grouped_payload,
    kinds_of,
)
from src.mapview.legend import legend_html
from src.mapview.offmap import OFFMAP_JS, OffmapPayload, offmap_payload
from src.mapview.popup import (
    POPUP_SLOTS,
    POPUP_TEMPLATE,
    SLOTS,
    PopupContext,
    marker_title,
)
from src.mapview.regions import COLUMNS as REGION_COLUMNS
from src.mapview.regions import REGIONS_JS, RegionsPayload, area_mask, regions_payload
from src.palette import ROUTE_COLOUR, claim_svg
from src.rows import records
from src.safe_html import esc, js_json
from src.schema import split_list

#: name -> (folium tiles, label shown in the layer control). The offline basemap (vector,
#: ``mapview.basemap``) has no tiles; "none" draws nothing at all.
BASEMAPS: dict[str, tuple[str | None, str]] = {
    "light": ("Esri.WorldGrayCanvas", "Light grey tiles (online)"),
    OFFLINE: (None, OFFLINE_LABEL),
    "osm": ("OpenStreetMap", "OpenStreetMap tiles (online)"),
    "none": (None, "No basemap"),
}
#: Gazetteer points named on the map itself (regions and countries would only clutter it).
LABELLED_KINDS = ("city", "town", "village", "crossing", "capital")
#: Most places named on the map (those with the most claims): the rest keep their dot and
#: tooltip. The bundled gazetteer is far below it.
LABEL_BUDGET = 60
#: Up to this many located claims, one marker and full popup per claim; above it, one marker
#: per group of claims that draw identically (``src/mapview/groups.py``).
MARKER_BUDGET = 2000
#: Neutral grey clusters (kcm.clusterIcon): the default green/yellow/orange would read as sides.
CLUSTER_CLASS = "kcm-cluster"
#: Radius of the uncertainty halo drawn around approximate locations, in metres.
HALO_RADIUS_M = {"near": 6000, "region": 25000}
#: Most halos drawn: thousands of overlapping dashed circles hide the map (and cost SVG
#: paths); above it none are drawn, and popups still give every place's precision.
HALO_BUDGET = 200
#: Largest grouped payload sent (its JSON), leaving room under 3 MB per view for the rest.
MAX_PAYLOAD_BYTES = 2_500_000
#: folium.Map's own assets the map uses: Leaflet. jQuery, Bootstrap, Font Awesome and
#: awesome-markers serve ``folium.Icon`` markers, which it never draws; streamlit-folium loads
#: a map's scripts one after another, so each costs a round trip before the first draw.
MAP_ASSETS = ("leaflet", "leaflet_css")
#: The claim columns the grouped payload reads.
GROUPED_COLUMNS = (
    "event_id",
    "place_id",
    "claimant_side",
    "event_type",
    "claimant",
    "source_ids",
    "verification",
    "date_start",
    "date_end",
)


@dataclass(frozen=True)
class LayerStats:
    """What the claims layer holds: the tests and the page caption read it.

    ``markers`` counts the located claims the layer represents; ``drawn`` the markers sent
    (one per claim in the "claims" mode, per group or aggregate otherwise); ``cell_deg`` is
    the aggregate grid's cell (0 unless ``mode`` is "aggregates"); ``halos_hidden`` the
    approximate places left without a halo because there were more than ``HALO_BUDGET``.
    """

    markers: int
    unlocated: int
    halos: int
    compact: bool
    places: tuple[str, ...] = field(default=())
    mode: str = "claims"
    drawn: int = 0
    cell_deg: float = 0.0
    halos_hidden: int = 0


class MarkersPayload(TypedDict):
    """What ``kcm.claimsLayer`` draws in small views: per-marker columns into string tables.

    Popups are ``popupTemplate`` with each ``{slot}`` replaced by
    ``strings[popupSlots[slotNames.index(slot)][i]]`` (escaped fragments); ``icons`` index
    ``strings`` too; ``tooltips`` index ``tooltipStrings`` (plain text, set as a title).
    A halo is ``[lat, lon, radius_m, strings index of its escaped tooltip]``.
    """

    mode: str
    popupTemplate: str
    slotNames: list[str]
    popupSlots: list[list[int]]
    lat: list[float]
    lon: list[float]
    ids: list[str]
    tooltips: list[int]
    icons: list[int]
    halos: list[list[float | int]]
    strings: list[str]
    tooltipStrings: list[str]
    regions: NotRequired[RegionsPayload]
    offmap: NotRequired[OffmapPayload]


#: The claims layer's payload: one marker per claim (mode "claims"), or per group/aggregate.
ClaimsPayload = MarkersPayload | GroupsPayload


class PlaceDotsPayload(TypedDict):
    """Gazetteer points for ``kcm.placeDots``: the name label ("" = none) and the parts of
    the tooltip, all escaped: the place's name, its other names ("" = none), ``kinds[kind]``
    ("town · precision exact") and its claims in the data. The browser joins the tooltip's
    parts: whole tooltips were ~150 bytes a place, most of the base map at 5,000 places
    (and the base map is sent again with every filter change). ``order``: the named points,
    most claimed first (``kcm.placeLabels`` places names in that order and hides those with
    no free spot); ``left``: names that try the west side first."""

    lat: list[float]
    lon: list[float]
    place: list[str]
    also: list[str]
    kind: list[int]
    kinds: list[str]
    claims: list[int]
    names: list[str]
    order: list[int]
    left: list[int]


class ClaimsLayer(KcmElement):
    """All claim markers of the view, built in the browser from one compact JSON payload.

    One Python ``folium.Marker`` per claim costs a JS block each; a single payload of
    coordinates, icon indexes and pre-escaped popup HTML is several times smaller and
    scales to tens of thousands of claims inside a MarkerCluster.
    """

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.claimsLayer({{ this._parent.get_name() }}, {{ this.cluster.get_name() }}, {{ this.payload_json }});
        {% endmacro %}
        """  # noqa: E501
    )

    # with the region badges and the off-view badges the payload carries
    default_js = [MAP_JS, REGIONS_JS, OFFMAP_JS]  # noqa: RUF012 - folium's JSCSSMixin attribute

    def __init__(self, cluster: MarkerCluster, payload: ClaimsPayload) -> None:
        super().__init__()
        self._name = "ClaimsLayer"
        self.cluster = cluster
        self.payload = payload

    @property
    def payload_json(self) -> str:
        """The payload as strict JSON (``js_json``), serialised once per cached payload."""
        return same_json(self.payload)


class MapControl(KcmElement):
    """A Leaflet control holding fixed HTML (legend, notes) at a corner of the map."""

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.control({{ this._parent.get_name() }}, {{ this.html|tojson }}, {{ this.position|tojson }}, {{ this.css_class|tojson }});
        {% endmacro %}
        """  # noqa: E501
    )

    def __init__(self, html: str, position: str = "bottomright", css_class: str = "") -> None:
        super().__init__()
        self._name = "MapControl"
        self.html = html
        self.position = position
        self.css_class = css_class


class StillFocus(KcmElement):
    """The map takes keyboard focus without scrolling the page (``kcm.stillFocus``).

    Leaflet focuses the map on mouse down and undoes only the window's scroll; Streamlit
    scrolls its main block instead, so a map whose bottom is below the fold jumped between
    mouse down and up and the click on a marker became a click on the map.
    """

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.stillFocus({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "StillFocus"


class PlaceDots(KcmElement):
    """Gazetteer places as small dots with tooltips, drawn from one JSON payload.

    A folium CircleMarker with a Tooltip compiles two Jinja templates per place on every
    rerun; one payload keeps the base map cheap to rebuild however large the gazetteer.
    """

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.placeDots({{ this._parent.get_name() }}, {{ this.payload_json }});
        {% endmacro %}
        """
    )

    default_js = [MAP_JS, LABELS_JS]  # noqa: RUF012 - folium's JSCSSMixin attribute

    def __init__(self, payload: PlaceDotsPayload) -> None:
        super().__init__()
        self._name = "PlaceDots"
        self.payload = payload

    @property
    def payload_json(self) -> str:
        """The dots as strict JSON, serialised once per cached base layers."""
        return same_json(self.payload)


class LayerRegistry(KcmElement):
    """Exposes named layers on ``window.kcm`` so tests can count what Leaflet really holds."""

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        window.kcm[{{ this.key|tojson }}] = {{ this.layer.get_name() }};
        {% endmacro %}
        """
    )

    def __init__(self, key: str, layer: folium.map.Layer) -> None:
        super().__init__()
        self._name = "LayerRegistry"
        self.key = key
        self.layer = layer


def label_sides(points: pd.DataFrame, near_deg: float = 0.06) -> pd.Series[str]:
    """ "left" for a place with a close eastern neighbour, so two names do not overlap.

    A neighbour is "close east" within ``1.5 * near_deg`` of longitude to the east and
    ``near_deg`` of latitude. Points are bucketed on a grid of cells that size, so each point
    looks only at the points of six cells: O(n) for any spread-out gazetteer, not O(n²).
    """
    lat = points["lat"].to_numpy(dtype=float)
    lon = points["lon"].to_numpy(dtype=float)
    east = near_deg * 1.5
    rows = np.floor(lat / near_deg).astype(np.int64).tolist()
    cols = np.floor(lon / east).astype(np.int64).tolist()
    cells: dict[tuple[int, int], list[int]] = {}
    for k, cell in enumerate(zip(rows, cols, strict=True)):
        cells.setdefault(cell, []).append(k)
    sides = ["right"] * len(points)
    for k, (row, col) in enumerate(zip(rows, cols, strict=True)):
        p_lat, p_lon = lat[k], lon[k]
        neighbours = (
            o
            for d_row in (-1, 0, 1)
            for d_col in (0, 1)  # a neighbour to the east is in this column or the next
            for o in cells.get((row + d_row, col + d_col), ())
        )
        if any(
            p_lon < lon[o] < p_lon + east and abs(lat[o] - p_lat) < near_deg for o in neighbours
        ):
            sides[k] = "left"
    return pd.Series(sides, index=points.index)


def most_claimed(
    points: pd.DataFrame, candidates: pd.Series[bool], counts: Mapping[Any, int], budget: int
) -> pd.Series[bool]:
    """The ``budget`` candidates with the most claims (ties by name): a permanent label per
    place stops reading long before thousands, and each one is moved on every zoom."""
    if int(candidates.sum()) <= budget:
        return candidates
    ranked = points[candidates].assign(
        _n=points.loc[candidates, "place_id"].map(counts).fillna(0).astype(int)
    )
    keep = ranked.sort_values(["_n", "name"], ascending=[False, True]).index[:budget]
    return pd.Series(points.index.isin(keep), index=points.index)


def place_labels(
    points: pd.DataFrame, labelled: pd.Series[bool], counts: Mapping[Any, int]
) -> tuple[list[str], list[int], list[int]]:
    """Escaped name labels ("" = none), the positions of the named points most claimed first
    (ties by name: the browser hides names by this priority when they collide), and those
    with a close eastern neighbour, whose name tries the west side of its dot first."""
    names = [esc(name) if keep else "" for name, keep in zip(points["name"], labelled, strict=True)]
    named = points.assign(_pos=np.arange(len(points)))[labelled.to_numpy()]
    ranked = named.assign(_n=named["place_id"].map(counts).fillna(0).astype(int)).sort_values(
        ["_n", "name"], ascending=[False, True], kind="stable"
    )
    sides = label_sides(named)
    left = sorted(int(p) for p in named.loc[sides == "left", "_pos"])
    return names, [int(p) for p in ranked["_pos"]], left


def theatre_bounds(places: pd.DataFrame) -> list[list[float]]:
    """South-west and north-east corners of the in-theatre points, with a small margin."""
    inside = places[places["in_theatre"] & ~places["kind"].isin(["country"])]
    if inside.empty:
        inside = places
    pad = 0.08
    return [
        [float(inside["lat"].min()) - pad, float(inside["lon"].min()) - pad],
        [float(inside["lat"].max()) + pad, float(inside["lon"].max()) + pad],
    ]


def outside_theatre(events: pd.DataFrame, places: pd.DataFrame) -> list[tuple[str, int]]:
    """Places outside the regional view that hold shown claims, with counts, most first."""
    far = places.loc[~places["in_theatre"], ["place_id", "name"]]
    counts = events["place_id"].value_counts()
    rows = [(name, int(counts.get(pid, 0))) for pid, name in far.itertuples(index=False)]
    return sorted((r for r in rows if r[1]), key=lambda r: (-r[1], r[0]))


def place_point(places_by_id: pd.DataFrame, place_id: str) -> list[float]:
    """``[lat, lon]`` of one place of the gazetteer indexed by ``place_id``."""
    # pandas-stubs types a cell as any scalar; lat and lon are float columns (schema-checked).
    return [float(cast(float, places_by_id.at[place_id, col])) for col in ("lat", "lon")]


def route_coordinates(
    place: Mapping[str, Any] | pd.Series[Any], places_by_id: pd.DataFrame
) -> list[list[float]]:
    """``[lat, lon]`` of each waypoint of a route (a gazetteer row, as a dict or a Series)."""
    ids = split_list(place["waypoints"], "waypoints")
    return [place_point(places_by_id, p) for p in ids]


def route_statuses(route_ids: list[str], events: pd.DataFrame) -> dict[str, list[str]]:
    """What the claims say about each route's state (blockade, checkpoint, aid), oldest
    first: one pass over the claims for all routes, not one scan per route."""
    out: dict[str, list[str]] = {pid: [] for pid in route_ids}
    mask = (events["event_type"] == "Access and aid") & events["place_id"].isin(route_ids)
    for r in records(events[mask].sort_values("date_start", kind="stable")):
        out[r["place_id"]].append(
            f"{r['sub_event_type']}: {date_label(r).split(' · ')[0]} "
            f"(claimed by {r['claimant']}, {r['verification']})"
        )
    return out


def route_status(place_id: str, events: pd.DataFrame) -> list[str]:
    """What the claims say about one route's state, oldest first."""
    return route_statuses([place_id], events)[place_id]


@dataclass(frozen=True)
class RouteLine:
    """A route as the map draws it: waypoints, escaped tooltip, dashed (a road) or not."""

    coordinates: list[list[float]]
    tooltip: str
    dashed: bool


@dataclass(frozen=True)
class BaseLayers:
    """What the base map draws from the data: plain values, so a cache can keep them per
    data version (the folium objects are rebuilt from them on each run, cheaply; a cached
    folium map would be mutated by the run that renders it)."""

    bounds: list[list[float]]
    routes: tuple[RouteLine, ...]
    dots: PlaceDotsPayload


def base_layers(places: pd.DataFrame, events: pd.DataFrame, labels: bool = True) -> BaseLayers:
    """Routes with their claimed status, place dots with tooltips and name labels: the base
    map's work that grows with the data (O(places log places + claims))."""
    by_id = places.set_index("place_id")
    route_rows = records(places[places["waypoints"] != ""])
    statuses = route_statuses([r["place_id"] for r in route_rows], events)
    routes = tuple(
        RouteLine(
            coordinates=route_coordinates(route, by_id),
            tooltip=f"<b>{esc(route['name'])}</b> ({esc(route['kind'])})"
            + "".join(f"<br>{esc(s)}" for s in statuses[route["place_id"]]),
            dashed=route["kind"] == "road",
        )
        for route in route_rows
    )
    counts = events["place_id"].value_counts().to_dict()
    points = places[places["waypoints"] == ""]
    kinds = Interner()
    also = [
        esc(", ".join(a for a in split_list(aliases, "aliases") if a != name))
        for name, aliases in zip(points["name"], points["aliases"], strict=True)
    ]
    kind = [
        kinds(f"{esc(k)} · precision {esc(p)}")
        for k, p in zip(points["kind"], points["precision"], strict=True)
    ]
    labelled = points["in_theatre"] & points["kind"].isin(LABELLED_KINDS) & labels
    labelled &= most_claimed(points, labelled, counts, LABEL_BUDGET)
    names, order, left = place_labels(points, labelled, counts)
    dots: PlaceDotsPayload = {
        "lat": points["lat"].round(5).tolist(),
        "lon": points["lon"].round(5).tolist(),
        "place": [esc(name) for name in points["name"]],
        "also": also,
        "kind": kind,
        "kinds": kinds.strings,
        "claims": [int(counts.get(pid, 0)) for pid in points["place_id"]],
        "names": names,
        "order": order,
        "left": left,
    }
    return BaseLayers(bounds=theatre_bounds(places), routes=routes, dots=dots)


def base_map(
    places: pd.DataFrame,
    events: pd.DataFrame,
    basemap: str = "light",
    legend: bool = True,
    labels: bool = True,
    layers: BaseLayers | None = None,
    credits: Sequence[tuple[str, str]] = (),
) -> folium.Map:
    """Tiles, routes, places, legend, scale and fullscreen: everything filters don't change
    (``credits``, the (name, credit) of the datasets shown, changes only with that set).

    ``layers``: the :func:`base_layers` of ``places``/``events``/``labels`` if already known
    (the app caches them per data version), so a rerun only assembles the folium objects.
    """
    layers = layers if layers is not None else base_layers(places, events, labels)
    bounds = layers.bounds
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    # max_zoom is needed when no tile layer sets it: MarkerCluster refuses a map without one.
    # folium gives max_zoom to tile layers only; "no basemap" still needs it on the map.
    m = folium.Map(location=centre, zoom_start=9, tiles=None, control_scale=True, max_zoom=18)
    m.options["max_zoom"] = 18
    chosen = basemap if basemap in BASEMAPS else "light"
    tiled = [(t, label, key == chosen) for key, (t, label) in BASEMAPS.items() if t is not None]
    add_basemaps(m, tiled, offline=chosen == OFFLINE)  # tiles that fail switch to it

    routes = folium.FeatureGroup(name="Routes (Lachin Corridor, Aghdam road)")
    for route in layers.routes:
        folium.PolyLine(  # type: ignore[no-untyped-call]  # unannotated in folium
            route.coordinates,
            color=ROUTE_COLOUR,
            weight=5,
            opacity=0.85,
            dash_array="10 6" if route.dashed else None,
            tooltip=folium.Tooltip(route.tooltip, sticky=True),
        ).add_to(routes)
    routes.add_to(m)
    LayerRegistry("routes", routes).add_to(m)

    marks = folium.FeatureGroup(name="Places (gazetteer)")
    PlaceDots(layers.dots).add_to(marks)
    marks.add_to(m)
    LayerRegistry("places", marks).add_to(m)

    Fullscreen(position="topleft").add_to(m)  # type: ignore[no-untyped-call]  # unannotated
    NorthArrow("topleft").add_to(m)
    StillFocus().add_to(m)
    if legend:  # the claims legend means nothing on a map that draws no claims
        Legend(legend_html(credits=credits), "topright").add_to(m)
    m.fit_bounds(bounds)
    return m


def lean_assets(m: folium.Map) -> folium.Map:
    """Drop folium.Map's assets other than Leaflet's (:data:`MAP_ASSETS`) from this map: the
    page loads ~0.5 MB and three sequential scripts less (the box sizing and body margin that
    Bootstrap's reset gave the frame are in ``static/kcm/map.css``)."""
    m.default_js = [link for link in m.default_js if link[0] in MAP_ASSETS]
    m.default_css = [link for link in m.default_css if link[0] in MAP_ASSETS]
    return m


def _slot_columns(frame: pd.DataFrame, ctx: PopupContext, table: Interner) -> list[list[int]]:
    """Every popup slot for every row, rendering each distinct field combination of a slot
    once (in order of first appearance). One pass over plain rows: a pandas group-by per slot
    cost ~7 ms each, most of a small view's rerun."""
    needed = list(dict.fromkeys(f for slot in POPUP_SLOTS for f in SLOTS[slot][0]))
    rows = records(frame[needed]) if not frame.empty else []
    columns: list[list[int]] = []
    for slot in POPUP_SLOTS:
        fields, render = SLOTS[slot]
        seen: dict[tuple[Any, ...], int] = {}
        column: list[int] = []
        for row in rows:
            key = tuple(row[f] for f in fields)
            code = seen.get(key)
            if code is None:
                code = seen[key] = table(render({f: row[f] for f in fields}, ctx))
            column.append(code)
        columns.append(column)
    return columns


def _halos(shown_places: pd.DataFrame, table: Interner) -> tuple[list[list[float | int]], int]:
    """One halo per approximate (near/region) place among the shown ones (gazetteer rows), if
    at most ``HALO_BUDGET`` (else none), and how many were left out."""
    halo_places = shown_places.loc[
        shown_places["precision"].isin(list(HALO_RADIUS_M))
        & ~shown_places["kind"].isin(["road", "corridor", "country"])
    ]
    if len(halo_places) > HALO_BUDGET:
        return [], len(halo_places)
    halos: list[list[float | int]] = [
        [
            round(float(lat), 5),
            round(float(lon), 5),
            HALO_RADIUS_M[str(precision)],
            table(esc(f"Approximate location: {name} (precision {precision})")),
        ]
        for lat, lon, precision, name in zip(
            halo_places["lat"],
            halo_places["lon"],
            halo_places["precision"],
            halo_places["name"],
            strict=True,
        )
    ]
    return halos, 0


def _markers_payload(
    located: pd.DataFrame,
    ctx: PopupContext,
    table: Interner,
    halos: list[list[float | int]],
) -> MarkersPayload:
    """One marker per claim, each popup slot rendered once per distinct field combination."""
    tips = Interner()
    popup_slots = _slot_columns(located, ctx, table)
    tooltips = [
        tips(marker_title(sub, name, who))
        for sub, name, who in zip(
            located["sub_event_type"], located["place_name"], located["claimant"], strict=True
        )
    ]
    icons = [
        table(claim_svg(side, etype))
        for side, etype in zip(located["claimant_side"], located["event_type"], strict=True)
    ]
    return {
        "mode": "claims",
        "popupTemplate": POPUP_TEMPLATE,
        "slotNames": list(POPUP_SLOTS),
        "popupSlots": popup_slots,
        "lat": located["lat"].round(5).tolist(),
        "lon": located["lon"].round(5).tolist(),
        "ids": located["event_id"].tolist(),
        "tooltips": tooltips,
        "icons": icons,
        "halos": halos,
        "strings": table.strings,
        "tooltipStrings": tips.strings,
    }


def located_claims(
    events: pd.DataFrame, places: pd.DataFrame, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The claims with a place (all columns, or ``columns``), with the place's gazetteer row
    (``place_row``), coordinates and, for all columns, its name, precision and kind (looked
    up by position: a merge validating many-to-one costs seconds at 10^6 rows)."""
    mask = events["place_id"] != ""
    # only the columns asked for: copying every column of 10^6 rows costs seconds
    located = events[mask] if columns is None else events.loc[mask, list(columns)]
    codes, ids = located["place_id"].factorize(sort=False)
    rows = pd.Index(places["place_id"]).get_indexer(ids)
    if (rows < 0).any():
        missing = sorted(str(i) for i in ids[rows < 0])
        raise KeyError(f"claims at places not in the gazetteer: {missing[:5]}")
    at = rows[codes]
    located = located.reset_index(drop=True).assign(
        place_row=at, lat=places["lat"].to_numpy()[at], lon=places["lon"].to_numpy()[at]
    )
    if columns is not None:  # the grouped payload looks names up per point, not per claim
        return located
    names = {"name": "place_name", "precision": "place_precision", "kind": "place_kind"}
    return located.assign(**{new: places[old].to_numpy()[at] for old, new in names.items()})


def shown_places(located: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """The gazetteer rows of the places that hold ``located`` claims, in order of appearance."""
    return places.iloc[pd.unique(located["place_row"].to_numpy())]


def claims_payload(
    events: pd.DataFrame,
    places: pd.DataFrame,
    headlines: Mapping[str, str],
    incident_sizes: Mapping[str, int] | None = None,
    budget: int = MARKER_BUDGET,
    group_budget: int = GROUP_BUDGET,
) -> tuple[ClaimsPayload, LayerStats]:
    """Everything the browser needs to draw the claims: plain data, so it can be cached.

    Up to ``budget`` located claims, one marker and full popup each; above it, one marker
    per place × claimant side × event type (or per grid cell × side × type when there are
    more than ``group_budget`` of those), see ``src/mapview/groups.py``.
    """
    in_view = int((events["place_id"] != "").sum())
    located = located_claims(events, places, None if in_view <= budget else GROUPED_COLUMNS)
    # "in Nagorno-Karabakh" is drawn as the region, outside the markers and clusters
    area = area_mask(located, places)
    offmap = offmap_payload(located["place_row"].to_numpy(), places)
    regions = regions_payload(located.loc[area, ["place_row", *REGION_COLUMNS]], places, headlines)
    region_rows = np.unique(located.loc[area, "place_row"].to_numpy(dtype=np.int64))
    region_ids = tuple(places["place_id"].iloc[region_rows])
    if area.any():
        located = located.loc[~area].reset_index(drop=True)
    table = Interner()
    at_places = shown_places(located, places)
    halos, halos_hidden = _halos(at_places, table)
    payload: ClaimsPayload
    if len(located) <= budget:
        ctx = PopupContext(headlines, incident_sizes or {})
        payload = _markers_payload(located, ctx, table, halos)
        mode, drawn, cell = "claims", len(located), 0.0
    else:
        kinds = kinds_of(located)
        while True:  # coarser until the payload fits: many claims per group make long lists
            grouping = choose_grouping(located, group_budget, kinds)
            table = Interner()
            halos, halos_hidden = _halos(at_places, table)
            payload = grouped_payload(located, places, headlines, grouping, halos, table, kinds)
            if grouping.groups <= 1 or len(js_json(payload)) <= MAX_PAYLOAD_BYTES:
                break
            group_budget = grouping.groups // 2
        mode, drawn, cell = grouping.mode, grouping.groups, grouping.cell_deg
        if mode == "aggregates":
            halos_hidden = 0  # an aggregate is not a place: it has no halo to hide
    payload["regions"] = regions
    payload["offmap"] = offmap
    stats = LayerStats(
        markers=len(located) + regions["total"],
        unlocated=int((events["place_id"] == "").sum()),
        halos=len(payload["halos"]),
        compact=mode != "claims",
        places=tuple(sorted([*at_places["place_id"], *region_ids])),
        mode=mode,
        drawn=drawn,
        cell_deg=cell,
        halos_hidden=halos_hidden,
    )
    return payload, stats


def claims_group(payload: ClaimsPayload) -> folium.FeatureGroup:
    """The claims as one clustered layer (plus halos) drawn in the browser from ``payload``."""
    group = folium.FeatureGroup(name="Claims")
    cluster = MarkerCluster(  # type: ignore[no-untyped-call]  # unannotated in folium
        name="Claims",
        icon_create_function=f"kcm.clusterIcon({js_json(CLUSTER_CLASS)})",
        options={
            # a click fits the members' bounds or spiderfies them: kcm's clusterClick
            "zoomToBoundsOnClick": False,
            "spiderfyOnMaxZoom": False,
            "showCoverageOnHover": False,
            "maxClusterRadius": 35,
            "chunkedLoading": True,
        },
    )
    cluster.add_to(group)
    ClaimsLayer(cluster, payload).add_to(group)
    return group


def claims_layer(
    events: pd.DataFrame,
    places: pd.DataFrame,
    headlines: Mapping[str, str],
    incident_sizes: Mapping[str, int] | None = None,
    budget: int = MARKER_BUDGET,
    group_budget: int = GROUP_BUDGET,
) -> tuple[folium.FeatureGroup, LayerStats]:
    """The filtered claims as a folium layer, with counts of what it holds."""
    payload, stats = claims_payload(events, places, headlines, incident_sizes, budget, group_budget)
    return claims_group(payload), stats
