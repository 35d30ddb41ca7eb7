"""Playback on the map: its steps and speed, its element and files, and its link."""

from __future__ import annotations

from datetime import date

import pytest

from src.assets.localize import OWN_STATIC_DIR, localize_map
from src.dataset import Dataset
from src.mapview.build import base_map
from src.mapview.playback import (
    AUTO_SECONDS,
    DAY_MS,
    MAX_STEPS_PER_S,
    MIN_SECONDS,
    SPEEDS,
    playback_features,
    playback_layer,
    playback_options,
    timing,
)
from src.ui.data import headlines

OFFENSIVE = (date(2023, 9, 19), date(2023, 9, 21))


def test_a_three_day_window_never_plays_in_under_two_seconds_by_default() -> None:
    steps = timing(*OFFENSIVE, "auto")
    assert steps.steps == 2  # 19 → 20 → 21 Sep: one day a step
    assert steps.step_days == 1
    assert steps.duration_ms == AUTO_SECONDS[0] * 1000
    assert timing(*OFFENSIVE, "0.5").duration_ms == 4000
    assert timing(*OFFENSIVE, "1").duration_ms == 2000
    for fast in ("2", "7", "365"):  # any speed: never under MIN_SECONDS for the window
        assert timing(*OFFENSIVE, fast).duration_ms == MIN_SECONDS * 1000


@pytest.mark.parametrize("speed", list(SPEEDS))
def test_every_speed_is_days_a_second_with_at_most_ten_steps_a_second(speed: str) -> None:
    start, end = date(1988, 2, 20), date(2023, 10, 1)
    steps = timing(start, end, speed)
    days = (end - start).days
    seconds = steps.duration_ms / 1000
    assert steps.steps / seconds <= MAX_STEPS_PER_S + 0.01
    assert steps.steps * steps.step_days == pytest.approx(days)
    if speed == "auto":
        assert seconds == AUTO_SECONDS[1]
    else:
        assert days / seconds == pytest.approx(float(speed), rel=1e-3)  # ms rounding


def test_options_start_at_the_linked_day_only_inside_the_window() -> None:
    inside = playback_options(*OFFENSIVE, "1", date(2023, 9, 20))
    assert inside["at"] == inside["start"] + DAY_MS
    assert inside["end"] == inside["start"] + 2 * DAY_MS
    assert playback_options(*OFFENSIVE, "1", date(2023, 10, 20))["at"] is None
    one_day = playback_options(date(2023, 9, 19), date(2023, 9, 19))
    assert one_day["end"] - one_day["start"] == DAY_MS  # a slider needs two ends


def test_the_layer_clusters_and_brings_its_own_files(bundled: Dataset) -> None:
    shown = bundled.events
    features = playback_features(shown, bundled.places, headlines(bundled))
    layer = playback_layer(features, playback_options(date(1988, 2, 20), date(2023, 10, 1)))
    assert layer is not None
    m = base_map(bundled.places, bundled.events)
    layer.add_to(m)
    localize_map(m)
    html = m.get_root().render()
    assert "kcm.playback(" in html
    for name in ("playback.js", "playback.css", "leaflet.timeline.js", "leaflet.markercluster"):
        assert name in html
    assert "cdn.jsdelivr" not in html  # served by the app, offline
    js = (OWN_STATIC_DIR / "playback.js").read_text(encoding="utf-8")
    assert "markerClusterGroup" in js
    assert "replaceState" in js  # the slider's day goes into the address
    map_js = (OWN_STATIC_DIR / "map.js").read_text(encoding="utf-8")
    assert "playbackMarker" not in map_js  # moved: map.js only lends its marker
    assert "kcm.claimMarker = claimMarker" in map_js


def test_nothing_to_play_is_no_layer(bundled: Dataset) -> None:
    none = playback_features(bundled.events.iloc[:0], bundled.places, {})
    assert playback_layer(none, playback_options(*OFFENSIVE)) is None
