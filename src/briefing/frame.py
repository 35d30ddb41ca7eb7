"""The briefing frame: one standalone HTML document that explains itself when cropped.

A screenshot of a dashboard loses its context. The frame carries it inside a fixed 16:9 box
(1920×1080 CSS pixels): a header band with the title, the date window and the active filters
in plain words; the map (the dashboard's own folium map with the filtered claims layer,
framed on the shown claims, place names written on it); and a panel with the legend of what
is shown, the verification mix and the caveat, the source headlines, the data version and
the generation time.

The same document is embedded in the page's briefing view, offered as the HTML download and
photographed for the PNG, so the three agree by construction. Its JavaScript and CSS are
inlined (:func:`src.assets.localize.inline_html`): it opens from a file with no server and no
internet. Its basemap is the offline vector one (Natural Earth, ``mapview.basemap``) unless
OpenStreetMap tiles are chosen, so an exported picture is the same with or without a network
(:func:`frame_basemap`).

The document is ``templates/frame.html`` (autoescaping Jinja): the folium map's rendered
header, div and script are placed in it marked safe, every piece of text is passed as data and
escaped there by :func:`src.safe_html.esc`; styles and code are ``static/kcm`` files.

Everything here is pure (no Streamlit): the text is a :class:`BriefingText` the tests read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import folium
import jinja2
import pandas as pd
from branca.element import Figure
from markupsafe import Markup

from src.assets.localize import inline_assets, localize_map
from src.briefing.mapscript import BriefingConfig, BriefingScript, label_specs
from src.dataset import Dataset
from src.filters import FilterState, apply_filters, describe, period_label, window
from src.labels import (
    PERIOD_TITLES,
    VERIFICATION_LABELS,
    Credit,
    credits_line,
    dataset_credits,
    dataset_names,
)
from src.mapview.basemap import OFFLINE
from src.mapview.build import (
    BASEMAPS,
    LayerStats,
    base_map,
    claims_layer,
    outside_theatre,
    route_coordinates,
    theatre_bounds,
)
from src.mapview.frontend import own_file, strict_dumps
from src.mapview.legend import GROUP_WORDS, REGION_WORDS, RING_WORDS
from src.mapview.regions import region_claim_count
from src.palette import ROUTE_COLOUR, TYPE_SHAPES, marker_svg, side_colour
from src.rows import records
from src.safe_html import esc
from src.schema import ARTICLES_DATASET, VERIFICATION, dataset_of, split_list

#: The frame's layout size in CSS pixels; other output sizes scale it (same picture).
FRAME_W, FRAME_H = 1920, 1080
#: Output sizes offered for the PNG, by name.
SIZES: dict[str, tuple[int, int]] = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}
#: The caveat every frame carries while any shown claim is unconfirmed.
CAVEAT_LINE = "Claims are as reported by the parties and have not been independently verified."
DEFAULT_BASEMAP = "light"
TITLE_MAX = 120
DEFAULT_TITLES: dict[str, str] = PERIOD_TITLES
#: Smallest half-extent of the map frame in degrees, so one place is not shown at street level.
MIN_HALF_LAT, MIN_HALF_LON = 0.28, 0.42
#: Tiled basemaps the frame draws as tiles; any other choice, the interactive map's default
#: light tiles included, is drawn with the offline basemap (see :func:`frame_basemap`).
FRAME_TILES = ("osm",)
#: How long the PNG waits for basemap tiles before shooting without them.
TILE_WAIT_MS = 6000

_VERIFICATION_WORDS = {k: v.lower() for k, v in VERIFICATION_LABELS.items()}


class ExportMeta(TypedDict):
    """The view's context as a data export carries it (GeoJSON member ``kcm``)."""

    title: str
    window: str
    filters: list[str]
    verification: str
    caveat: str
    data_version: str
    generated: str
    unlocated_note: str


