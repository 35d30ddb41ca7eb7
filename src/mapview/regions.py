"""Region-level claims: claims that say only "in Nagorno-Karabakh" or "in Armenia".

Such a claim has no point: the gazetteer gives the region a centroid, and a marker there reads
as a claim on the Aghdam road (and merged with Stepanakert's into one cluster). So claims at
a place of an area kind (``region``, ``country``) with ``region`` precision are taken out of
the markers and clusters and drawn as the area itself: a dashed outline for a region (a
country has its borders on the basemap) and a badge with the count, whose popup lists the
claims with date, type, claimant, verification and sources. They stay part of the view:
``kcm.count()`` adds them, the legend explains the badge.

Routes (corridor, road) keep their markers: a claim "on the Lachin corridor" is drawn on
the line the map shows for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from src.assets.localize import OWN_BASE_URL
from src.labels import verification_label
from src.palette import claim_svg
from src.rows import records
from src.safe_html import esc
from src.schema import split_list

REGIONS_JS = ("kcm-regions-js", f"{OWN_BASE_URL}/regions.js")
#: Place kinds whose ``region``-precision claims are drawn as an area, not a point.
AREA_KINDS = ("region", "country")
#: Radius of a region's dashed outline, in metres (Nagorno-Karabakh is about 4,400 km²,
#: a disc of ~37 km); countries draw none, their borders are on the basemap.
AREA_RADIUS_M = {"region": 35000}
#: Claims listed in a region's popup; the rest are counted ("and N more") and are in the
#: table under the map.
POPUP_LIST = 60
#: The columns read (the grouped claims layer's, so both modes can call it).
COLUMNS = (
    "event_id",
    "date_start",
    "claimant",
    "claimant_side",
    "event_type",
    "verification",
    "source_ids",
)


class RegionsPayload(TypedDict):
    """What ``kcm.regionAreas`` draws: per region its point, outline radius (0 = none),
    escaped name and kind, claim count and popup HTML (escaped here); ``total`` their sum."""

    lat: list[float]
    lon: list[float]
    radius: list[int]
    names: list[str]
    kinds: list[str]
    counts: list[int]
    popups: list[str]
    total: int


def area_mask(located: pd.DataFrame, places: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Which rows of ``located`` (with ``place_row``, see ``build.located_claims``) are
    region-level claims."""
    rows = located["place_row"].to_numpy()
    areas = (places["kind"].isin(list(AREA_KINDS)) & (places["precision"] == "region")).to_numpy()
    return np.asarray(areas[rows], dtype=bool) if len(rows) else np.zeros(0, dtype=bool)


def region_claim_count(events: pd.DataFrame, places: pd.DataFrame) -> int:
    """How many of ``events`` are region-level claims (for a legend that shows only what is
    drawn)."""
    areas = places["kind"].isin(list(AREA_KINDS)) & (places["precision"] == "region")
    return int(events["place_id"].isin(places.loc[areas, "place_id"].tolist()).sum())


def _claim_item(row: Mapping[str, object], headlines: Mapping[str, str]) -> str:
    """One claim of a region's popup as an escaped ``<li>``."""
    sources = split_list(str(row.get("source_ids") or ""), "source_ids")
    cited = "; ".join(f"{esc(headlines.get(s, s))} [{esc(s)}]" for s in sources) or "none"
    when = str(row.get("date_start") or "")[:10]
    ver = str(row.get("verification") or "")
    icon = claim_svg(str(row.get("claimant_side") or ""), str(row.get("event_type") or ""), 14)
    return (
        f"<li>{icon} <b>{esc(when)}</b> {esc(row.get('event_type'))} — claimed by "
        f"{esc(row.get('claimant'))} · <span class='kcm-ver kcm-ver-{esc(ver)}'>"
        f"{esc(verification_label(ver))}</span><br><span class='kcm-sources'>Sources: "
        f"{cited}</span></li>"
    )


def _popup(name: str, kind: str, claims: pd.DataFrame, headlines: Mapping[str, str]) -> str:
    """A region's popup: what the badge means, the verification mix, the claims listed."""
    n = len(claims)
    mix = claims["verification"].value_counts()
    mix_text = " · ".join(f"{esc(verification_label(str(v)))} ×{int(c)}" for v, c in mix.items())
    ordered = claims.sort_values(["date_start", "event_id"], kind="stable").head(POPUP_LIST)
    items = "".join(_claim_item(r, headlines) for r in records(ordered))
    more = n - len(ordered)
    rest = (
        f"<div class='kcm-hint'>and {more:,} more: the table under the map lists all</div>"
        if more
        else ""
    )
    return (
        f"<div class='kcm-popup kcm-region-popup'><div class='kcm-title'>{n:,} claim"
        f"{'s' if n != 1 else ''} placed only “in {esc(name)}”</div>"
        f"<div class='kcm-hint'>A {esc(kind)}-level location: not a point on the map; the "
        f"outline shows the area, not where it happened.</div>"
        f"<div class='kcm-region-mix'>Status: {mix_text}</div>"
        f"<ol class='kcm-region-list'>{items}</ol>{rest}</div>"
    )


def regions_payload(
    located: pd.DataFrame, places: pd.DataFrame, headlines: Mapping[str, str]
) -> RegionsPayload:
    """The region badges of ``located``'s region-level claims (rows from ``area_mask``)."""
    out: RegionsPayload = {
        "lat": [],
        "lon": [],
        "radius": [],
        "names": [],
        "kinds": [],
        "counts": [],
        "popups": [],
        "total": len(located),
    }
    if located.empty:
        return out
    for row, claims in located.groupby("place_row", sort=True):
        place = places.iloc[int(str(row))]
        kind = str(place["kind"])
        name = str(place["name"])
        out["lat"].append(round(float(place["lat"]), 5))
        out["lon"].append(round(float(place["lon"]), 5))
        out["radius"].append(AREA_RADIUS_M.get(kind, 0))
        out["names"].append(esc(name))
        out["kinds"].append(esc(kind))
        out["counts"].append(len(claims))
        out["popups"].append(_popup(name, kind, claims, headlines))
    return out
