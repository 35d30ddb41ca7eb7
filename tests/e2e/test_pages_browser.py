"""The four analysis pages in a real headless Chromium: what is drawn, zoom, the places map,
and the filters carried from one page to the next through the sidebar navigation.

Expected values come from the pure analysis functions on the bundled data. Each test saves a
screenshot of its page to artifacts/page-*.png (the reviewed ones live in docs/screenshots/).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Frame, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from src.analysis.coverage import coverage_matrix
from src.analysis.incidents import contested_incidents
from src.analysis.timeline import chronology
from src.dataset import Dataset
from src.filters import FilterState, apply_filters
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.mapprobe import map_frame, wait_for_claims

pytestmark = pytest.mark.e2e

TALL = {"width": 1600, "height": 2400}
PLACES_JS = """() => {
  const k = window.kcm;
  if (!k || !k.places || !k.routes) return null;
  let lines = 0;
  k.routes.eachLayer(l => { if (l instanceof L.Polyline) lines += 1; });
  return {places: k.places.getLayers().length, routes: lines};
}"""


@pytest.fixture(scope="module")
def data(bundled: Dataset) -> Dataset:
    return bundled


#: True once no script run is in progress and every Vega chart on the page has drawn its
#: scenegraph (vega-embed adds the root ``.marks`` svg/canvas when the first render is done).
SETTLED_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
       .every(chart => chart.querySelector('svg.marks, canvas.marks'))"""


def settle(page: Page, text: str, timeout: float = 60_000) -> None:
    """Wait until ``text`` is shown, the script run has finished and the charts are drawn."""
    page.get_by_text(text).first.wait_for(timeout=timeout)
    try:
        page.wait_for_function(SETTLED_JS, timeout=timeout, polling=100)
    except PlaywrightTimeoutError as exc:
        running = page.locator("[data-testid='stStatusWidget']").count()
        charts = page.locator("[data-testid='stVegaLiteChart']")
        drawn = page.locator("[data-testid='stVegaLiteChart'] .marks").count()
        raise AssertionError(
            f"page not settled within {timeout / 1000:.0f} s: status widget shown={running}, "
            f"charts drawn {drawn} of {charts.count()}"
        ) from exc


def wait_count(page: Page, selector: str, expected: int, timeout: float = 30_000) -> None:
    """Wait until ``selector`` matches exactly ``expected`` elements (tables draw late)."""
    expect(page.locator(selector), f"count of {selector}").to_have_count(expected, timeout=timeout)


def svg_texts(locator) -> list[str]:
    """Text of SVG elements (they have no innerText)."""
    return locator.evaluate_all("els => els.map(e => e.textContent)")


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"))


def test_claims_page(page, app_url, data):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/Claims")
    settle(page, "Contested incidents")
    contested = contested_incidents(data.events)
    metric = page.locator("[data-testid='stMetric']", has_text="Contested incidents")
    assert metric.locator("[data-testid='stMetricValue']").inner_text() == str(len(contested))
    wait_count(page, "[data-testid='stTable']", data.events["incident_id"].nunique())
    stated = int(data.events["fatalities"].notna().sum())
    # the first chart: one bar per claim with a figure ("not stated" is not drawn as 0)
    figures = page.locator("[data-testid='stVegaLiteChart']").first
    expect(figures.locator("g.mark-rect.role-mark path")).to_have_count(stated, timeout=30_000)
    page.get_by_text("Only contested incidents").click()
    wait_count(page, "[data-testid='stTable']", len(contested))
    card = page.locator("[data-testid='stVerticalBlock']", has_text="I017 · Remote explosive")
    card.last.get_by_text("Claimed killed differ (6, 11)").wait_for()
    assert "four police officers" in card.last.inner_text()
    shot(page, "claims")


