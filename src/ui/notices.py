"""The page notices every page shares, with icons from Streamlit's own Material Symbols font.

Emoji icons come from the viewer's system fonts, and an offline briefing-room machine or a
headless Chromium without an emoji font draws them as empty boxes; the Material font ships with
Streamlit, so these icons draw everywhere.
"""

from __future__ import annotations

import streamlit as st

INFO = ":material/info:"
EMPTY = ":material/search_off:"
WARNING = ":material/warning:"
IMAGE = ":material/hide_image:"
WIDEN = "Widen the date range or clear a filter"


def no_claims(consequence: str = "") -> None:
    """The empty-view notice: no claim passes the filters (``consequence``: what the page
    still shows, e.g. "the map still shows places and routes")."""
    if consequence:
        st.info(f"No claims match these filters: {consequence}. {WIDEN}.", icon=EMPTY)
    else:
        st.info(f"No claims match these filters. {WIDEN}.", icon=EMPTY)