@dataclass(frozen=True)
class BriefingText:
    """Every piece of text the frame shows, computed from the data and the filters."""

    title: str
    window: str
    period: str
    filters: tuple[str, ...]
    counts: str
    verification: tuple[tuple[str, int], ...]
    verification_mix: str
    caveat: str
    sources: tuple[tuple[str, str, str], ...]
    #: Each dataset shown with its claims in view and the credit its terms require.
    credits: tuple[Credit, ...]
    sides: tuple[tuple[str, int], ...]
    types: tuple[tuple[str, int], ...]
    outside: tuple[tuple[str, int], ...]
    data_line: str
    generated: str

    @property
    def imported_credits(self) -> tuple[Credit, ...]:
        """The credits the frame prints: only once an imported dataset is shown (the articles
        are credited by the Sources list), and the articles' own credit left out for it."""
        if all(c.dataset_id == ARTICLES_DATASET for c in self.credits):
            return ()
        return tuple(
            c._replace(credit="") if c.dataset_id == ARTICLES_DATASET else c for c in self.credits
        )

    @property
    def credits_line(self) -> str:
        return credits_line(self.imported_credits)

    @property
    def filters_line(self) -> str:
        if not self.filters:
            return (
                "Filters: none (all datasets, sources, claimant sides, claimants, actors, "
                "event types)"
            )
        return "Filters: " + "; ".join(self.filters)

    def export_meta(self, data_version: str) -> ExportMeta:
        """The view's context carried inside a data export (GeoJSON ``metadata``)."""
        return {
            "title": self.title,
            "window": self.window,
            "filters": list(self.filters),
            "verification": self.verification_mix,
            "caveat": self.caveat,
            "data_version": data_version,
            "generated": self.generated,
            "unlocated_note": "claims that name no place; listed here, not as features",
        }

    def lines(self) -> list[str]:
        """The frame's text as plain lines (alt text, captions, tests)."""
        out = [
            self.title,
            f"{self.window} · {self.period}",
            self.filters_line,
            self.counts,
            f"Shown: {self.verification_mix}",
            self.caveat,
        ]
        out += [f"[{sid}] {headline} ({when})" for sid, headline, when in self.sources]
        if self.credits:
            out.append("Datasets: " + credits_line(self.credits))
        out += [self.data_line, self.generated]
        return out


def default_title(state: FilterState) -> str:
    """The period's title; a preset of the data's own (the exodus) is named by its label."""
    if state.period in DEFAULT_TITLES:
        return DEFAULT_TITLES[state.period]
    if state.preset is not None and state.preset.period_id == state.period:
        return f"{state.preset.label}: claims by the parties"
    return DEFAULT_TITLES["all"]


def clean_title(title: str | None, state: FilterState) -> str:
    """A one-line title of bounded length; blank means the period's default title."""
    text = " ".join((title or "").split())[:TITLE_MAX]
    return text or default_title(state)


def verification_mix(shown: pd.DataFrame) -> tuple[tuple[tuple[str, int], ...], str, str]:
    """Counts per verification status (schema order, zeros left out), in words, and the caveat."""
    counts = shown["verification"].value_counts()
    pairs = tuple((v, int(counts[v])) for v in VERIFICATION if counts.get(v, 0))
    words = ", ".join(f"{n} {_VERIFICATION_WORDS[v]}" for v, n in pairs) or "no claims"
    confirmed = int(counts.get("confirmed", 0))
    if confirmed == 0:
        caveat = CAVEAT_LINE
    elif confirmed == len(shown):
        caveat = "All claims shown are marked confirmed in the data."
    else:
        caveat = (
            f"{confirmed} of {len(shown)} claims are marked confirmed; all others are as reported"
            " by the parties and have not been independently verified."
        )
    return pairs, words, caveat


def _source_ids(shown: pd.DataFrame) -> list[str]:
    ids = shown["source_ids"].unique()  # few distinct lists among many claims
    return sorted({s for value in ids for s in split_list(value, "source_ids")})


