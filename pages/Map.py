"""The map: every claim in view as a marker, coloured by who claims it, shaped by its type.

Thin UI: the map is built in ``src/mapview``; the shell (``dashboard.py``) gives the context.
"""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from src.analysis.text import md
from src.assets.bundle import bundle_scripts
from src.assets.localize import localize_map
from src.labels import dataset_credits
from src.mapview.build import (
    base_map,
    claims_group,
    lean_assets,
    outside_theatre,
)
from src.mapview.legend import CAVEAT
from src.mapview.playback import (
    PLAYBACK_CAP,
    PlaybackState,
    playback_features,
    playback_layer,
    playback_options,
)
from src.schema import FIGURE_COLUMNS, split_list
from src.ui import notices
from src.ui.briefing import share_and_export
from src.ui.data import base_layers_for, claims_for, incident_sizes
from src.ui.details import details_panel
from src.ui.shell import page_context, view_summary
from src.ui.sidebar import playback_widgets
from src.ui.tables import paged_table, shown_on_request

#: Columns the claims table can be sorted by (over all rows, before paging).
TABLE_SORT = ("date_start", "event_id", "claimant", "claimant_side", "event_type", "verification")


def claims_view(rows: pd.DataFrame) -> pd.DataFrame:
    """A page of the claims table as shown: a blank figure reads "not stated", never 0."""
    return rows.drop(columns=["line"]).assign(
        **{c: rows[c].astype("string").fillna("not stated") for c in FIGURE_COLUMNS}
    )


ctx = page_context()
data, state, shown, names = ctx.data, ctx.state, ctx.shown, ctx.headlines
start, end = ctx.start, ctx.end

st.title("Karabakh Conflict Map")
st.markdown(view_summary(ctx, "shown"))
st.caption(
    f"⚠️ {CAVEAT} Colour = who claims it, shape = event type; a marker is one claim, or as "
    "many as the number on it says (large views). "
    f"Data version {data.version}."
)
# Every notice above the map goes in this one container, so the map keeps its place in the
# page whichever notices a view has: a map that moves is remounted by Streamlit, and a
# remounted component frame can miss its first render and stay blank.
notes = st.container()

# A session's first view draws the map alone (src/ui/shell.py, prepare): no playback then.
replay = PlaybackState() if ctx.map_first else playback_widgets()
playback = replay.on

places = data.places
in_view = int((shown["place_id"] != "").sum())
if playback and in_view > PLAYBACK_CAP:
    notes.warning(
        f"Playback draws at most {PLAYBACK_CAP:,} claims and this view has {in_view:,} with a "
        "place: narrow the period or date range, or pick sides, types or sources in the "
        "sidebar to play it back. The clustered map is shown meanwhile.",
        icon=notices.WARNING,
    )
    playback = False
credits = [(c.name, c.credit) for c in dataset_credits(data.datasets, shown)]
m = lean_assets(
    base_map(places, data.events, ctx.basemap, credits=credits, layers=base_layers_for(data))
)
layer, stats = None, None
if playback:  # the timeline replaces the clustered layer, so that one is not built at all
    played = playback_layer(
        playback_features(shown, places, names, incident_sizes(data)),
        playback_options(start, end, replay.speed, replay.at),
    )
    if played is not None:
        played.add_to(m)
else:
    payload, stats = claims_for(data, state)
    layer = claims_group(payload)
    localize_map(layer)
report = localize_map(m)
# One script file for the frame instead of a dozen loaded one after another (src/assets/bundle)
bundle_scripts(m, *([layer] if layer is not None else []))
if report.cdn_message():
    notes.info(
        "Offline map assets are missing (run `scripts/setup.sh`); "
        f"{report.cdn_message()}. The map needs internet until they are fetched.",
        icon=notices.INFO,
    )
if shown.empty:
    with notes:
        notices.no_claims("the map still shows places and routes")
elif stats is not None and stats.mode == "groups":
    notes.info(
        f"{stats.markers:,} claims with a place: each marker stands for the claims at one "
        f"place with one claimant side and event type ({stats.drawn:,} markers), the number "
        "on it is how many; clusters add them up. Click a marker to list its claims below "
        "the map.",
        icon=notices.INFO,
    )
elif stats is not None and stats.mode == "aggregates":
    notes.info(
        f"{stats.markers:,} claims at more places than the map can draw one by one: dashed "
        f"rings gather them on a ~{stats.cell_deg * 111.2:.0f} km grid by claimant side and "
        f"event type ({stats.drawn:,} rings). A ring is not a located point; narrow the "
        "filters for markers per place, or click a ring to list its claims below the map.",
        icon=notices.INFO,
    )
if stats is not None and stats.halos_hidden:
    notes.caption(
        f"Halos for approximate locations are left out: {stats.halos_hidden:,} places of this "
        "view are approximate (too many circles to read); popups give each place's precision."
    )

grouped = stats is not None and stats.compact
# Clicks come back (and rerun the page) only when the map has details to list on demand.
returned = st_folium(
    m,
    feature_group_to_add=layer,
    layer_control=folium.LayerControl(collapsed=True),
    returned_objects=["last_object_clicked"] if grouped else [],
    use_container_width=True,
    height=640,
    key="map",
)
if ctx.map_first:
    st.stop()  # the map reports when it is drawn, and that rerun draws the rest
if grouped and stats is not None:
    details_panel(returned, shown, places, names, stats)

elsewhere = outside_theatre(shown, places)
if elsewhere:
    st.caption(
        "Also on the map, outside the regional view (the badges on the map's edge point to "
        "them; click one to show it): "
        + ", ".join(f"{name} ({count})" for name, count in elsewhere)
    )

sources_used = sorted({s for ids in shown["source_ids"].unique() for s in split_list(ids)})
st.markdown(
    "**Sources:** "
    + ("; ".join(f"{md(names[s])} \\[{s}\\]" for s in sources_used) if sources_used else "none")
)
share_and_export(data, state, ctx.basemap)

unlocated = shown[shown["place_id"] == ""]
if not unlocated.empty:
    st.subheader(f"Claims with no place ({len(unlocated):,})")
    st.caption("These claims name no location; they are part of the count above.")
    # Behind a switch like the claims table: a data grid under the map loads ~0.5 MB of the
    # grid's code in the page while the map's frame is still loading, delaying its first draw.
    if shown_on_request(
        f"Show the {len(unlocated):,} claims with no place",
        "map_unlocated_on",
        "One page at a time; nothing is sent to the browser until this is on.",
    ):
        paged_table(
            unlocated[
                [
                    "date_start",
                    "claimant",
                    "claimant_side",
                    "sub_event_type",
                    "summary",
                    "verification",
                    "source_ids",
                ]
            ],
            "map_unlocated",
            noun="claims",
            sort_by=("date_start", "claimant", "claimant_side", "verification"),
        )

st.subheader("The claims shown, as a table")
if shown_on_request(
    f"Show the {len(shown):,} claims as a table",
    "map_table_on",
    "One page at a time; nothing is sent to the browser until this is on.",
):
    paged_table(shown, "map_table", noun="claims", sort_by=TABLE_SORT, view=claims_view)
