"""The offline geography in the real browser, with every request beyond the app blocked: the
switch from unreachable tiles to the offline basemap, what that basemap draws, region-level
claims drawn as regions (not clustered, still counted), the off-view badges, and the
briefing PNG's borders without a network.

Expected counts come from the bundled data through the pure code (filters, payload).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Route, expect

from src.briefing.frame import build_briefing
from src.briefing.render import render_png
from src.dataset import Dataset
from src.filters import FilterState
from src.mapview.basemap import FALLBACK_NOTE
from src.mapview.build import claims_payload
from tests.e2e.conftest import CHROMIUM, require_map_assets, settled
from tests.e2e.mapprobe import act, map_frame, wait_for_claims

pytestmark = pytest.mark.e2e

#: What the offline basemap holds on screen (kcm.basemap.stats()), once drawn.
BASEMAP_JS = """() => {
  const b = window.kcm && window.kcm.basemap;
  if (!b || !b._map || !b.stats().level) return null;
  const s = b.stats();
  s.visibleNames = [...document.querySelectorAll('.kcm-bm-country')]
    .filter(e => e.style.visibility !== 'hidden').map(e => e.textContent);
  s.attribution = document.querySelector('.leaflet-control-attribution').textContent;
  s.notes = document.querySelectorAll('.kcm-bm-note').length;
  s.fallback = window.kcm.tileFallback && window.kcm.tileFallback.switched;
  s.tilesOnMap = Object.values(b._map._layers).filter(l => l instanceof L.TileLayer).length;
  return s;
}"""


def block_internet(page: Page) -> list[str]:
    """Abort every request that leaves the machine; returns the list of those aborted."""
    blocked: list[str] = []

    def route(r: Route) -> None:
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked


def basemap_reading(page: Page, check: str = "true") -> dict[str, Any]:
    """The basemap's reading once ``check`` (JS over ``s``) holds."""
    probe = f"() => {{ const s = ({BASEMAP_JS})(); return s && ({check}) ? s : null; }}"
    frame = map_frame(page, probe=probe)
    reading: dict[str, Any] = frame.evaluate(probe)
    return reading


@pytest.fixture(scope="module")
def located(bundled: Dataset) -> int:
    return int((bundled.events["place_id"] != "").sum())


def test_unreachable_tiles_switch_to_the_offline_basemap_once(
    app_url: str, page: Page, located: int
) -> None:
    blocked = block_internet(page)
    page.goto(app_url)
    settled(page)
    wait_for_claims(page, located)
    names = "['Armenia', 'Azerbaijan'].every(n => s.visibleNames.includes(n))"
    s = basemap_reading(page, f"s.fallback && {names}")
    assert any("arcgisonline" in u or "tile" in u for u in blocked)  # the tiles were tried
    assert s["tilesOnMap"] == 0  # the failing layer is gone, and its attribution with it
    assert "Natural Earth" in s["attribution"]
    assert "Esri" not in s["attribution"]
    assert s["notes"] == 1
    frame = map_frame(page, probe=BASEMAP_JS)
    expect(frame.locator(".kcm-bm-note")).to_contain_text(FALLBACK_NOTE[:40])
    # the regional view at 1:10m: the Armenia–Azerbaijan border, the Aras and Kura, Sevan
    assert s["level"] == "detail"
    assert s["borders"] >= 20
    assert s["coasts"] >= 10
    assert s["rivers"] >= 10
    assert s["lakes"] >= 3
    assert {"Armenia", "Azerbaijan"} <= set(s["visibleNames"])
    # zoomed out four levels: the 1:50m overview, many more countries named
    act(frame, "() => window.map.setZoom(window.map.getZoom() - 4, {animate: false})")
    out = basemap_reading(page, "s.level === 'overview'")
    assert out["borders"] >= 100
    assert out["rivers"] >= 100
    assert len(out["visibleNames"]) >= 10
    assert out["notes"] == 1  # said once


