"""The briefing map's own script: cluster rings, place names, and the "ready" signal.

A still image has no tooltips, no popups and (offline) no basemap, so the frame writes the
place names on the map itself and draws a cluster as a ring of claimant-side colours with the
number of claims, instead of MarkerCluster's traffic-light bubbles that say nothing about who
claims what.
"""

from __future__ import annotations

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from src.safe_html import esc, js_json

_LABEL_ORDER = {"capital": 0, "city": 1, "town": 2, "village": 3, "crossing": 4}


class BriefingScript(MacroElement):
    """Cluster rings, place names and ``window.kcmBriefing.ready`` for one map.

    Place names are placed in the browser, where their size is known: each tries a few
    positions around its point and takes the first that covers no marker, cluster, place or
    earlier name (names of places with claims go first; they and the theatre's cities are
    always shown, the others only where they fit). They are
    placed again after every pan or zoom of the interactive map.

    ``ready`` turns true once the claims layer holds every marker, the cluster animation has
    ended, the names are placed and the basemap tiles have loaded or ``tileWaitMs`` has
    passed; the PNG renderer waits for it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var cfg = {{ this.config }};
            var st = window.kcmBriefing = {ready: false, markers: 0, tilesTimedOut: false,
                                           map: map, labelsShown: 0, labelsHidden: []};
            var pane = map.createPane("kcmLabels");
            pane.style.zIndex = 450;
            pane.style.pointerEvents = "none";
            var labels = cfg.labels.map(function (p) {
                var icon = L.divIcon({html: "<span class='" + p.css + "'>" + p.html + "</span>",
                    className: "kcm-label-icon", iconSize: [0, 0], iconAnchor: [0, 0]});
                var m = L.marker([p.lat, p.lon], {icon: icon, pane: "kcmLabels",
                    interactive: false, keyboard: false});
                m.kcmLabel = p;
                return m.addTo(map);
            });
            function ring(cluster) {
                var ms = cluster.getAllChildMarkers(), n = ms.length, by = {}, order = [];
                ms.forEach(function (m) {
                    var c = cfg.colours[m.kcmId] || "#999999";
                    if (!(c in by)) { by[c] = 0; order.push(c); }
                    by[c] += 1;
                });
                order.sort();
                var at = 0, stops = [];
                order.forEach(function (c) {
                    var to = at + 100 * by[c] / n;
                    stops.push(c + " " + at.toFixed(2) + "% " + to.toFixed(2) + "%");
                    at = to;
                });
                var size = n < 10 ? 44 : 52;
                return L.divIcon({
                    html: "<div class='kcm-ring' style='width:" + size + "px;height:" + size +
                        "px;background:conic-gradient(" + stops.join(",") + ")'><span>" + n +
                        "</span></div>",
                    className: "kcm-bf-cluster", iconSize: [size, size]
                });
            }
            function box(x, y, w, h) { return {x: x, y: y, w: w, h: h}; }
            function hits(a, b) {
                return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            }
            function obstacles() {
                var out = [], k = window.kcm || {};
                if (k.claims) k.claims._featureGroup.eachLayer(function (l) {
                    if (!l._icon) return;
                    var p = map.latLngToContainerPoint(l.getLatLng());
                    var s = l instanceof L.MarkerCluster ? 50 : 28;
                    out.push(box(p.x - s / 2, p.y - s / 2, s, s));
                });
                if (k.places) k.places.eachLayer(function (l) {
                    var p = map.latLngToContainerPoint(l.getLatLng());
                    out.push(box(p.x - 5, p.y - 5, 10, 10));
                });
                return out;
            }
            function placeLabels() {
                var taken = obstacles(), size = map.getSize(), hidden = [], shown = 0;
                labels.forEach(function (m) {
                    var span = m._icon && m._icon.firstChild;
                    if (!span) return;
                    var p = map.latLngToContainerPoint(m.getLatLng());
                    var w = span.offsetWidth, h = span.offsetHeight, g = m.kcmLabel.claims ? 15 : 9;
                    var spots = m.kcmLabel.area
                        ? [[-w / 2, 32], [-w / 2, -h - 32], [36, -h / 2], [-w - 36, -h / 2]]
                        : [[g, -h / 2], [-w - g, -h / 2], [-w / 2, g - 1], [-w / 2, -h - g + 1],
                           [g - 2, -h - 3], [g - 2, 3], [-w - g + 2, 3], [-w - g + 2, -h - 3],
                           [g + 16, -h / 2], [-w - g - 16, -h / 2], [g + 6, 10], [-w - g - 6, 10],
                           [g + 6, -h - 10], [-w - g - 6, -h - 10]];
                    var pick = null;
                    for (var i = 0; i < spots.length && pick === null; i++) {
                        var b = box(p.x + spots[i][0], p.y + spots[i][1], w, h);
                        var inside = b.x >= 0 && b.y >= 0 && b.x + w <= size.x && b.y + h <= size.y;
                        if (inside && !taken.some(function (t) { return hits(b, t); })) pick = i;
                    }
                    if (pick === null && m.kcmLabel.always) pick = 0;
                    if (pick === null) {
                        span.style.visibility = "hidden";
                        hidden.push(m.kcmLabel.name);
                        return;
                    }
                    span.style.visibility = "visible";
                    span.style.left = spots[pick][0] + "px";
                    span.style.top = spots[pick][1] + "px";
                    taken.push(box(p.x + spots[pick][0], p.y + spots[pick][1], w, h));
                    shown += 1;
                });
                st.labelsShown = shown;
                st.labelsHidden = hidden;
            }
            function settled(then) {
                var t0 = Date.now(), k = window.kcm || {};
                (function poll() {
                    var busy = k.claims && (k.claims._inZoomAnimation > 0 ||
                        L.DomUtil.hasClass(map.getPane("mapPane"), "leaflet-cluster-anim"));
                    if (busy && Date.now() - t0 < 5000) return setTimeout(poll, 50);
                    requestAnimationFrame(function () { requestAnimationFrame(then); });
                })();
            }
            function whenTiles(then) {
                var t0 = Date.now();
                (function poll() {
                    var busy = false;
                    map.eachLayer(function (l) {
                        if (l instanceof L.GridLayer && l.isLoading && l.isLoading()) busy = true;
                    });
                    if (!busy) return then();
                    if (Date.now() - t0 > cfg.tileWaitMs) {
                        st.tilesTimedOut = true;
                        return then();
                    }
                    setTimeout(poll, 100);
                })();
            }
            var t0 = Date.now();
            (function waitMarkers() {
                var k = window.kcm || {};
                var n = k.claims ? k.claims.getLayers().length : -1;
                if (n < cfg.expected && Date.now() - t0 < 15000) return setTimeout(waitMarkers, 50);
                st.markers = n;
                if (k.claims) {
                    k.claims.options.iconCreateFunction = ring;
                    k.claims.refreshClusters();
                }
                settled(function () {
                    placeLabels();
                    map.on("moveend", function () { settled(placeLabels); });
                    whenTiles(function () {
                        settled(function () {
                            st.ready = true;
                            document.documentElement.setAttribute("data-kcm-ready", "1");
                        });
                    });
                });
            })();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, config: dict) -> None:
        super().__init__()
        self._name = "BriefingScript"
        self.config = js_json(config)


def label_specs(places: pd.DataFrame, shown: pd.DataFrame) -> list[dict]:
    """Place names for the map, most important first: places with shown claims (most claims
    first), then by kind (capital, city, town ...); regions and countries last."""
    counts = shown["place_id"].value_counts()
    ranked = []
    for place in places[places["waypoints"] == ""].itertuples():
        n = int(counts.get(place.place_id, 0))
        area = place.kind in ("region", "country")
        css = "kcm-label"
        css += " kcm-label-region" if area else ""
        css += " kcm-label-claims" if n and not area else ""
        rank = (
            0 if n and not area else 1,
            0 if place.in_theatre else 1,
            -n,
            9 if area else _LABEL_ORDER.get(place.kind, 5),
        )
        spec = {
            "name": str(place.name),
            "html": esc(place.name),
            "lat": round(float(place.lat), 5),
            "lon": round(float(place.lon), 5),
            "css": css,
            "claims": bool(n) and not area,
            "always": (bool(n) and not area)
            or (bool(place.in_theatre) and place.kind in ("city", "capital")),
            "area": area,
        }
        ranked.append((rank, str(place.name), spec))
    return [spec for *_, spec in sorted(ranked, key=lambda r: (r[0], r[1]))]
