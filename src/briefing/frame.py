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
internet; only the basemap tiles need the network, and the map reads without them.

Everything here is pure (no Streamlit): the text is a :class:`BriefingText` the tests read,
and every data value reaches the HTML through :func:`src.safe_html.esc` or ``js_json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import folium
import pandas as pd
from branca.element import Element

from src.assets.localize import inline_html, localize_map
from src.briefing.mapscript import BriefingScript, label_specs
from src.dataset import Dataset
from src.filters import PERIOD_LABELS, FilterState, apply_filters, describe, window
from src.labels import PERIOD_TITLES, VERIFICATION_LABELS
from src.mapview.build import (
    BASEMAPS,
    base_map,
    claims_layer,
    outside_theatre,
    route_coordinates,
    theatre_bounds,
)
from src.palette import ROUTE_COLOUR, TYPE_SHAPES, marker_svg, side_colour
from src.safe_html import esc
from src.schema import VERIFICATION, split_list

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
#: How long the PNG waits for basemap tiles before shooting without them.
TILE_WAIT_MS = 6000

_VERIFICATION_WORDS = {k: v.lower() for k, v in VERIFICATION_LABELS.items()}
_MAP_DIV = re.compile(r'<div class="folium-map" id="(?P<id>map_[0-9a-f]+)" ></div>')


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
    sides: tuple[tuple[str, int], ...]
    types: tuple[tuple[str, int], ...]
    outside: tuple[tuple[str, int], ...]
    data_line: str
    generated: str

    @property
    def filters_line(self) -> str:
        if not self.filters:
            return "Filters: none (all sources, claimant sides, claimants, actors, event types)"
        return "Filters: " + "; ".join(self.filters)

    def export_meta(self, data_version: str) -> dict:
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
        out += [self.data_line, self.generated]
        return out


def default_title(state: FilterState) -> str:
    return DEFAULT_TITLES.get(state.period, DEFAULT_TITLES["all"])


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
    return sorted({s for ids in shown["source_ids"] for s in split_list(ids, "source_ids")})


