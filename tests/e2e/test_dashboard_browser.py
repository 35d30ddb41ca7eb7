"""The dashboard in a real headless Chromium: what Leaflet draws, filters, popups, shared links.

Expected counts come from the same pure filter code the app uses, applied to the bundled
data, so these tests follow the data rather than a copy of today's numbers.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from src.dataset import load_dataset
from src.filters import FilterState, apply_filters
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.mapprobe import map_frame, open_popup, wait_for_claims

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def located(data, state: FilterState) -> int:
    shown = apply_filters(data.events, state)
    return int((shown["place_id"] != "").sum())


def test_default_view_draws_claims_routes_and_places(page, app_url, data):
    page.goto(app_url)
    reading = wait_for_claims(page, located(data, FilterState()))
    assert reading["routes"] == int((data.places["waypoints"] != "").sum()) == 2
    assert all(points >= 3 for points in reading["routePoints"])
    assert reading["places"] == int((data.places["waypoints"] == "").sum())
    assert reading["drawnIcons"] > 0  # clusters or markers actually in the DOM
    page.get_by_text(f"of {len(data.events)} claims shown").first.wait_for()
    assert page.external_requests == []  # Leaflet & plugins came from the app itself
    page.screenshot(path=str(ARTIFACTS / "default-view.png"), full_page=True)


def test_period_and_source_filters_change_the_map(page, app_url, data):
    page.goto(app_url)
    wait_for_claims(page, located(data, FilterState()))

    page.get_by_text("Offensive (19–21 Sep 2023)").click()
    offensive = FilterState(period="offensive")
    wait_for_claims(page, located(data, offensive))
    assert "period=offensive" in page.url

    source_box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    source_box.click()
    page.get_by_role("option", name=re.compile(r"^a002")).click()
    page.keyboard.press("Escape")
    both = FilterState(period="offensive", sources=("a002",))
    expected = located(data, both)
    assert expected < located(data, offensive)
    wait_for_claims(page, expected)
    page.wait_for_url(re.compile(r"source=a002"))
    page.get_by_text(
        f"{len(apply_filters(data.events, both))} of {len(data.events)}"
    ).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "filtered-view.png"), full_page=True)


def test_popup_names_claimant_side_source_and_status(page, app_url, data):
    page.goto(app_url)
    frame = map_frame(page)
    wait_for_claims(page, located(data, FilterState()))
    claim = data.events[data.events["place_id"] != ""].iloc[0]
    text = open_popup(frame, claim["event_id"])
    assert claim["claimant"] in text
    assert claim["claimant_side"] in text
    first_source = claim["source_ids"].split(";")[0]
    headline = data.sources.set_index("source_id").at[first_source, "headline"]
    assert headline in text
    assert re.search(r"unverified|disputed|denied|confirmed", text, re.IGNORECASE)
    page.screenshot(path=str(ARTIFACTS / "popup.png"))


def test_shared_url_reproduces_the_view(page, app_url, data):
    side = "Azerbaijan"
    query = urlencode({"period": "offensive", "side": side})
    page.goto(f"{app_url}/?{query}")
    state = FilterState(period="offensive", sides=(side,))
    wait_for_claims(page, located(data, state))
    total = len(apply_filters(data.events, state))
    page.get_by_text(f"{total} of {len(data.events)} claims shown").first.wait_for()
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text(side, exact=True).count() >= 1


def test_hostile_url_shows_notice_and_full_map(page, app_url, data):
    page.goto(f"{app_url}/?side=%3Cscript%3Ealert(1)%3C/script%3E&period=nope")
    wait_for_claims(page, located(data, FilterState()))
    page.get_by_text("Ignored unknown period").first.wait_for()
