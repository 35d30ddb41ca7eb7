"""The briefing map's own script: cluster rings, place names, and the "ready" signal.

A still image has no tooltips, no popups and (offline) no basemap, so the frame writes the
place names on the map itself and draws a cluster as a ring of claimant-side colours with the
number of claims, instead of MarkerCluster's traffic-light bubbles that say nothing about who
claims what.
"""

from __future__ import annotations

from typing import TypedDict

import pandas as pd

from src.mapview.frontend import (
    BRIEFING_CSS,
    BRIEFING_JS,
    MAP_CSS,
    MAP_JS,
    GlueTemplate,
    KcmElement,
)
from src.rows import records
from src.safe_html import esc

_LABEL_ORDER = {"capital": 0, "city": 1, "town": 2, "village": 3, "crossing": 4}


class LabelSpec(TypedDict):
    """One place name for ``kcm.briefing``: ``html`` is escaped, ``css`` its classes."""

    name: str
    html: str
    lat: float
    lon: float
    css: str
    claims: bool
    always: bool
    area: bool


class BriefingConfig(TypedDict):
    """What ``kcm.briefing`` needs: markers to wait for, side colour per claim id, names."""

    expected: int
    colours: dict[str, str]
    labels: list[LabelSpec]
    tileWaitMs: int


class BriefingScript(KcmElement):
    """Cluster rings, place names and ``window.kcmBriefing.ready`` for one map.

    Place names are placed in the browser, where their size is known: each tries a few
    positions around its point and takes the first that covers no marker, cluster, place or
    earlier name (names of places with claims go first; they and the theatre's cities may
    then cover a marker's edge, never another name; the others only show where they fit).
    They are placed again after every pan or zoom of the interactive map.

    ``ready`` turns true once the claims layer holds every marker, the cluster animation has
    ended, the names are placed and the basemap tiles have loaded or ``tileWaitMs`` has
    passed; the PNG renderer waits for it. The code is ``static/kcm/briefing.js``.
    """

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.briefing({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )
    default_js = [MAP_JS, BRIEFING_JS]  # noqa: RUF012 - folium's JSCSSMixin attribute
    default_css = [MAP_CSS, BRIEFING_CSS]  # noqa: RUF012 - folium's JSCSSMixin attribute

    def __init__(self, config: BriefingConfig) -> None:
        super().__init__()
        self._name = "BriefingScript"
        self.config = config


def label_specs(
    places: pd.DataFrame, shown: pd.DataFrame, countries: bool = True
) -> list[LabelSpec]:
    """Place names for the map, most important first: places with shown claims (most claims
    first), then by kind (capital, city, town ...); regions and countries last (countries
    left out when ``countries`` is false: the offline basemap names them already)."""
    counts = shown["place_id"].value_counts()
    ranked: list[tuple[tuple[int, int, int, int], str, LabelSpec]] = []
    points = places[places["waypoints"] == ""]
    if not countries:
        points = points[points["kind"] != "country"]
    for place in records(points):
        n = int(counts.get(place["place_id"], 0))
        area = place["kind"] in ("region", "country")
        css = "kcm-label"
        css += " kcm-label-region" if area else ""
        css += " kcm-label-claims" if n and not area else ""
        rank = (
            0 if n and not area else 1,
            0 if place["in_theatre"] else 1,
            -n,
            9 if area else _LABEL_ORDER.get(place["kind"], 5),
        )
        spec: LabelSpec = {
            "name": str(place["name"]),
            "html": esc(place["name"]),
            "lat": round(float(place["lat"]), 5),
            "lon": round(float(place["lon"]), 5),
            "css": css,
            "claims": bool(n) and not area,
            "always": (bool(n) and not area)
            or (bool(place["in_theatre"]) and place["kind"] in ("city", "capital")),
            "area": area,
        }
        ranked.append((rank, str(place["name"]), spec))
    return [spec for *_, spec in sorted(ranked, key=lambda r: (r[0], r[1]))]