def _count_by(series: pd.Series) -> tuple[tuple[str, int], ...]:
    counts = series.value_counts()
    return tuple(
        (str(k), int(v)) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )


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
    sources = data.sources.set_index("source_id")
    names = {sid: f"[{sid}] {sources.at[sid, 'headline']}" for sid in sources.index}
    filters = tuple(describe(state, events, names)[1:])

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
        if sid not in sources.index:
            source_rows.append((sid, "unknown source", ""))
            continue
        row = sources.loc[sid]
        when = pd.Timestamp(row["published"]).strftime("%d %b %Y")
        outlet = f"{row['outlet']}, " if row["outlet"] else ""
        source_rows.append((sid, str(row["headline"]), outlet + when))

    generated = generated or datetime.now(UTC)
    return BriefingText(
        title=clean_title(title, state),
        window=f"{start:%d %b %Y} – {end:%d %b %Y}",
        period=f"Period: {PERIOD_LABELS.get(state.period, state.period)}",
        filters=filters,
        counts=counts,
        verification=pairs,
        verification_mix=mix,
        caveat=caveat,
        sources=tuple(source_rows),
        sides=_count_by(shown["claimant_side"]),
        types=_count_by(shown["event_type"]),
        outside=outside,
        data_line=(
            f"Data version {data.version} · Karabakh Conflict Map dataset "
            f"({len(events)} claims from {len(data.sources)} articles)"
        ),
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


def briefing_map(
    data: Dataset, shown: pd.DataFrame, basemap: str = DEFAULT_BASEMAP
) -> tuple[folium.Map, int]:
    """The dashboard's map with the shown claims, framed on them, labelled for a still image."""
    m = base_map(  # the frame names places itself, in its own larger type
        data.places,
        data.events,
        basemap if basemap in BASEMAPS else DEFAULT_BASEMAP,
        labels=False,
    )
    m.options.update(zoom_snap=0.25, zoom_animation=False, fade_animation=False)
    # Frame before the claims arrive, so the cluster layer starts at its final zoom.
    m.fit_bounds(frame_bounds(shown, data.places), padding=(28, 28))
    names = dict(zip(data.sources["source_id"], data.sources["headline"], strict=True))
    sizes = data.events["incident_id"].value_counts().to_dict()
    layer, stats = claims_layer(shown, data.places, names, sizes)
    layer.add_to(m)
    located = shown[shown["place_id"] != ""]
    colours = {
        str(r.event_id): side_colour(r.claimant_side) for r in located.itertuples(index=False)
    }
    BriefingScript(
        {
            "expected": stats.markers,
            "colours": colours,
            "labels": label_specs(data.places, shown),
            "tileWaitMs": TILE_WAIT_MS if basemap != "none" else 0,
        }
    ).add_to(m)
    return m, stats.markers


FRAME_CSS = """
html, body { margin: 0; padding: 0; width: 100%; height: 100%; overflow: hidden;
  background: #5b6470; }
.kcm-bf { position: absolute; left: 0; top: 0; width: 1920px; height: 1080px;
  transform-origin: 0 0; display: flex; flex-direction: column; background: #ffffff;
  color: #1d2329; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  line-height: 1.3; overflow: hidden; box-sizing: border-box; }
.kcm-bf * { box-sizing: border-box; }
.kcm-bf-head { flex: 0 0 auto; padding: 20px 34px 16px; background: #1f2a36; color: #fff;
  border-bottom: 6px solid #c9a227; }
.kcm-bf-title { font-size: 40px; font-weight: bold; margin: 0 0 8px; line-height: 1.15; }
.kcm-bf-window { font-size: 25px; margin: 0 0 6px; }
.kcm-bf-window b { color: #ffd866; }
.kcm-bf-filters, .kcm-bf-counts { font-size: 21px; margin: 0; color: #e6ebf0; }
.kcm-bf-body { flex: 1 1 auto; display: flex; min-height: 0; }
.kcm-bf-map { flex: 1 1 auto; position: relative; min-width: 0; border-right: 1px solid #ccd; }
.kcm-bf-panel { flex: 0 0 600px; padding: 16px 24px 12px; font-size: 17px; overflow: hidden;
  display: flex; flex-direction: column; gap: 10px; background: #f7f8fa; }
.kcm-bf-panel h2 { font-size: max(14px, 1.08em); margin: 0 0 5px; font-weight: bold; color: #1f2a36;
  text-transform: uppercase; letter-spacing: 0.03em; line-height: 1.2; }
.kcm-bf-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 3px 14px; }
.kcm-bf-item { display: flex; align-items: center; gap: 7px; line-height: 1.2; }
.kcm-bf-item svg { flex: 0 0 auto; }
.kcm-bf-item .n { color: #555; }
.kcm-bf-line { display: inline-block; width: 30px; flex: 0 0 auto; }
.kcm-bf-halo { display: inline-block; width: 18px; height: 18px; border-radius: 50%;
  border: 1.5px dashed #555; background: rgba(85, 85, 85, 0.08); flex: 0 0 auto; }
.kcm-bf-ring { display: inline-block; width: 22px; height: 22px; border-radius: 50%;
  flex: 0 0 auto; box-shadow: 0 0 0 1px #fff, 0 1px 3px rgba(0, 0, 0, 0.5); }
.kcm-bf-caveat { border-left: 6px solid #b3261e; background: #fdecea; padding: 8px 12px;
  font-size: max(14px, 1em); }
.kcm-bf-caveat p { margin: 0; }
.kcm-bf-caveat .mix { font-weight: bold; margin-bottom: 3px; }
.kcm-bf-sources ol { margin: 0; padding-left: 0; list-style: none; }
.kcm-bf-sources li { margin: 0 0 4px; line-height: 1.22; }
.kcm-bf-sources .sid { font-weight: bold; }
.kcm-bf-sources .when { color: #555; font-size: max(14px, 0.9em); }
.kcm-bf-outside { font-size: max(14px, 0.94em); color: #333; }
.kcm-bf-foot { margin-top: auto; font-size: max(14px, 0.88em); color: #333;
  border-top: 1px solid #ccd; padding-top: 6px; }
.kcm-bf-foot p { margin: 0; }
.kcm-bf .leaflet-control-zoom, .kcm-bf .leaflet-control-fullscreen,
.kcm-bf .leaflet-control-layers, .kcm-bf .kcm-legend { display: none !important; }
.kcm-bf .leaflet-control-attribution { font-size: 14px; }
.kcm-bf .leaflet-control-scale-line { font-size: 14px; }
.kcm-bf .leaflet-container { background: #e9edf1; }
.kcm-bf .kcm-marker svg { transform: scale(1.35); transform-origin: 50% 50%; }
.kcm-label-icon { background: none; border: none; }
.kcm-label { position: absolute; left: 9px; top: -10px; white-space: nowrap; font-size: 16px;
  color: #20262c; font-weight: normal;
  text-shadow: -2px 0 #fff, 2px 0 #fff, 0 -2px #fff, 0 2px #fff, 0 0 4px #fff; }
.kcm-label-claims { font-weight: bold; }
.kcm-label-region { font-size: 20px; font-style: italic; color: #4a4f55; font-weight: normal; }
.kcm-bf-cluster { background: none; border: none; }
.kcm-ring { border-radius: 50%; display: flex; align-items: center; justify-content: center;
  box-shadow: 0 0 0 2px #fff, 0 1px 5px rgba(0, 0, 0, 0.55); }
.kcm-ring span { background: #fff; border-radius: 50%; width: 62%; height: 62%;
  display: flex; align-items: center; justify-content: center; font: bold 16px "DejaVu Sans",
  Arial, sans-serif; color: #111; }
"""

#: Scales the 1920×1080 frame to the window (in-app iframe, a downloaded file in a browser)
#: and shrinks the panel's font, never below 14 px, if a long source list would overflow.
FIT_JS = """
<script>
(function () {
  var f = document.getElementById("kcm-briefing-frame");
  function fit() {
    var s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    if (!isFinite(s) || s <= 0) s = 1;
    f.style.transform = Math.abs(s - 1) < 0.001 ? "" : "scale(" + s + ")";
    f.style.left = Math.max(0, (window.innerWidth - 1920 * s) / 2) + "px";
  }
  function fitHost() {
    try {
      var host = window.frameElement;  // embedded in the dashboard: take 16:9 of its width
      if (!host) return;
      var want = Math.round(host.clientWidth * 1080 / 1920);
      if (want > 0 && Math.abs(host.clientHeight - want) > 2) host.style.height = want + "px";
    } catch (e) { /* a cross-origin host keeps the height it gave */ }
  }
  function shrink(el, px, min) {
    while (el.scrollHeight > el.clientHeight + 1 && px > min) {
      px -= 0.5;
      el.style.fontSize = px + "px";
    }
    if (el.scrollHeight > el.clientHeight + 1) el.setAttribute("data-overflow", "1");
  }
  shrink(document.querySelector(".kcm-bf-panel"), 17, 14);
  fitHost();
  fit();
  window.addEventListener("resize", function () { fitHost(); fit(); });
})();
</script>
"""


def _legend_html(text: BriefingText, data: Dataset) -> str:
    sides = "".join(
        f"<div class='kcm-bf-item'>{marker_svg('circle', side_colour(side), 20)}"
        f"<span>{esc(side)} <span class='n'>({n})</span></span></div>"
        for side, n in text.sides
    )
    types = "".join(
        f"<div class='kcm-bf-item'>{marker_svg(TYPE_SHAPES.get(etype, 'circle'), '#666666', 20)}"
        f"<span>{esc(etype)} <span class='n'>({n})</span></span></div>"
        for etype, n in text.types
    )
    colours = [side_colour(side) for side, _ in text.sides] or ["#999999"]
    step = 100 / len(colours)
    ring = (
        "conic-gradient("
        + ",".join(f"{c} {i * step:.1f}% {(i + 1) * step:.1f}%" for i, c in enumerate(colours))
        + ")"
    )
    routes = data.places[data.places["waypoints"] != ""]
    lines = "".join(
        f"<div class='kcm-bf-item'><span class='kcm-bf-line' style='border-top:5px "
        f"{'dashed' if r.kind == 'road' else 'solid'} {ROUTE_COLOUR}'></span>"
        f"<span>{esc(r.name)}</span></div>"
        for r in routes.itertuples()
    )
    extra = (
        "<div class='kcm-bf-item'><span class='kcm-bf-halo'></span>"
        "<span>approximate location</span></div>"
        f"<div class='kcm-bf-item'><span class='kcm-bf-ring' style='background:{ring}'></span>"
        "<span>several claims at one place (ring = their sides)</span></div>"
    )
    if not text.sides:
        return "<section><h2>Legend</h2><p>No claims match these filters.</p></section>"
    return (
        "<section><h2>Claimant side (colour)</h2>"
        f"<div class='kcm-bf-grid'>{sides}</div></section>"
        "<section><h2>Event type (shape)</h2>"
        f"<div class='kcm-bf-grid'>{types}</div></section>"
        f"<section><div class='kcm-bf-grid'>{lines}{extra}</div></section>"
    )


def frame_markup(text: BriefingText, data: Dataset, map_div: str) -> str:
    """The frame's HTML around ``map_div`` (the folium map's own div)."""
    filters = esc(text.filters_line)
    sources = "".join(
        f"<li><span class='sid'>[{esc(sid)}]</span> {esc(headline)} "
        f"<span class='when'>({esc(when)})</span></li>"
        for sid, headline, when in text.sources
    )
    outside = ""
    if text.outside:
        outside = (
            "<p class='kcm-bf-outside'>Not on this map (located elsewhere): "
            + esc(", ".join(f"{name} {n}" for name, n in text.outside))
            + "</p>"
        )
    return (
        "<div class='kcm-bf' id='kcm-briefing-frame' role='figure' "
        f"aria-label='{esc(' · '.join(text.lines()[:3]))}'>"
        "<header class='kcm-bf-head'>"
        f"<div class='kcm-bf-title'>{esc(text.title)}</div>"
        f"<p class='kcm-bf-window'><b>{esc(text.window)}</b> · {esc(text.period)}</p>"
        f"<p class='kcm-bf-filters'>{filters}</p>"
        f"<p class='kcm-bf-counts'>{esc(text.counts)}</p>"
        "</header><div class='kcm-bf-body'>"
        f"<div class='kcm-bf-map'>{map_div}</div>"
        "<aside class='kcm-bf-panel'>"
        f"<div class='kcm-bf-caveat'><p class='mix'>Shown: {esc(text.verification_mix)}</p>"
        f"<p>{esc(text.caveat)}</p></div>"
        f"{_legend_html(text, data)}{outside}"
        f"<section class='kcm-bf-sources'><h2>Sources ({len(text.sources)})</h2>"
        f"<ol>{sources or '<li>none</li>'}</ol></section>"
        f"<div class='kcm-bf-foot'><p>{esc(text.data_line)}</p><p>{esc(text.generated)}</p>"
        "<p>Each marker is one claim: who claims it (colour), what kind (shape).</p></div>"
        "</aside></div></div>" + FIT_JS
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
    m, markers = briefing_map(data, shown, basemap)
    m.get_root().header.add_child(Element(f"<title>{esc(text.title)}</title>"))
    m.get_root().header.add_child(Element(f"<style>{FRAME_CSS}</style>"))
    missing = localize_map(m).cdn_message()
    page = inline_html(m)
    found = list(_MAP_DIV.finditer(page))
    if len(found) != 1:
        raise RuntimeError(f"expected one folium map div in the page, found {len(found)}")
    div = found[0]
    page = page[: div.start()] + frame_markup(text, data, div.group(0)) + page[div.end() :]
    return Briefing(html=page, text=text, markers=markers, shown=shown, assets_missing=missing)


def briefing_html(
    data: Dataset,
    state: FilterState,
    title: str | None = None,
    basemap: str = DEFAULT_BASEMAP,
    generated: datetime | None = None,
) -> str:
    return build_briefing(data, state, title, basemap, generated).html
