"""Places: the gazetteer, a small map of places and routes, a distance tool, and a check of
the distances the articles state.

Thin UI: the table is ``src/analysis/places.py``, distances ``src/analysis/distances.py``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from src.analysis.distances import (
    StatedDistanceError,
    check,
    check_table,
    compass_point,
    default_path,
    load_stated_distances,
    measure,
)
from src.analysis.text import md, md_frame
from src.assets.bundle import bundle_scripts
from src.assets.localize import localize_map
from src.mapview.build import base_map
from src.ui import notices
from src.ui.data import base_layers_for, data_dir, gazetteer, gazetteer_rows
from src.ui.shell import page_context, page_header
from src.ui.tables import paged_table

ctx = page_context()
page_header(
    ctx,
    "Places",
    "Every place the claims use, where its coordinates come from, and distances between them.",
)
places = ctx.data.places
gaz = gazetteer(ctx.data)
if ctx.shown.empty:  # the gazetteer and the distances are still worth showing
    st.info(
        "No claims match these filters: every place below counts 0 claims in view. "
        "Widen the date range or clear a filter.",
        icon=notices.EMPTY,
    )

st.subheader("Gazetteer")
table = gazetteer_rows(ctx.data, ctx.state)
paged_table(table, "gazetteer", noun="places", sort_by=tuple(table.columns))
st.caption(
    f"{len(table):,} places; {int((table['Claims in view'] > 0).sum()):,} have claims in view. "
    "Precision: exact = the settlement's point, near = within a few km, region = a "
    "representative point of an area or route."
)

st.subheader("Map of places and routes")
m = base_map(  # the shared sidebar's basemap; routes and places counted over the view
    places, ctx.shown, ctx.basemap, legend=False, layers=base_layers_for(ctx.data, ctx.state)
)
report = localize_map(m)
bundle_scripts(m)
if report.cdn_message():
    st.info(
        f"Offline map assets are missing (run `scripts/setup.sh`); {report.cdn_message()}.",
        icon=notices.INFO,
    )
st_folium(m, returned_objects=[], use_container_width=True, height=600, key="places_map")

st.subheader("Distance between two places")
ids = list(places.sort_values("name")["place_id"])
names = ctx.place_names
left, right = st.columns(2)
a = left.selectbox(
    "From",
    ids,
    index=ids.index("stepanakert") if "stepanakert" in ids else 0,
    format_func=lambda pid: names.get(pid, pid),
    key="distance_from",
)
b = right.selectbox(
    "To",
    ids,
    index=ids.index("yevlakh") if "yevlakh" in ids else min(1, len(ids) - 1),
    format_func=lambda pid: names.get(pid, pid),
    key="distance_to",
)
if a is None or b is None:  # no places at all: selectbox has nothing to return
    st.caption("No places to measure between.")
else:
    result = measure(gaz, a, b)
    c1, c2, c3 = st.columns(3)
    c1.metric("Geodesic distance", f"{result.km:,.1f} km")
    c2.metric("In miles", f"{result.miles:,.1f} mi")
    c3.metric("Initial bearing", f"{result.bearing:.0f}° {compass_point(result.bearing)}")
    st.caption(
        "Straight-line (WGS-84 geodesic, geopy) distance between the gazetteer points; a road is "
        "longer."
        + (
            " A road or corridor is measured from its representative point."
            if result.involves_line
            else ""
        )
    )

st.subheader("Distances stated in the articles")
try:
    stated = load_stated_distances(
        default_path(Path(data_dir())), gaz, ctx.data.sources["source_id"]
    )
except StatedDistanceError as exc:
    st.error("The stated distances file does not pass validation; fix these and reload:")
    st.code("\n".join(str(p) for p in exc.problems))
    st.stop()
if ctx.state.sources:
    stated = [s for s in stated if s.source_id in ctx.state.sources]
if not stated:
    st.caption("No stated distance in the articles selected.")
else:
    checks = [check(s) for s in stated]
    st.table(md_frame(check_table(checks).set_index("Article")))
    for c in checks:
        s = c.stated
        st.markdown(f"- **{md(s.source_id)}**, “{md(s.quote)}”: {md(c.sentence())}")
    st.caption(
        "“Matches” = within 10 % of the geodesic distance. Shorter than the straight line is "
        "impossible; up to 60 % longer can be a road distance. Each figure is also read with "
        "the unit swapped (km ↔ miles), the usual slip."
    )
