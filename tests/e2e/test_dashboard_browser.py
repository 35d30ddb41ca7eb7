"""The dashboard in a real headless Chromium: what Leaflet draws, filters, popups, shared links.

Expected counts come from the same pure filter code the app uses, applied to the bundled
data, so these tests follow the data rather than a copy of today's numbers.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from src.dataset import Dataset
from src.filters import FilterState, apply_filters
from src.mapview.regions import AREA_KINDS
from tests.e2e.conftest import ARTIFACTS, settled
from tests.e2e.mapprobe import act, map_frame, open_popup, wait_for_claims

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def data(bundled: Dataset) -> Dataset:
    return bundled


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


def test_the_first_view_draws_the_map_then_its_filters_without_redrawing_it(page, app_url, data):
    # a session's first view: the map alone, read from the link; the map's report of its
    # drawn claims reruns the page, which adds the filters and what lies under the map
    page.goto(f"{app_url}?{urlencode({'side': 'Azerbaijan'})}")
    expected = located(data, FilterState(sides=("Azerbaijan",)))
    wait_for_claims(page, expected)
    frame = map_frame(page)
    act(frame, "() => { window.kcm.firstView = true; }")
    sidebar = page.locator("[data-testid='stSidebar']")
    side_box = sidebar.locator("[data-testid='stMultiSelect']").filter(
        has=page.get_by_text("Claimant side", exact=True)
    )
    expect(side_box).to_contain_text("Azerbaijan")  # the link's value, now in its widget
    expect(sidebar.get_by_role("button", name="Show the filters now")).to_have_count(0)
    expect(page.get_by_text("Sources:").first).to_be_visible()
    settled(page)
    # the same map and the same view: the second run did not redraw the claims
    assert map_frame(page).evaluate("() => window.kcm.firstView === true") is True
    assert wait_for_claims(page, expected)["claims"] == expected


def test_period_and_source_filters_change_the_map(page, app_url, data):
    page.goto(app_url)
    wait_for_claims(page, located(data, FilterState()))

    page.get_by_text("Offensive (19–21 Sep 2023)").click()
    offensive = FilterState(period="offensive")
    wait_for_claims(page, located(data, offensive))
    assert "period=offensive" in page.url

    source_box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(
        has=page.get_by_text("Source", exact=True)
    )
    # mid-sidebar, so its list has room to open (the From/To inputs put it at the bottom edge)
    source_box.evaluate("e => e.scrollIntoView({block: 'center'})")
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


def _region_places(data: Dataset) -> list[str]:
    places = data.places
    areas = places["kind"].isin(list(AREA_KINDS)) & (places["precision"] == "region")
    return places.loc[areas, "place_id"].tolist()


def test_popup_names_claimant_side_source_and_status(page, app_url, data):
    page.goto(app_url)
    frame = map_frame(page)
    wait_for_claims(page, located(data, FilterState()))
    # a claim with a marker: region-level ones are drawn as their region (test_offline_basemap)
    regions = _region_places(data)
    claim = data.events[(data.events["place_id"] != "") & ~data.events["place_id"].isin(regions)]
    claim = claim.iloc[0]
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
    # the filters are drawn after the map
    expect(sidebar.get_by_text(side, exact=True).first).to_be_visible()

    # the page's own link to this view (in the links popover) opens the same view
    page.get_by_role("button", name="Links to this view").click()
    box = page.get_by_test_id("stCode").first
    expect(box).to_contain_text("side=Azerbaijan")
    link = box.inner_text().strip()
    assert "period=offensive" in link
    assert "briefing" not in link
    page.goto(link)
    wait_for_claims(page, located(data, state))
    expect(page.get_by_text(f"{total} of {len(data.events)} claims shown").first).to_be_visible()


def test_hostile_url_shows_notice_and_full_map(page, app_url, data):
    page.goto(f"{app_url}/?side=%3Cscript%3Ealert(1)%3C/script%3E&period=nope")
    wait_for_claims(page, located(data, FilterState()))
    page.get_by_text("Ignored unknown period").first.wait_for()


def test_date_slider_narrows_and_filter_keeps_zoom(page, app_url, data):
    page.goto(f"{app_url}/?period=offensive")
    frame = map_frame(page)
    wait_for_claims(page, located(data, FilterState(period="offensive")))
    act(frame, "() => window.map.setView([39.8, 46.75], 11)")
    thumbs = page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input[type='range']")
    thumbs.last.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # 21 Sep -> 19 Sep
    state = FilterState(period="offensive", date_to=date(2023, 9, 19))
    reading = wait_for_claims(page, located(data, state))
    page.wait_for_url(re.compile(r"to=2023-09-19"))
    assert reading["zoom"] == 11  # the claims layer was swapped, the map kept its view


def test_hostile_text_cannot_run_script_in_a_popup(browser, data, tmp_path):
    """Bypass validation on purpose: the builder alone must keep data inert in the browser."""
    from src.assets.localize import inline_html
    from src.mapview.build import base_map, claims_layer

    evil = "${alert(1)}`+alert(2)+`\\\\\"'<img src=x onerror=alert(3)><script>alert(4)</script>"
    events = data.events.copy()
    for column in ("summary", "claimant", "quote", "actor1", "figures_note"):
        events[column] = evil
    m = base_map(data.places, events, "none")
    layer, stats = claims_layer(events, data.places, {"a000": evil})
    layer.add_to(m)
    path = tmp_path / "hostile.html"
    path.write_text(inline_html(m), encoding="utf-8")

    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    # chunkedLoading: markers join the cluster's grid asynchronously
    page.wait_for_function("() => window.kcm && window.kcm.claimMarkers[0].__parent")
    # region-level claims are counted, not clustered
    assert page.evaluate("() => window.kcm.count()") == stats.markers
    page.evaluate(
        """() => new Promise(resolve => {
            const m = window.kcm.claimMarkers[0];
            window.kcm.claims.zoomToShowLayer(m, () => { m.openPopup(); resolve(); });
        })"""
    )
    text = page.locator(".leaflet-popup-content").inner_text()
    page.close()
    assert "${alert(1)}" in text
    assert "<script>alert(4)</script>" in text
    assert dialogs == []