def _count_by(series: pd.Series) -> tuple[tuple[str, int], ...]:
    counts = series.value_counts()
    return tuple(
        (str(k), int(v)) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def _data_words(data: Dataset) -> str:
    """What the loaded data is: the article claims, and the imported datasets beside them."""
    events = data.events
    articles = int((events["dataset"] == ARTICLES_DATASET).sum())
    n_sources = sum(dataset_of(sid) == ARTICLES_DATASET for sid in data.sources["source_id"])
    words = f"Karabakh Conflict Map dataset ({articles} claims from {n_sources} articles)"
    imported = len(events) - articles
    if imported:
        others = len(data.datasets) - 1
        words += f" and {imported:,} claims from {others} imported dataset(s)"
    return words


def briefing_text(
    data: Dataset,
    state: FilterState,
    title: str | None = None,
    generated: datetime | None = None,
    shown: pd.DataFrame | None = None,
) -> BriefingText:
    """The frame's text for ``state`` over ``data`` (``shown`` = the filtered claims, if known)."""
    events = data.events
    shown = apply_filters(events, state) if shown is None else shown
    start, end = window(state, events)
    sources: dict[str, dict[str, Any]] = {r["source_id"]: r for r in records(data.sources)}
    names = {sid: f"[{sid}] {row['headline']}" for sid, row in sources.items()}
    place_names = dict(zip(data.places["place_id"], data.places["name"], strict=True))
    filters = tuple(describe(state, events, names, dataset_names(data.datasets), place_names)[1:])

    located = shown[shown["place_id"] != ""]
    outside = tuple(outside_theatre(shown, data.places))
    n_outside = sum(n for _, n in outside)
    unlocated = len(shown) - len(located)
    counts = f"{len(shown)} of {len(events)} claims shown: {len(located) - n_outside} on this map"
    if n_outside:
        counts += (
            f", {n_outside} located outside it ("
            + ", ".join(f"{name} {n}" for name, n in outside)
            + ")"
        )
    if unlocated:
        counts += f", {unlocated} with no place"
    pairs, mix, caveat = verification_mix(shown)

    source_rows = []
    for sid in _source_ids(shown):
        if sid not in sources:
            source_rows.append((sid, "unknown source", ""))
            continue
        row = sources[sid]
        when = pd.Timestamp(row["published"]).strftime("%d %b %Y")
        outlet = f"{row['outlet']}, " if row["outlet"] else ""
        source_rows.append((sid, str(row["headline"]), outlet + when))

    generated = generated or datetime.now(UTC)
    return BriefingText(
        title=clean_title(title, state),
        window=f"{start:%d %b %Y} – {end:%d %b %Y}",
        period=f"Period: {period_label(state)}",
        filters=filters,
        counts=counts,
        verification=pairs,
        verification_mix=mix,
        caveat=caveat,
        sources=tuple(source_rows),
        credits=tuple(dataset_credits(data.datasets, shown)),
        sides=_count_by(shown["claimant_side"]),
        types=_count_by(shown["event_type"]),
        outside=outside,
        data_line=f"Data version {data.version} · {_data_words(data)}",
        generated=f"Generated {generated.astimezone(UTC):%d %b %Y, %H:%M} UTC",
    )


def frame_bounds(shown: pd.DataFrame, places: pd.DataFrame) -> list[list[float]]:
    """South-west and north-east corners around the shown claims that lie in the theatre.

    Claims on a route count with the whole route; the box is never smaller than
    ``MIN_HALF_*`` either side of its centre. With no such claim: the whole theatre.
    """
    by_id = places.set_index("place_id")
    points: list[list[float]] = []
    for pid in sorted(set(shown["place_id"]) - {""}):
        if pid not in by_id.index or not by_id.at[pid, "in_theatre"]:
            continue
        row = by_id.loc[pid]
        if row["waypoints"]:
            points += route_coordinates(row, by_id)
        else:
            points.append([float(row["lat"]), float(row["lon"])])
    if not points:
        return theatre_bounds(places)
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    c_lat, c_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    half_lat = max((max(lats) - min(lats)) / 2 * 1.12, MIN_HALF_LAT)
    half_lon = max((max(lons) - min(lons)) / 2 * 1.12, MIN_HALF_LON)
    return [
        [round(c_lat - half_lat, 4), round(c_lon - half_lon, 4)],
        [round(c_lat + half_lat, 4), round(c_lon + half_lon, 4)],
    ]


def frame_basemap(basemap: str) -> str:
    """The basemap the frame draws for the sidebar's ``basemap``: the offline vector basemap
    unless tiles other than the map's default are chosen (``FRAME_TILES``) or none at all. The
    default light tiles make the interactive map richer online, but a briefing picture must
    not change with the network it was exported on; tiles that fail fall back to it too."""
    if basemap in FRAME_TILES or basemap == "none":
        return basemap
    return OFFLINE


def briefing_map(
    data: Dataset, shown: pd.DataFrame, basemap: str = DEFAULT_BASEMAP
) -> tuple[folium.Map, LayerStats]:
    """The dashboard's map with the shown claims, framed on them, labelled for a still image
    (and what its claims layer holds)."""
    basemap = frame_basemap(basemap if basemap in BASEMAPS else DEFAULT_BASEMAP)
    m = base_map(  # the frame names places itself, in its own larger type
        data.places, data.events, basemap, labels=False
    )
    m.options.update(zoom_snap=0.25, zoom_animation=False, fade_animation=False)
    # Frame before the claims arrive, so the cluster layer starts at its final zoom.
    m.fit_bounds(frame_bounds(shown, data.places), padding=(28, 28))
    names = dict(zip(data.sources["source_id"], data.sources["headline"], strict=True))
    sizes = {str(k): n for k, n in data.events["incident_id"].value_counts().items()}
    layer, stats = claims_layer(shown, data.places, names, sizes)
    layer.add_to(m)
    located = shown[shown["place_id"] != ""]
    colours = {
        str(eid): side_colour(side)
        for eid, side in zip(located["event_id"], located["claimant_side"], strict=True)
    }
    config: BriefingConfig = {
        "expected": stats.markers,
        "colours": colours,
        "labels": label_specs(data.places, shown, countries=basemap != OFFLINE),
        "tileWaitMs": TILE_WAIT_MS if basemap in FRAME_TILES else 0,
    }
    BriefingScript(config).add_to(m)
    return m, stats


#: The frame's stylesheet (``static/kcm/briefing-frame.css``), read for tests and checks.
FRAME_CSS = own_file("briefing-frame.css")
FRAME_ID = "kcm-briefing-frame"
#: The panel's font size, and the smallest it may shrink to when a long source list overflows.
PANEL_PX, PANEL_MIN_PX = 17, 14

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    finalize=lambda value: value if isinstance(value, Markup) else Markup(esc(value)),
    undefined=jinja2.StrictUndefined,
)
# The project's escaping (also ``$``, backticks, backslashes) for every value the template
# prints; ``tojson`` as strict as the map's glue.
_TEMPLATES.policies["json.dumps_function"] = strict_dumps
_TEMPLATES.policies["json.dumps_kwargs"] = {}


