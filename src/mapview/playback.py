"""In-map playback: the claims of the window stepped through day by day, clustered.

Used instead of the clustered claims layer when the user asks for playback. Leaflet.Timeline
decides which claims are on at the slider's time (a claim is on while its date span, start
to the end of its last day, contains it); ``static/kcm/playback.js`` mirrors those into a
marker cluster, so 38 claims at one place read as one "38" bubble, not a stack of icons.
The speed is a closed list of days per second (``SPEEDS``); on/off, speed and the slider's
position (``at``) are in the link (``src.urlstate``), the position written by the map itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypedDict

import pandas as pd
from folium.plugins import MarkerCluster, Timeline

from src.mapview.build import CLUSTER_CLASS
from src.mapview.frontend import (
    MAP_CSS,
    MAP_JS,
    PLAYBACK_CSS,
    PLAYBACK_JS,
    GlueTemplate,
    KcmElement,
)
from src.mapview.popup import claim_popup, marker_title
from src.palette import claim_svg
from src.rows import records

#: Most claims played back: Leaflet.Timeline looks each step up in an interval tree, but every
#: claim carries its pre-rendered popup, which stops being usable in the tens of thousands.
PLAYBACK_CAP = 5000
#: Speed choices, days of the window per second of playback ("auto": the whole window in
#: 6 to 30 s), in the order the sidebar offers them; the keys are the link's ``speed=``.
SPEEDS: dict[str, str] = {
    "auto": "Auto (the window in 6–30 s)",
    "0.5": "1 day every 2 seconds",
    "1": "1 day a second",
    "2": "2 days a second",
    "7": "1 week a second",
    "30": "1 month a second",
    "365": "1 year a second",
}
DEFAULT_SPEED = "auto"
#: Auto speed: the whole window in 1 s a day, but never under 6 s nor over 30 s.
AUTO_SECONDS = (6.0, 30.0)
#: Shortest playback of a whole window, whatever the speed: a 3-day window at "1 week a
#: second" would otherwise be over before it can be read.
MIN_SECONDS = 2.0
#: Most redraws a second: a faster speed takes steps of several days instead.
MAX_STEPS_PER_S = 10
#: Most steps on the slider (Leaflet.Timeline's ``steps``).
MAX_STEPS = 20000
DAY_MS = 86_400_000


@dataclass(frozen=True)
class PlaybackState:
    """Playback as the sidebar and the link set it: on/off, speed (a ``SPEEDS`` key) and the
    day the slider starts at (None: the window's first day)."""

    on: bool = False
    speed: str = DEFAULT_SPEED
    at: date | None = None


@dataclass(frozen=True)
class Timing:
    """How the slider steps: ``steps`` of ``step_days`` each, ``duration_ms`` for the whole."""

    steps: int
    step_days: float
    duration_ms: int


def timing(start: date, end: date, speed: str) -> Timing:
    """The slider's steps and duration for the window [start, end] at ``speed``.

    The slider's positions run from the first day to the last day (each at 00:00 UTC), so a
    3-day window has 3 positions and 2 steps; at most ``MAX_STEPS_PER_S`` steps a second, a
    faster speed covering several days a step; never under ``MIN_SECONDS`` in all.
    """
    days = max((end - start).days, 1)
    if speed in SPEEDS and speed != DEFAULT_SPEED:
        seconds_per_day = 1 / float(speed)
    else:
        lo, hi = AUTO_SECONDS
        seconds_per_day = min(hi, max(lo, float(days))) / days
    fewest_days = max(1, math.ceil(1 / (MAX_STEPS_PER_S * seconds_per_day)))
    steps = min(MAX_STEPS, math.ceil(days / fewest_days))
    seconds = max(MIN_SECONDS, days * seconds_per_day)
    return Timing(steps, days / steps, round(seconds * 1000))


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


class PlaybackOptions(TypedDict):
    """What ``kcm.playback`` needs besides the features (times in epoch ms, UTC)."""

    start: int
    end: int
    steps: int
    duration: int
    at: int | None
    ticks: bool
    clusterClass: str


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


def playback_options(
    start: date, end: date, speed: str = DEFAULT_SPEED, at: date | None = None
) -> PlaybackOptions:
    """The slider over [start, end] at ``speed``, starting at ``at`` when it is inside."""
    steps = timing(start, end, speed)
    last = end if end > start else start + timedelta(days=1)
    return {
        "start": _ms(start),
        "end": _ms(last),
        "steps": steps.steps,
        "duration": steps.duration_ms,
        "at": _ms(at) if at is not None and start <= at <= last else None,
        "ticks": (last - start).days <= 60,
        "clusterClass": CLUSTER_CLASS,
    }


class PlaybackLayer(KcmElement):
    """Claims played back in a marker cluster with a time slider (``kcm.playback``)."""

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.playback({{ this._parent.get_name() }}, {{ this.features|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """  # noqa: E501
    )
    # folium's asset names, so src.assets.localize serves the pinned local copies.
    default_js = [*Timeline.default_js[:1], *MarkerCluster.default_js, MAP_JS, PLAYBACK_JS]  # noqa: RUF012
    default_css = [*MarkerCluster.default_css, MAP_CSS, PLAYBACK_CSS]  # noqa: RUF012

    def __init__(self, features: PlaybackCollection, options: PlaybackOptions) -> None:
        super().__init__()
        self._name = "PlaybackLayer"
        self.features = features
        self.options = options


def playback_layer(features: PlaybackCollection, options: PlaybackOptions) -> PlaybackLayer | None:
    """The playback layer, or None when there is nothing to play."""
    return PlaybackLayer(features, options) if features["features"] else None
