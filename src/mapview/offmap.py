"""Claims outside the view: badges at the map's edge pointing to where they are.

Nearly half the bundled claims sit in capitals far from the theatre (Yerevan, Baku, Moscow,
Washington); at the regional zoom they are off the map, and a caption under it is easily
missed, and lost in a screenshot. The claims layer therefore carries one row per place
holding shown claims (point, escaped name, count; region badges included), and
``static/kcm/offmap.js`` puts a badge on the edge, in the place's direction, for those out
of the current view (near ones merged), after every pan and zoom. A click on a badge frames
the view and those places together. The briefing frame, the same map, shows them too.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import pandas as pd

from src.assets.localize import OWN_BASE_URL
from src.safe_html import esc

OFFMAP_JS = ("kcm-offmap-js", f"{OWN_BASE_URL}/offmap.js")


#: Most places sent (those with the most claims): an imported dataset may hold tens of
#: thousands of places, and the badges only need the ones that weigh.
OFFMAP_BUDGET = 400
#: Longest place name on a badge; the badge's title has the whole name.
NAME_CHARS = 22


class OffmapPayload(TypedDict):
    """Per place with shown claims: ``[lat, lon]`` (5 decimals), the name for the badge
    (escaped, shortened) and for its title (plain text, set as an attribute), claims."""

    lat: list[float]
    lon: list[float]
    names: list[str]
    titles: list[str]
    counts: list[int]


def short_name(name: str, limit: int = NAME_CHARS) -> str:
    """``name`` cut at a word to at most ``limit`` characters, with an ellipsis if cut."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:- ")
    return (cut or name[: limit - 1]) + "…"


def offmap_payload(place_rows: np.ndarray, places: pd.DataFrame) -> OffmapPayload:
    """The places of ``place_rows`` (each located claim's gazetteer row) with their counts,
    most claims first, at most ``OFFMAP_BUDGET``: one ``bincount``, then a row per place."""
    out: OffmapPayload = {"lat": [], "lon": [], "names": [], "titles": [], "counts": []}
    if not len(place_rows):
        return out
    counts = np.bincount(place_rows.astype(np.int64), minlength=len(places))
    rows = np.flatnonzero(counts)
    rows = rows[np.argsort(-counts[rows], kind="stable")][:OFFMAP_BUDGET]
    out["lat"] = [round(float(v), 5) for v in places["lat"].to_numpy()[rows]]
    out["lon"] = [round(float(v), 5) for v in places["lon"].to_numpy()[rows]]
    names = [str(v) for v in places["name"].to_numpy()[rows]]
    out["names"] = [esc(short_name(v)) for v in names]
    out["titles"] = names
    out["counts"] = [int(c) for c in counts[rows]]
    return out