class LegendItem(TypedDict):
    svg: Markup
    name: str
    n: int


class LegendRoute(TypedDict):
    style: str
    name: str


class FrameLegend(TypedDict):
    """What the panel's legend shows: the sides and types present, routes, cluster ring."""

    sides: list[LegendItem]
    types: list[LegendItem]
    routes: list[LegendRoute]
    route_colour: str
    ring: str
    #: The claims layer's mode: "groups"/"aggregates" add the count badge / grid ring lines.
    marks: str
    group_words: str
    ring_words: str
    #: Region-level claims shown (drawn as the region's badge and outline); 0 = no line.
    regions: int
    region_words: str


def frame_legend(
    text: BriefingText, data: Dataset, marks: str = "claims", regions: int = 0
) -> FrameLegend:
    """The legend of what the frame shows (sides and types with their counts, and the large
    views' count badge and grid ring when ``marks``, the layer's mode, uses them)."""
    colours = [side_colour(side) for side, _ in text.sides] or ["#999999"]
    step = 100 / len(colours)
    stops = ",".join(f"{c} {i * step:.1f}% {(i + 1) * step:.1f}%" for i, c in enumerate(colours))
    routes = data.places[data.places["waypoints"] != ""]
    return {
        "sides": [
            {"svg": Markup(marker_svg("circle", side_colour(side), 20)), "name": side, "n": n}
            for side, n in text.sides
        ],
        "types": [
            {
                "svg": Markup(marker_svg(TYPE_SHAPES.get(etype, "circle"), "#666666", 20)),
                "name": etype,
                "n": n,
            }
            for etype, n in text.types
        ],
        "routes": [
            {"style": "dashed" if r.kind == "road" else "solid", "name": str(r.name)}
            for r in routes.itertuples()
        ],
        "route_colour": ROUTE_COLOUR,
        "ring": f"conic-gradient({stops})",
        "marks": marks,
        "group_words": GROUP_WORDS,
        "ring_words": RING_WORDS,
        "regions": regions,
        "region_words": REGION_WORDS,
    }


