"""In-map playback: the claims of the window as a Leaflet.Timeline with a play/step slider.

Used instead of the clustered claims layer when the user asks for playback, so the map can
step through the selected window day by day; each claim is on the map while its date span
(start to the end of its last day) contains the slider's time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, TypedDict

import pandas as pd
from folium.plugins import Timeline, TimelineSlider
from folium.utilities import JsCode

from src.mapview.popup import claim_popup, marker_title
from src.palette import claim_svg
from src.rows import records

#: Most claims played back: Leaflet.Timeline redraws every feature on each step (one GeoJSON
#: feature and pre-rendered popup per claim), which stops being usable in the tens of thousands.
PLAYBACK_CAP = 5000
#: Leaflet.Timeline's pointToLayer: the claims layer's marker (``static/kcm/map.js``, loaded
#: by the base map's elements).
_POINT_TO_LAYER = JsCode("kcm.playbackMarker")


class PlaybackProperties(TypedDict):
    """One playback feature's properties: the time span (epoch ms) and escaped HTML."""

    event_id: str
    start: int
    end: int
    icon: str
    tip: str
    popup: str


class PlaybackFeature(TypedDict):
    type: str
    geometry: dict[str, Any]
    properties: PlaybackProperties


class PlaybackCollection(TypedDict):
    type: str
    features: list[PlaybackFeature]


def _ms(day: date, end_of_day: bool = False) -> int:
    moment = datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def playback_features(
    events: pd.DataFrame,
    places: pd.DataFrame,
    headlines: Mapping[str, str],
    incident_sizes: Mapping[str, int] | None = None,
) -> PlaybackCollection:
    """GeoJSON of the located claims with ``start``/``end`` in epoch milliseconds (UTC)."""
    by_id = places.set_index("place_id")
    sizes = incident_sizes or {}
    features: list[PlaybackFeature] = []
    for row in records(events[events["place_id"] != ""]):
        place = by_id.loc[row["place_id"]]
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(place["lon"]), float(place["lat"])],
                },
                "properties": {
                    "event_id": row["event_id"],
                    "start": _ms(row["date_start"].date()),
                    "end": _ms(row["date_end"].date(), end_of_day=True),
                    "icon": claim_svg(row["claimant_side"], row["event_type"]),
                    "tip": marker_title(row["sub_event_type"], place["name"], row["claimant"]),
                    "popup": claim_popup(
                        row,
                        place["name"],
                        place["precision"],
                        headlines,
                        sizes.get(row["incident_id"], 1),
                    ),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def playback_layers(
    features: PlaybackCollection, start: date, end: date
) -> tuple[Timeline | None, TimelineSlider | None]:
    """The timeline layer and its slider over [start, end]; (None, None) when nothing to play."""
    if not features["features"]:
        return None, None
    # folium annotates ``data`` as a plain dict, which a TypedDict is not; a copy is one.
    timeline = Timeline(dict(features), point_to_layer=_POINT_TO_LAYER, name="Claims (playback)")
    days = max((end - start).days + 1, 1)
    slider = TimelineSlider(
        auto_play=False,
        start=_ms(start),
        end=_ms(end, end_of_day=True),
        date_options="D MMM YYYY",
        enable_keyboard_controls=True,
        show_ticks=days <= 60,
        steps=min(days, 1000),
        playback_duration=min(30000, max(5000, days * 500)),
    )
    slider.add_timelines(timeline)  # type: ignore[no-untyped-call]  # unannotated in folium
    return timeline, slider
