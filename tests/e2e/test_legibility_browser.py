"""Legible at every zoom (issue 13), measured on what Chromium draws: place names never cover
each other, a marker or a cluster, and a cluster click leaves every member inside the map.

Boxes are read from the DOM (``getBoundingClientRect``) after the map and markercluster have
settled, independently of the placement code's own arithmetic.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Frame, Page

from src.dataset import Dataset
from src.filters import FilterState, apply_filters
from tests.e2e.conftest import ARTIFACTS, whole_page
from tests.e2e.mapprobe import act, map_frame, wait_for_claims

pytestmark = pytest.mark.e2e

#: The map, markercluster and the names have finished moving: no zoom or cluster animation
#: running, and the names placed since the last zoom with none pending.
SETTLED_JS = """() => {
  const k = window.kcm, l = k && k.labels;
  if (!l || !k.claims || !k.drawn) return false;
  return !map._animatingZoom && !k.claims._inZoomAnimation
    && !map.getPane('mapPane').classList.contains('leaflet-cluster-anim')
    && !l.pending && l.placedAtZoom === l.zooms && l.placed > 0;
}"""

#: Every visible place name's box, every drawn marker or cluster icon's box, in page pixels.
BOXES_JS = """() => {
  const box = r => ({x: r.left, y: r.top, w: r.width, h: r.height});
  const c = box(map.getContainer().getBoundingClientRect());
  const labels = [...document.querySelectorAll('.kcm-place-label')]
    .filter(e => getComputedStyle(e).visibility === 'visible')
    .map(e => ({name: e.textContent, ...box(e.getBoundingClientRect())}));
  const icons = [...map.getPane('markerPane').querySelectorAll('.leaflet-marker-icon')]
    .map(e => box(e.getBoundingClientRect()))
    .filter(b => b.w > 0 && b.x < c.x + c.w && b.y < c.y + c.h
      && b.x + b.w > c.x && b.y + b.h > c.y);
  return {container: c, labels, icons, zoom: map.getZoom()};
}"""


def hit(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two boxes overlap (sharing an edge is not an overlap)."""
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


#: The names and icons stood still over one polling interval: a marker can still be moving
#: into place after markercluster's flags say it is done (seen: 5 px, a few ms after).
STILL_JS = f"""() => {{
  const now = JSON.stringify(({BOXES_JS})());
  const same = window.__kcmBoxes === now;
  window.__kcmBoxes = now;
  return same;
}}"""


def settle(frame: Frame) -> None:
    frame.wait_for_function(SETTLED_JS, polling=100, timeout=20_000)
    frame.wait_for_function(STILL_JS, polling=200, timeout=20_000)


def shown_on_map(data: Dataset) -> int:
    shown = apply_filters(data.events, FilterState())
    return int((shown["place_id"] != "").sum())


def open_map(page: Page, app_url: str, data: Dataset) -> Frame:
    page.goto(app_url)
    wait_for_claims(page, shown_on_map(data))
    # the page's second run (the map drawn first) can resize the frame: names are placed again
    whole_page(page)
    frame = map_frame(page)
    settle(frame)
    return frame


def collisions(boxes: dict[str, Any]) -> list[str]:
    """Every overlap of two names, of a name and an icon, and every name leaving the map."""
    out = []
    labels, icons, c = boxes["labels"], boxes["icons"], boxes["container"]
    for i, a in enumerate(labels):
        out += [f"{a['name']} × {b['name']}" for b in labels[i + 1 :] if hit(a, b)]
        out += [
            f"{a['name']} covers an icon at {b['x']:.0f},{b['y']:.0f}" for b in icons if hit(a, b)
        ]
        inside = (
            a["x"] >= c["x"] - 0.5
            and a["y"] >= c["y"] - 0.5
            and a["x"] + a["w"] <= c["x"] + c["w"] + 0.5
            and a["y"] + a["h"] <= c["y"] + c["h"] + 0.5
        )
        if not inside:
            out.append(f"{a['name']} leaves the map")
    return out