def test_timeline_page(page, app_url, data):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/Timeline")
    settle(page, "Chronology")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    marks = "[data-testid='stVegaLiteChart'] g.role-mark"
    wait_count(page, f"{marks}.mark-symbol path", len(data.events))  # a point per claim
    wait_count(page, f"{marks}.mark-rect path", len(data.events))  # and its date span
    ticks = svg_texts(chart.locator("g.role-axis-label text"))
    assert "1990" in ticks
    assert "2020" in ticks
    days = chronology(data.events, {})
    tuesday = next(d for d in days if d.label.startswith("Tuesday 19 September"))
    page.get_by_text(f"Tuesday 19 September 2023 · {len(tuesday.entries)} claim(s)").wait_for()
    shot(page, "timeline")

    page.get_by_text("Hours of 19–20 Sep 2023").click()
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll(
              '[data-testid="stVegaLiteChart"] g.role-axis-label text'))
              .some(t => /PM|AM|12/.test(t.textContent))""",
        timeout=30_000,
    )
    box = chart.bounding_box()
    assert box is not None
    before = svg_texts(chart.locator("g.role-axis-label text"))
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.mouse.wheel(0, -600)  # Vega's scale-bound interval zooms on the wheel
    page.wait_for_function(  # the time axis is re-labelled: the chart really zoomed
        """(before) => JSON.stringify(Array.from(document.querySelectorAll(
              '[data-testid="stVegaLiteChart"] g.role-axis-label text'))
              .map(t => t.textContent)) !== JSON.stringify(before)""",
        arg=before,
        timeout=10_000,
    )
    shot(page, "timeline-hours")


def test_sources_page(page, app_url, data):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/Sources")
    settle(page, "What only one article reports")
    matrix = coverage_matrix(data.events, data.sources["source_id"])
    row = page.locator("[data-testid='stTable'] tbody tr", has_text="a003").first
    row.wait_for()  # all_inner_texts() does not wait
    cells = row.locator("td, th").all_inner_texts()
    assert cells[0] == "a003"
    assert str(int(matrix.loc["a003"].sum())) in cells  # claims it carries
    assert "I014" in cells  # the incident only a003 reports
    covered = int((matrix > 0).to_numpy().sum())
    wait_count(page, "[data-testid='stVegaLiteChart'] g.mark-text.role-mark text", covered)
    shot(page, "sources")


def places_frame(page: Page, timeout_ms: int = 45_000) -> Frame:
    return map_frame(page, timeout=timeout_ms / 1000, probe=PLACES_JS)


def test_places_page(page, app_url, data):
    page.set_viewport_size(TALL)
    page.goto(f"{app_url}/Places")
    settle(page, "Distances stated in the articles")
    reading = places_frame(page).evaluate(PLACES_JS)
    lines = int((data.places["waypoints"] != "").sum())
    assert reading == {"places": len(data.places) - lines, "routes": lines}
    assert page.external_requests == []  # Leaflet came from the app, not a CDN
    page.locator("[data-testid='stMetricValue']", has_text="95.3 km").wait_for()
    page.get_by_text("60.0 km: too short (-37%)").wait_for()
    page.get_by_text("60 mi = 96.6 km: matches (+1%)").wait_for()
    shot(page, "places")


def test_filters_follow_the_sidebar_navigation(page, app_url, data):
    page.goto(f"{app_url}/Sources?side=Azerbaijan&period=offensive")
    settle(page, "claims in view")
    state = FilterState(period="offensive", sides=("Azerbaijan",))
    expected = f"{len(apply_filters(data.events, state))} of {len(data.events)} claims in view"
    page.get_by_text(expected).first.wait_for()
    for name in ("Claims", "Timeline", "Places", "Sources"):
        page.locator("[data-testid='stSidebarNav'] a", has_text=name).first.click()
        page.wait_for_url(re.compile(rf"/{name}\?.*side=Azerbaijan"), timeout=30_000)
        settle(page, expected)
        assert "period=offensive" in page.url
    # and back to the map: the same view, drawn with the same claims
    page.locator("[data-testid='stSidebarNav'] a", has_text="Map").first.click()
    page.wait_for_url(re.compile(r"side=Azerbaijan"), timeout=30_000)
    page.get_by_text(expected.replace("in view", "shown")).first.wait_for()
    shown = apply_filters(data.events, state)
    wait_for_claims(page, int((shown["place_id"] != "").sum()))
