"""The framework's floor for ``bench/bench_browser.py``: a bare Streamlit page holding one empty
``st_folium`` map, so the bench can tell the app's own cost from Streamlit's and
streamlit-folium's. With ``?widget=1`` it also has one sidebar multiselect, the bench's first
change's, and a marker per option picked: the floor of a filter change (a rerun and a redrawn
map), timed like the app's changes.

Run by the bench (``streamlit run bench/floor_app.py``), not by hand. The map's Leaflet files
come from the bench's local file server (``$KCM_BENCH_VENDOR_URL``, the vendored
``static/vendor``): Streamlit only serves ``static/`` next to the main script, which is not
this folder, and the browser is offline.
"""

from __future__ import annotations

import os

import folium
import streamlit as st
from streamlit_folium import st_folium

from src.assets.localize import localize_map

#: Where the bench serves ``static/vendor``.
VENDOR_URL_ENV = "KCM_BENCH_VENDOR_URL"


#: The ``?widget=1`` page's multiselect: the label and options of the app's side filter.
WIDGET_LABEL = "Claimant side"
WIDGET_OPTIONS = ("Armenia", "Azerbaijan", "Russia", "Other")


def main() -> None:
    st.title("Floor: one empty map")
    picked: list[str] = []
    if st.query_params.get("widget"):
        picked = st.sidebar.multiselect(WIDGET_LABEL, WIDGET_OPTIONS, key="side")
    m = folium.Map(location=[39.9, 46.6], zoom_start=8, tiles=None, max_zoom=18)
    localize_map(m, base_url=os.environ[VENDOR_URL_ENV])
    markers = folium.FeatureGroup(name="picked")
    for i, name in enumerate(picked):  # one SVG marker each: the bench counts them
        folium.CircleMarker([39.9, 46.0 + 0.2 * i], radius=6, tooltip=name).add_to(markers)
    st_folium(m, feature_group_to_add=markers, returned_objects=[], use_container_width=True,
              height=640, key="map")  # fmt: skip


if __name__ == "__main__":  # how ``streamlit run`` runs it; the bench imports only the name
    main()
