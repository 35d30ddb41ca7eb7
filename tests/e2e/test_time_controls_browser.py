"""Time controls in Chromium: a playback link reproduces its state (on, speed, day), playback
is clustered, and the From/To inputs drive the map's count and the link.

Expected counts come from the bundled data through the app's own filter code.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import Frame, Page, expect

from src.dataset import Dataset
from src.filters import FilterState, apply_filters
from src.mapview.playback import SPEEDS, timing
from tests.e2e.conftest import ARTIFACTS, settled
from tests.e2e.mapprobe import map_frame, wait_for_claims

pytestmark = pytest.mark.e2e

PLAYBACK_JS = """() => {
  const k = window.kcm;
  if (!k || k.mode !== 'playback' || !k.slider || !k.routes || !k.places) return null;
  return {time: k.timeline.time, claims: k.count(), steps: k.slider.options.steps,
          duration: k.slider.options.duration};
}"""


@pytest.fixture(scope="module")
def data(bundled: Dataset) -> Dataset:
    return bundled


def ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def on_at(data: Dataset, state: FilterState, day: date) -> pd.DataFrame:
    """The located claims of the view whose dates contain ``day`` (what playback shows)."""
    shown = apply_filters(data.events, state)
    shown = shown[shown["place_id"] != ""]
    stamp = pd.Timestamp(day)
    return shown[(shown["date_start"] <= stamp) & (shown["date_end"] >= stamp)]


def playback_state(page: Page, day: date, timeout: float = 90) -> tuple[Frame, dict[str, Any]]:
    """The map frame once playback has drawn at ``day``, and its reading."""
    frame = map_frame(page, timeout, probe=PLAYBACK_JS)
    frame.wait_for_function(f"() => window.kcm.timeline.time === {ms(day)}", timeout=30_000)
    reading: dict[str, Any] = frame.evaluate(PLAYBACK_JS)
    return frame, reading


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_a_playback_link_reproduces_on_speed_and_day(page, app_url, data):
    day = date(2023, 9, 20)
    page.goto(f"{app_url}/?period=offensive&playback=1&speed=0.5&at={day.isoformat()}")
    frame, reading = playback_state(page, day)
    assert reading["claims"] == len(on_at(data, FilterState(period="offensive"), day)) > 0
    steps = timing(date(2023, 9, 19), date(2023, 9, 21), "0.5")
    assert (reading["steps"], reading["duration"]) == (steps.steps, steps.duration_ms)
    assert reading["duration"] >= 2000  # a 3-day window never plays in under 2 s
    sidebar = page.locator("[data-testid='stSidebar']")
    speed = sidebar.get_by_role("combobox", name="Playback speed")
    expect(speed).to_have_value(SPEEDS["0.5"])
    expect(frame.locator(".kcm-playback .time-text")).to_contain_text("20 Sep 2023")
    shot(page, "playback-link")

    frame.evaluate(f"() => window.kcm.slider.setTime({ms(date(2023, 9, 21))})")
    page.wait_for_url(re.compile(r"at=2023-09-21"))  # the map keeps its day in the address
    url = page.url
    assert "playback=1" in url
    assert "speed=0.5" in url
    page.goto(url)  # the copied address opens where it was left
    frame, _ = playback_state(page, date(2023, 9, 21))

    # a new speed redraws the map: it carries on at the day, and the old slider stops
    frame.evaluate("() => { window.kcmOld = window.kcm.slider; window.kcm.slider.play(); }")
    speed = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Playback speed")
    speed.click()
    page.keyboard.type(SPEEDS["1"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"speed=1(&|$)"))
    settled(page)  # the rerun has ended: streamlit-folium briefly holds two frames before
    faster = timing(date(2023, 9, 19), date(2023, 9, 21), "1").duration_ms
    # streamlit-folium either swaps the map inside its frame (then the old slider must have
    # stopped: its timer would write an old day into the address) or replaces the frame
    redrawn = f"""() => {{
      const k = window.kcm;
      if (!k || k.mode !== 'playback' || k.slider.options.duration !== {faster}) return null;
      const old = window.kcmOld;
      return old ? {{old: old !== k.slider && old.kcmRetired === true && !old._playing}}
                 : {{old: 'frame replaced'}};
    }}"""
    frame = map_frame(page, 90, probe=redrawn)
    assert frame.evaluate(redrawn)["old"] in (True, "frame replaced")
    # it carries on at the day the address holds (the play may have moved it on)
    day = date.fromisoformat(parse_qs(urlsplit(page.url).query)["at"][0])
    assert day in (date(2023, 9, 20), date(2023, 9, 21))
    assert frame.evaluate("() => window.kcm.timeline.time") == ms(day)


def test_playback_is_clustered_not_stacked(page, app_url, data):
    """Claims at one place share one numbered bubble; no two icons sit on one point."""
    located = data.events[data.events["place_id"] != ""]
    # the day (among the claims' first days) with the most claims on at one place
    best = max(
        (d.date() for d in located["date_start"].unique()),
        key=lambda d: int(on_at(data, FilterState(), d)["place_id"].value_counts().max()),
    )
    on = on_at(data, FilterState(), best)
    most = int(on["place_id"].value_counts().max())
    assert most > 1  # the point of the test: several claims at one place
    page.goto(f"{app_url}/?playback=1&at={best.isoformat()}")
    frame, reading = playback_state(page, best)
    assert reading["claims"] == len(on)
    frame.wait_for_function(
        "(n) => [...document.querySelectorAll('.kcm-cluster span')]"
        ".some(s => parseInt(s.textContent, 10) >= n)",
        arg=most,
        timeout=30_000,
    )
    spots = frame.evaluate(
        "() => [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]"
        ".map(e => e.style.transform)"
    )
    assert len(spots) < reading["claims"]
    assert len(spots) == len(set(spots)), "two markers drawn on the same point"
    shot(page, "playback-clustered")


def test_date_inputs_drive_the_map_count_and_the_link(page, app_url, data):
    page.goto(app_url)
    wait_for_claims(page, int((data.events["place_id"] != "").sum()))
    settled(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    # the input is a date field of year, month and day segments: type the digits through
    sidebar.get_by_role("spinbutton", name="year, From").click()
    page.keyboard.type("20230919")
    page.get_by_role("heading", name="Karabakh Conflict Map").click()  # leaving commits it
    state = FilterState(date_from=date(2023, 9, 19))
    shown = apply_filters(data.events, state)
    wait_for_claims(page, int((shown["place_id"] != "").sum()))
    page.wait_for_url(re.compile(r"from=2023-09-19"))
    slider = sidebar.locator("[data-testid='stSlider']")
    expect(slider).to_contain_text("19 Sep 2023")
    shot(page, "date-inputs")
