"""Reading what Leaflet really drew inside streamlit-folium's iframe."""

from __future__ import annotations

import time

from playwright.sync_api import Frame, Page

from tests.e2e.conftest import ARTIFACTS

COUNT_JS = """() => {
  const k = window.kcm;
  if (!k || !k.claims || !window.map) return null;
  const lines = [];
  k.routes.eachLayer(l => { if (l instanceof L.Polyline) lines.push(l.getLatLngs().length); });
  return {
    claims: k.claims.getLayers().length,
    routes: lines.length,
    routePoints: lines,
    places: k.places.getLayers().length,
    drawnIcons: document.querySelectorAll('.leaflet-marker-icon').length,
    zoom: window.map.getZoom(),
    center: window.map.getCenter(),
  };
}"""


def map_frame(page: Page, timeout: float = 45, probe: str = COUNT_JS) -> Frame:
    """The streamlit-folium iframe once ``probe`` (JS returning null until ready) succeeds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "st_folium" in frame.url:
                try:
                    if frame.evaluate(probe) is not None:
                        return frame
                except Exception:  # noqa: BLE001 - frame still loading or replaced
                    pass
        page.wait_for_timeout(250)  # not time.sleep: Playwright must pump its events
    raise AssertionError("the map never finished drawing (no window.kcm in the map iframe)")


def wait_for_claims(page: Page, expected: int, timeout: float = 30) -> dict:
    """Poll until the claims layer holds ``expected`` markers; return the last reading."""
    deadline = time.monotonic() + timeout
    last: dict | None = None
    while time.monotonic() < deadline:
        try:
            last = map_frame(page, timeout=max(1, deadline - time.monotonic())).evaluate(COUNT_JS)
        except Exception:  # noqa: BLE001 - frame replaced during a rerun
            last = None
        if last and last["claims"] == expected:
            return last
        page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "failed-wait-for-claims.png"), full_page=True)
    raise AssertionError(f"expected {expected} claim markers, map shows {last}")


def open_popup(frame: Frame, event_id: str) -> str:
    """Zoom the cluster to one claim's marker, open its popup, and return the popup's text."""
    frame.wait_for_function(
        "(id) => window.kcm.claimMarkers.find(x => x.kcmId === id).__parent", arg=event_id
    )
    frame.evaluate(
        """(id) => new Promise(resolve => {
            const m = window.kcm.claimMarkers.find(x => x.kcmId === id);
            window.kcm.claims.zoomToShowLayer(m, () => { m.openPopup(); resolve(); });
        })""",
        event_id,
    )
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=10_000)
    return popup.inner_text()