def test_the_offline_choice_fetches_no_tiles(app_url: str, page: Page, located: int) -> None:
    blocked = block_internet(page)
    page.goto(f"{app_url}/?basemap=offline")
    settled(page)
    wait_for_claims(page, located)
    s = basemap_reading(page)
    assert s["fallback"] is False
    assert s["notes"] == 0
    assert s["borders"] >= 20
    assert not [u for u in blocked if "tile" in u or "arcgisonline" in u]


def test_region_claims_are_regions_not_clusters(
    app_url: str, page: Page, bundled: Dataset, located: int
) -> None:
    payload, _ = claims_payload(bundled.events, bundled.places, {})
    regions = payload["regions"]
    nk = regions["counts"][regions["names"].index("Nagorno-Karabakh")]
    block_internet(page)
    page.goto(app_url)
    settled(page)
    reading = wait_for_claims(page, located)  # kcm.count(): region claims counted
    assert reading["claims"] == located
    frame = map_frame(page)
    clustered = frame.evaluate(
        "() => window.kcm.claims.getLayers().reduce((n, m) => n + (m.kcmCount || 1), 0)"
    )
    assert clustered == located - regions["total"]
    # no marker of the cluster stands at the region's centroid
    at_centroid = frame.evaluate(
        "([lat, lon]) => window.kcm.claims.getLayers().filter(m => "
        "m.getLatLng().lat === lat && m.getLatLng().lng === lon).length",
        [39.88, 46.75],
    )
    assert at_centroid == 0
    badge = frame.locator(".kcm-region-badge", has_text="Nagorno-Karabakh")
    expect(badge).to_have_count(1)
    expect(badge.locator(".kcm-region-n")).to_have_text(str(nk))
    badge.click()
    popup = frame.locator(".kcm-region-popup")
    expect(popup).to_be_visible()
    expect(popup.locator("li")).to_have_count(nk)
    expect(popup).to_contain_text("claimed by")
    expect(popup).to_contain_text("Sources:")


def test_claims_outside_the_view_have_edge_badges_that_frame_them(
    app_url: str, page: Page, bundled: Dataset, located: int
) -> None:
    moscow = int((bundled.events["place_id"] == "moscow").sum())
    block_internet(page)
    page.goto(app_url)
    settled(page)
    wait_for_claims(page, located)
    frame = map_frame(page)
    badge = frame.locator(".kcm-offmap-badge", has_text="Moscow")
    expect(badge).to_have_count(1)
    expect(badge).to_contain_text(f"Moscow {moscow}")
    # no badge sits under a control (zoom buttons, legend, layers, the fallback's note)
    frame.wait_for_function(
        """() => {
      const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom
        && b.top < a.bottom;
      const ctl = [...document.querySelectorAll('.leaflet-control')]
        .map(e => e.getBoundingClientRect());
      const badges = [...document.querySelectorAll('.kcm-offmap-badge')];
      return badges.length > 0 && window.kcm.tileFallback.switched
        && !badges.some(b => ctl.some(c => hit(b.getBoundingClientRect(), c)));
    }""",
        polling=100,
        timeout=15000,
    )
    badge.click()
    frame.wait_for_function(
        "() => window.map.getBounds().contains([55.752, 37.6178])", polling=100, timeout=15000
    )
    expect(frame.locator(".kcm-offmap-badge", has_text="Moscow")).to_have_count(0)


def test_the_briefing_png_offline_shows_borders(bundled: Dataset, browser: Browser) -> None:
    require_map_assets()
    briefing = build_briefing(bundled, FilterState(period="offensive"))
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        block_internet(page)
        page.set_content(briefing.html, wait_until="domcontentloaded")
        page.wait_for_function("() => window.kcmBriefing && window.kcmBriefing.ready === true")
        s = page.evaluate(BASEMAP_JS)
    finally:
        page.close()
    assert s["fallback"] is False  # no tiles shown in the frame: nothing to fall back from
    assert s["tilesOnMap"] == 0
    assert s["borders"] >= 10
    assert s["rivers"] >= 1
    png = render_png(briefing.html, (1920, 1080), chromium=CHROMIUM, offline=True)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = {c: n for n, c in image.getcolors(maxcolors=1 << 24) or []}
    land = colours.get((0xFB, 0xFA, 0xF6), 0)  # the basemap's land, not Leaflet's grey
    assert land > 100_000