def frame_page(
    text: BriefingText, data: Dataset, m: folium.Map, marks: str = "claims", regions: int = 0
) -> str:
    """The frame document around the rendered parts of ``m`` (assets not yet inlined);
    ``marks``: the claims layer's mode, ``regions``: its region-level claims, for the legend."""
    root = m.get_root()
    assert isinstance(root, Figure), "a folium map's root is its Figure"
    # What Figure.render does before its own template: every element puts its links and
    # code into the figure's parts. The parts are then rendered once, here, rather than
    # once inside the figure's whole page (thrown away) and again for this template.
    for child in root._children.values():
        child.render()
    return _TEMPLATES.get_template("frame.html").render(
        text=text,
        legend=frame_legend(text, data, marks, regions),
        aria_label=" · ".join(text.lines()[:3]),
        outside_line=", ".join(f"{name} {n}" for name, n in text.outside),
        frame_id=FRAME_ID,
        width=FRAME_W,
        height=FRAME_H,
        panel_px=PANEL_PX,
        min_px=PANEL_MIN_PX,
        folium_header=Markup(root.header.render()),
        folium_html=Markup(root.html.render()),
        folium_script=Markup(root.script.render()),
    )


@dataclass(frozen=True)
class Briefing:
    """A rendered frame: the HTML document, its text, and how many markers the map holds.

    ``assets_missing`` names the map assets that are not fetched locally (so the document
    loads them from CDNs and needs internet to draw the map), or is ``None``.
    """

    html: str
    text: BriefingText
    markers: int
    shown: pd.DataFrame
    assets_missing: str | None = None


def build_briefing(
    data: Dataset,
    state: FilterState,
    title: str | None = None,
    basemap: str = DEFAULT_BASEMAP,
    generated: datetime | None = None,
) -> Briefing:
    """The frame for ``state`` as one standalone HTML document (assets inlined where fetched)."""
    shown = apply_filters(data.events, state)
    text = briefing_text(data, state, title, generated, shown)
    m, stats = briefing_map(data, shown, basemap)
    missing = localize_map(m).cdn_message()
    regions = region_claim_count(shown, data.places)
    page = inline_assets(frame_page(text, data, m, stats.mode, regions))
    markers = stats.markers
    return Briefing(html=page, text=text, markers=markers, shown=shown, assets_missing=missing)
