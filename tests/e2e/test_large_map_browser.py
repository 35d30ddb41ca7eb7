"""The map at 100,000 synthetic claims in a real Chromium: grouped markers, counts, details.

Above the marker budget the map draws one marker per place × claimant side × event type (or
grid aggregates), so the number of markers is not the number of claims; ``kcm.count()`` sums
the markers' counts and must equal the filtered count, before and after a filter change. A
clicked marker lists its claims under the map, and they must be the claims at its point.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from bench.bench_load import write_synthetic
from src.appserver import AppStartError, running_app
from src.dataset import Dataset, load_dataset
from src.filters import FilterState, apply_filters
from src.mapview.build import claims_payload
from src.mapview.details import clicked_claims
from tests.e2e.conftest import ARTIFACTS, STARTUP_TIMEOUT_S, require_map_assets, settled
from tests.e2e.mapprobe import POLL_MS, map_frame, wait_for_claims

pytestmark = pytest.mark.e2e

SIZE = 100_000
#: A cold first view at 100k validates the data and builds the page on a busy machine.
FIRST_VIEW_S = 300
BLOCKADE = FilterState(period="blockade")
#: Narrow enough for one marker per place × side × type (the blockade alone is drawn as
#: grid rings at 100k: more than GROUP_BUDGET groups).
GROUPED = FilterState(period="blockade", sides=("Armenia",))


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Dataset]]:
    """The app on a 100k synthetic data folder (its own server, for this module)."""
    require_map_assets()
    folder = write_synthetic(SIZE, tmp_path_factory.mktemp("large"))
    data = load_dataset(folder)
    env = {**os.environ, "KCM_DATA_DIR": str(folder)}
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(
                running_app(ARTIFACTS / "e2e-large-streamlit.log", STARTUP_TIMEOUT_S, env)
            )
        except AppStartError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield url, data


def located(data: Dataset, state: FilterState) -> int:
    return int((apply_filters(data.events, state)["place_id"] != "").sum())


#: True once the probed marker's icon has stopped moving: no cluster animation running and
#: the icon's centre (its anchor) at the marker's own point on the screen.
SETTLED_JS = """() => {
  const m = window.kcm.claimMarkers.find(
    x => x._icon && x._icon.getAttribute('data-kcm-probe') === 'clicked');
  if (!m || window.map._mapPane.classList.contains('leaflet-cluster-anim')) return false;
  const r = m._icon.getBoundingClientRect();
  const p = window.map.latLngToContainerPoint(m.getLatLng());
  const box = window.map._container.getBoundingClientRect();
  return Math.abs(r.left + r.width / 2 - box.left - p.x) < 2 &&
    Math.abs(r.top + r.height / 2 - box.top - p.y) < 2;
}"""


def click_biggest_marker(page: Page) -> tuple[float, float, int]:
    """Click (a real click) the marker standing for the most claims; its point, and the
    claims of every marker on that point (they spiderfy from one spot)."""
    # The run that drew this view may still be ending: it then drops the last view's notices
    # above the map, and the page moving between mouse down and up turns a click on the
    # marker into a click on the map.
    settled(page, FIRST_VIEW_S)
    frame = map_frame(page)
    frame.evaluate(
        """() => new Promise(resolve => {
            const ms = window.kcm.claimMarkers;
            const m = ms.reduce((a, b) => (b.kcmCount > a.kcmCount ? b : a));
            window.kcm.claims.zoomToShowLayer(m, () => {
                m._icon.setAttribute('data-kcm-probe', 'clicked');
                resolve();
            });
        })"""
    )
    point = frame.evaluate(
        """() => {
            const m = window.kcm.claimMarkers.find(
                x => x._icon && x._icon.getAttribute('data-kcm-probe') === 'clicked');
            const same = window.kcm.claimMarkers.filter(
                x => x.kcmPoint[0] === m.kcmPoint[0] && x.kcmPoint[1] === m.kcmPoint[1]);
            return [m.kcmPoint[0], m.kcmPoint[1], same.reduce((n, x) => n + x.kcmCount, 0)];
        }"""
    )
    # Spider legs slide out with a CSS transition that outlasts markercluster's "spiderfied"
    # event on a busy machine; a click during it can land on the map beside the moving icon
    # (which folds the spider). Click once the icon sits where its marker says it is.
    frame.wait_for_function(SETTLED_JS, polling=POLL_MS, timeout=30_000)
    frame.locator("[data-kcm-probe='clicked']").click()
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("claim", timeout=30_000)
    expect(popup).to_contain_text("click the marker for the list below the map")
    return float(point[0]), float(point[1]), int(point[2])


def test_counts_filter_change_and_details_at_100k(page, large):
    url, data = large
    page.goto(url)
    everything = located(data, FilterState())
    reading = wait_for_claims(page, everything, timeout=FIRST_VIEW_S)
    assert reading["mode"] in ("groups", "aggregates")
    assert reading["markers"] < everything  # grouped: fewer markers than claims
    page.screenshot(path=str(ARTIFACTS / "large-default.png"))

    page.get_by_text(re.compile(r"^Blockade \(")).first.click()
    narrowed = located(data, BLOCKADE)
    assert 2000 < narrowed < everything
    reading = wait_for_claims(page, narrowed, timeout=FIRST_VIEW_S)
    _, stats = claims_payload(apply_filters(data.events, BLOCKADE), data.places, {})
    assert reading["mode"] == stats.mode
    assert reading["markers"] == stats.drawn

    side_box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(
        has=page.get_by_text("Claimant side", exact=True)
    )
    side_box.locator("input").click()
    page.keyboard.type("Armenia")
    page.get_by_role("option", name="Armenia", exact=True).click()
    page.keyboard.press("Escape")
    grouped = located(data, GROUPED)
    assert 2000 < grouped < narrowed
    reading = wait_for_claims(page, grouped, timeout=FIRST_VIEW_S)
    assert reading["mode"] == "groups"

    lat, lon, on_point = click_biggest_marker(page)
    shown = apply_filters(data.events, GROUPED)
    _, stats = claims_payload(shown, data.places, {})
    expected = clicked_claims(shown, data.places, lat, lon, stats.cell_deg)
    assert len(expected.claims) == on_point > 1
    header = f"{len(expected.claims):,} claims at {expected.where}"
    page.get_by_text(header).first.wait_for(timeout=FIRST_VIEW_S * 1000)
    page.screenshot(path=str(ARTIFACTS / "large-details.png"), full_page=True)
