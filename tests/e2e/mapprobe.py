"""Reading what Leaflet really drew inside streamlit-folium's iframe.

Every wait is a Playwright wait on a condition (``expect``, ``wait_for_function`` polling in
the page), never a fixed pause. streamlit-folium may replace its iframe, and a rerun swaps the
claims layer, so a wait that loses its frame resolves the iframe again and carries on until
its deadline; the probes read ``window.kcm`` afresh on every poll.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import ARTIFACTS


def act(frame: Frame, fn: str, arg: Any = None) -> None:
    """Call the JS function ``fn`` in the map's frame for its effect, dropping what it returns.

    Leaflet's setters return the map: handed back to Playwright, that object graph is
    serialised, which took 10-30 s a call here (``map.setZoom`` in the legibility test).
    """
    frame.evaluate(f"(arg) => {{ ({fn})(arg); }}", arg)


#: The component's iframe (its title is the component's name, ``streamlit_folium.st_folium``).
MAP_IFRAME = "iframe[title*='st_folium']"
#: How often the in-page probes poll, in ms (Playwright polls inside the browser).
POLL_MS = 100

#: ``claims`` is ``kcm.count()``: the claims the view represents (one per marker in small
#: views, the markers' counts summed in grouped ones); ``markers`` what the cluster holds.
COUNT_JS = """() => {
  const k = window.kcm;
  if (!k || !k.claims || !k.count || !window.map) return null;
  const lines = [];
  k.routes.eachLayer(l => { if (l instanceof L.Polyline) lines.push(l.getLatLngs().length); });
  return {
    claims: k.count(),
    markers: k.claims.getLayers().length,
    mode: k.mode,
    routes: lines.length,
    routePoints: lines,
    places: k.places.getLayers().length,
    drawnIcons: document.querySelectorAll('.leaflet-marker-icon').length,
    zoom: window.map.getZoom(),
    center: window.map.getCenter(),
  };
}"""

# Errors that mean "the frame went away under us", not "the probe is broken".
_GONE = ("detached", "Execution context was destroyed", "navigat", "Target closed")


def _ms_left(deadline: float) -> float:
    return max(1.0, (deadline - time.monotonic()) * 1000)


def _current_frame(page: Page, deadline: float) -> Frame:
    """The map iframe's frame as it is now (waiting for the one iframe to be there)."""
    iframe = page.locator(MAP_IFRAME)
    expect(iframe, "exactly one map iframe on the page").to_have_count(
        1, timeout=_ms_left(deadline)
    )
    handle = iframe.element_handle(timeout=_ms_left(deadline))
    frame = handle.content_frame()
    if frame is None:  # only if the element stopped being an iframe
        raise PlaywrightError("map iframe detached")
    return frame


def _read(page: Page) -> Any:
    """One best-effort reading of the map, for failure messages."""
    try:
        frame = page.locator(MAP_IFRAME).first.element_handle(timeout=1000).content_frame()
        return frame.evaluate(COUNT_JS) if frame else "no map iframe"
    except PlaywrightError as exc:
        return f"unreadable ({str(exc).splitlines()[0]})"


def _wait_in_map(page: Page, js: str, arg: Any, timeout: float) -> tuple[Frame, Any] | str:
    """Wait until ``js(arg)`` is truthy in the map iframe: the frame and value, or why not.

    A frame replaced mid-wait is resolved again; any other Playwright error is raised.
    """
    deadline = time.monotonic() + timeout
    why = "timed out"
    while time.monotonic() < deadline:
        try:
            frame = _current_frame(page, deadline)
            handle = frame.wait_for_function(
                js, arg=arg, polling=POLL_MS, timeout=_ms_left(deadline)
            )
            return frame, handle.json_value()
        except AssertionError as exc:  # expect(): no single map iframe appeared
            return " ".join(str(exc).split())
        except PlaywrightTimeoutError:
            return why
        except PlaywrightError as exc:
            if not any(word in str(exc) for word in _GONE):
                raise
            why = f"timed out after the map iframe was replaced ({str(exc).splitlines()[0]})"
    return why


def _fail(page: Page, name: str, message: str) -> AssertionError:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"failed-{name}.png"
    with contextlib.suppress(PlaywrightError):
        page.screenshot(path=str(shot), full_page=True)
    return AssertionError(f"{message} (screenshot: {shot})")


def map_frame(page: Page, timeout: float = 60, probe: str = COUNT_JS) -> Frame:
    """The streamlit-folium iframe once ``probe`` (JS returning null until ready) succeeds."""
    ready = f"() => {{ const r = ({probe})(); return r == null ? null : {{ r }}; }}"
    found = _wait_in_map(page, ready, None, timeout)
    if isinstance(found, str):
        raise _fail(
            page,
            "map-frame",
            f"the map never finished drawing within {timeout:.0f} s: the probe stayed null "
            f"in {MAP_IFRAME} ({found}; map now: {_read(page)})",
        )
    return found[0]


def wait_for_claims(page: Page, expected: int, timeout: float = 60) -> dict[str, Any]:
    """Wait until the claims layer represents exactly ``expected`` claims (``kcm.count()``);
    return that reading."""
    exact = f"(n) => {{ const r = ({COUNT_JS})(); return r && r.claims === n ? r : null; }}"
    found = _wait_in_map(page, exact, expected, timeout)
    if isinstance(found, str):
        raise _fail(
            page,
            "wait-for-claims",
            f"expected {expected} claims on the map within {timeout:.0f} s, "
            f"map shows {_read(page)} ({found})",
        )
    reading: dict[str, Any] = found[1]
    return reading


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
