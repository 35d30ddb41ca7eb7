"""The framework's floor for ``bench/bench_browser.py``: a bare Streamlit page holding one empty
``st_folium`` map, so the bench can tell the app's own cost from Streamlit's and
streamlit-folium's. With ``?widget=LABEL&option=OPTION`` (the bench's first change) it also has
one sidebar multiselect of that label offering that option, and a marker per option picked: the
floor of a filter change (a rerun and a redrawn map), timed like the app's changes.

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


#: The query parameters of the change's floor: the multiselect's label and its option.
WIDGET_PARAM, OPTION_PARAM = "widget", "option"


def main() -> None:
    st.title("Floor: one empty map")
    label, option = st.query_params.get(WIDGET_PARAM), st.query_params.get(OPTION_PARAM)
    markers = None  # the bare floor: no layer beside the map
    if label and option:
        picked = st.sidebar.multiselect(label, [option, "Other"], key="picked")
        markers = folium.FeatureGroup(name="picked")
        for i, name in enumerate(picked):  # one SVG marker each: the bench counts them
            folium.CircleMarker([39.9, 46.0 + 0.2 * i], radius=6, tooltip=name).add_to(markers)
    m = folium.Map(location=[39.9, 46.6], zoom_start=8, tiles=None, max_zoom=18)
    localize_map(m, base_url=os.environ[VENDOR_URL_ENV])
    st_folium(m, feature_group_to_add=markers, returned_objects=[], use_container_width=True,
              height=640, key="map")  # fmt: skip


if __name__ == "__main__":  # how ``streamlit run`` runs it; the bench imports only the name
    main()