@pytest.mark.parametrize("size", [(1600, 1000), (390, 844)])
def test_place_names_never_collide_at_three_zooms(page, app_url, bundled, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    frame = open_map(page, app_url, bundled)
    start = frame.evaluate("() => map.getZoom()")
    for delta in (0, -2, -4):
        act(frame, "(z) => map.setZoom(z, {animate: false})", start + delta)
        settle(frame)
        boxes = frame.evaluate(BOXES_JS)
        assert boxes["zoom"] == start + delta
        assert collisions(boxes) == [], f"zoom {boxes['zoom']}"
        assert boxes["labels"], f"no place named at zoom {boxes['zoom']}"
        page.screenshot(path=str(ARTIFACTS / f"labels-{size[0]}-zoom{delta}.png"))
    # the most claimed named place keeps its name at the start, where there is room
    act(frame, "(z) => map.setZoom(z, {animate: false})", start)
    settle(frame)
    names = [b["name"] for b in frame.evaluate(BOXES_JS)["labels"]]
    assert "Stepanakert / Khankendi" in names


#: The cluster with the most claims drawn inside the map's view (Yerevan's, off the view to
#: the west, is drawn too, under the sidebar): its members' ids, marked for a click.
BIGGEST_JS = """() => {
  let best = null;
  const view = map.getBounds();
  window.kcm.claims._featureGroup.eachLayer(l => {
    if (l instanceof L.MarkerCluster && l._icon && view.contains(l.getLatLng())
        && (!best || l.getChildCount() > best.getChildCount())) best = l;
  });
  if (!best) return null;
  document.querySelectorAll('#kcm-test-cluster').forEach(e => e.removeAttribute('id'));
  best._icon.id = 'kcm-test-cluster';
  window.kcmTestMembers = best.getAllChildMarkers();
  const b = best.getBounds();
  return {n: best.getChildCount(), onePoint: b.getNorthEast().equals(b.getSouthWest())};
}"""

#: Members of the clicked cluster outside the map's container (their drawn position: a
#: spiderfied member's is its leg's end).
OUTSIDE_JS = """() => {
  const size = map.getSize();
  return window.kcmTestMembers.map(m => map.latLngToContainerPoint(m.getLatLng()))
    .filter(p => p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y)
    .map(p => [Math.round(p.x), Math.round(p.y)]);
}"""


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720), (390, 844)])
def test_a_cluster_click_keeps_every_member_inside_the_map(page, app_url, bundled, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    frame = open_map(page, app_url, bundled)
    before = frame.evaluate("() => map.getZoom()")
    first = frame.evaluate(BIGGEST_JS)
    assert first is not None
    assert first["n"] > 1
    frame.locator("#kcm-test-cluster").click()
    # zoomed in to fit its members, or spread out where they share one point
    frame.wait_for_function(
        f"() => map.getZoom() > {before} || !!window.kcm.claims._spiderfied",
        polling=100,
        timeout=10_000,
    )
    settle(frame)
    assert frame.evaluate(OUTSIDE_JS) == []
    page.screenshot(path=str(ARTIFACTS / f"cluster-click-{size[0]}.png"))


#: The point holding the most claim markers, put near the map's lower right corner at a deep
#: zoom, so its cluster's members share one point and a spiral there runs off the map.
STACK_AT_EDGE_JS = """() => {
  const at = {};
  let best = null;
  window.kcm.claimMarkers.forEach(m => {
    const key = m.getLatLng().toString();
    at[key] = (at[key] || 0) + (m.kcmCount || 1);
    if (!best || at[key] > at[best.key]) best = {key, latlng: m.getLatLng()};
  });
  map.setView(best.latlng, 16, {animate: false});
  const size = map.getSize();
  // 110 px in from the corner: near enough that a spiral there runs off the map, clear of
  // the badges on the map's edge that point to the claims off the view
  map.panBy([-(size.x / 2 - 110), -(size.y / 2 - 110)], {animate: false});
  return at[best.key];
}"""


@pytest.mark.parametrize("size", [(1600, 1000), (390, 844)])
def test_stacked_claims_spread_out_inside_the_map(page, app_url, bundled, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    frame = open_map(page, app_url, bundled)
    assert frame.evaluate(STACK_AT_EDGE_JS) > 1
    settle(frame)
    stacked = frame.evaluate(BIGGEST_JS)
    assert stacked is not None
    assert stacked["onePoint"]
    zoom = frame.evaluate("() => map.getZoom()")
    frame.locator("#kcm-test-cluster").click()
    frame.wait_for_function("() => !!window.kcm.claims._spiderfied", timeout=10_000)
    settle(frame)
    assert frame.evaluate("() => map.getZoom()") == zoom  # spread out, not zoomed
    assert frame.evaluate(OUTSIDE_JS) == []
    page.screenshot(path=str(ARTIFACTS / f"cluster-spider-{size[0]}.png"))


#: The briefing frame's iframe in the dashboard, once its map has drawn and names are placed.
BRIEFING_READY_JS = """() => [...document.querySelectorAll('iframe')].some(f => {
  try { return f.contentWindow.kcmBriefing && f.contentWindow.kcmBriefing.ready; }
  catch (e) { return false; } })"""

#: In page pixels: the viewport, the frame's footer, the map, its title plate and north arrow.
BRIEFING_BOXES_JS = """() => {
  const f = [...document.querySelectorAll('iframe')].find(f => f.contentWindow.kcmBriefing);
  const at = f.getBoundingClientRect(), d = f.contentDocument;
  const box = sel => { const e = d.querySelector(sel); if (!e) return null;
    const r = e.getBoundingClientRect();
    return {x: at.left + r.left, y: at.top + r.top, w: r.width, h: r.height}; };
  return {view: {w: innerWidth, h: innerHeight}, foot: box('.kcm-bf-foot'),
    map: box('.kcm-bf-map'), title: box('.kcm-bf-maptitle'), north: box('.kcm-north'),
    titleText: d.querySelector('.kcm-bf-maptitle').innerText};
}"""


def within(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + 0.5
        and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + 0.5
    )


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720)])
def test_the_briefing_frame_fits_the_window_with_its_title_on_the_map(page, app_url, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(app_url + "/?briefing=1")
    page.wait_for_function(BRIEFING_READY_JS, polling=100, timeout=90_000)
    page.wait_for_function(  # the frame has taken its height
        "() => { const f = [...document.querySelectorAll('iframe')]"
        ".find(f => f.contentWindow.kcmBriefing); const r = f.getBoundingClientRect();"
        " return r.bottom <= innerHeight; }",
        polling=100,
        timeout=20_000,
    )
    b = page.evaluate(BRIEFING_BOXES_JS)
    foot_bottom = b["foot"]["y"] + b["foot"]["h"]
    assert foot_bottom <= b["view"]["h"], "the frame's footer is below the window's edge"
    assert within(b["title"], b["map"])
    assert within(b["north"], b["map"])
    assert b["titleText"].startswith("Nagorno-Karabakh conflict")
    page.screenshot(path=str(ARTIFACTS / f"briefing-view-{size[0]}.png"))
