"""The details panel under the map: the claims behind a clicked group or aggregate marker.

Only the grouped map modes need it (small views carry every claim's popup): the map there
sends counts and breakdowns, and the claims themselves are listed here on demand, a page of
``PAGE_SIZE`` at a time, each with its figures as stated and its sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from src.analysis.text import md
from src.mapview.build import LayerStats
from src.mapview.details import PAGE_SIZE, clicked_claims, details_page, pages

_PAGE_KEY = "map_details_page"
_AT_KEY = "map_details_at"


def clicked_point(returned: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The (lat, lon) streamlit-folium reports for the last clicked marker, if any."""
    clicked = (returned or {}).get("last_object_clicked")
    if not isinstance(clicked, Mapping):
        return None
    try:
        return float(clicked["lat"]), float(clicked["lng"])
    except (KeyError, TypeError, ValueError):
        return None


def details_panel(
    returned: Mapping[str, Any] | None,
    shown: pd.DataFrame,
    places: pd.DataFrame,
    headlines: Mapping[str, str],
    stats: LayerStats,
) -> None:
    """The clicked marker's claims in this view, paginated; a hint until something is clicked."""
    st.subheader("Claims at the clicked marker")
    point = clicked_point(returned)
    if point is None:
        st.caption(
            "Click a marker on the map to list its claims here: date, place, claimant and "
            "side, figures as each claim states them, verification, sources and summary."
        )
        return
    found = clicked_claims(shown, places, point[0], point[1], stats.cell_deg)
    if found.claims.empty:
        st.caption("No claim of this view there: click a claim marker (not a cluster).")
        return
    total = len(found.claims)
    if st.session_state.get(_AT_KEY) != point:  # a new click starts at its first page
        st.session_state[_AT_KEY] = point
        st.session_state[_PAGE_KEY] = 1
    count = pages(total)
    page = 1
    if count > 1:
        page = int(
            st.number_input(
                f"Page (of {count}, {PAGE_SIZE} claims each)",
                min_value=1,
                max_value=count,
                key=_PAGE_KEY,
            )
        )
    st.markdown(
        f"**{total:,} claim{'s' if total != 1 else ''}** at {md(found.where)} "
        f"(all claimant sides and event types there)"
        + (f", page {page} of {count}" if count > 1 else "")
    )
    names = dict(zip(places["place_id"], places["name"], strict=True))
    st.dataframe(
        details_page(found.claims, names, headlines, page),
        hide_index=True,
        width="stretch",
    )
