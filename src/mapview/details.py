"""Details on demand: the claims behind a clicked group or aggregate marker, one page at a time.

In the grouped modes the map carries counts and breakdowns only; streamlit-folium reports the
clicked marker's position (``kcm.claimsLayer`` makes it the group's own point even when the
cluster spiderfied it), and these pure functions find the view's claims there and lay one page
of them out for a table: every figure as stated, never summed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.labels import date_label, figures_text, verification_label
from src.mapview.groups import KM_PER_DEG_LAT, cell_keys
from src.mapview.popup import sources_label
from src.rows import records

#: Rows per page of the details panel.
PAGE_SIZE = 50
#: A click within this many degrees of a place (about 10 m) is on it: marker positions are
#: rounded to 5 decimals, a gazetteer dot reports its exact coordinates.
CLICK_TOLERANCE_DEG = 1e-4


@dataclass(frozen=True)
class Clicked:
    """The claims at a clicked marker and how to name where they are."""

    claims: pd.DataFrame
    where: str  # plain text: a place name, or the aggregate's grid cell


def clicked_claims(
    shown: pd.DataFrame, places: pd.DataFrame, lat: float, lon: float, cell_deg: float = 0.0
) -> Clicked:
    """The shown claims behind a marker clicked at (``lat``, ``lon``).

    ``cell_deg`` 0 (one marker per place × side × type): the claims at the nearest place
    within ``CLICK_TOLERANCE_DEG`` (every group there: they sit on one point). Otherwise
    (aggregates on a grid of ``cell_deg``): the claims whose place lies in that cell.
    Sorted by date, then id; empty if the click was on nothing of the view.
    """
    located = shown[shown["place_id"] != ""]
    at = places[places["place_id"].isin(located["place_id"].unique())]
    if cell_deg > 0:
        click = cell_keys(pd.Series([lat]), pd.Series([lon]), cell_deg)[0]
        ids = at.loc[cell_keys(at["lat"], at["lon"], cell_deg) == click, "place_id"]
        km = round(cell_deg * KM_PER_DEG_LAT, 1)
        where = f"a ~{km} km grid cell around {lat:.2f}, {lon:.2f} ({len(ids)} places)"
    else:
        dist = np.hypot(at["lat"].to_numpy(float) - lat, at["lon"].to_numpy(float) - lon)
        near = dist <= CLICK_TOLERANCE_DEG
        if near.any():
            near &= dist == dist[near].min()
        ids = at.loc[near, "place_id"]
        where = ", ".join(sorted(at.loc[near, "name"])) or "no place of this view"
    claims = located[located["place_id"].isin(ids)].sort_values(
        ["date_start", "event_id"], kind="stable"
    )
    return Clicked(claims, where)


def details_page(
    claims: pd.DataFrame,
    place_names: Mapping[str, str],
    headlines: Mapping[str, str],
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> pd.DataFrame:
    """Page ``page`` (from 1) of ``claims`` as display columns, plain text (the table escapes)."""
    rows = claims.iloc[(page - 1) * page_size : page * page_size]
    out = [
        {
            "Date": date_label(r),
            "Place": place_names.get(r["place_id"], r["place_id"]),
            "Claimant": r["claimant"],
            "Side": r["claimant_side"],
            "Type": f"{r['event_type']} › {r['sub_event_type']}",
            "Actors": r["actor1"] + (f" → {r['actor2']}" if r["actor2"] else ""),
            "Figures (as claimed)": figures_text(r),
            "Verification": verification_label(r["verification"]),
            "Sources": "; ".join(sources_label(r["source_ids"], headlines)),
            "Summary": r["summary"],
            "Claim": r["event_id"],
        }
        for r in records(rows)
    ]
    return pd.DataFrame(out, columns=list(DETAIL_COLUMNS))


DETAIL_COLUMNS = (
    "Date",
    "Place",
    "Claimant",
    "Side",
    "Type",
    "Actors",
    "Figures (as claimed)",
    "Verification",
    "Sources",
    "Summary",
    "Claim",
)


def pages(total: int, page_size: int = PAGE_SIZE) -> int:
    """How many pages ``total`` rows fill (at least one)."""
    return max(1, -(-total // page_size))
