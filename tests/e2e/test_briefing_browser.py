"""Briefing output through the real browser path: the CLI's PNG, the frame's readability,
the dashboard's briefing view, and the PNG download button.

Like the other end-to-end tests these fail (never skip) when Chromium or the map assets
are missing.
Expected counts come from the pure filter code applied to the bundled data.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from src.briefing.frame import CAVEAT_LINE, DEFAULT_TITLES, build_briefing
from src.dataset import Dataset
from src.filters import FilterState, apply_filters
from src.palette import SIDE_COLOURS
from tests.e2e.conftest import (
    ARTIFACTS,
    CHROMIUM,
    ROOT,
    require_chromium,
    require_map_assets,
)

pytestmark = pytest.mark.e2e

OFFENSIVE_AZ = FilterState(period="offensive", sides=("Azerbaijan",))
QUERY = "briefing=1&period=offensive&side=Azerbaijan"
READY = "() => window.kcmBriefing && window.kcmBriefing.ready === true"


@pytest.fixture(scope="module")
def data(bundled: Dataset) -> Dataset:
    return bundled


@pytest.fixture(scope="module")
def chromium() -> str:
    executable = require_chromium()
    require_map_assets()
    ARTIFACTS.mkdir(exist_ok=True)
    return executable


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def colour_counts(png: bytes) -> tuple[tuple[int, int], dict[tuple[int, int, int], int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = image.getcolors(maxcolors=1 << 24) or []
    return image.size, {colour: n for n, colour in counts}


def in_theatre_markers(data, state: FilterState) -> int:
    shown = apply_filters(data.events, state)
    inside = data.places.set_index("place_id")["in_theatre"]
    located = shown[shown["place_id"] != ""]
    return int(located["place_id"].map(inside).sum())


def normalised(html: str) -> str:
    """Folium's random element ids and the generation minute are all that may differ."""
    html = re.sub(r"_[0-9a-f]{32}", "_ID", html)
    return re.sub(r"Generated \d{2} \w{3} \d{4}, \d{2}:\d{2} UTC", "Generated …", html)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KCM_CHROMIUM": CHROMIUM}
    env.pop("KCM_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "src.briefing", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
@pytest.mark.usefixtures("chromium")
def test_cli_png_is_the_full_frame_in_the_claimants_colour(tmp_path, size):
    out = tmp_path / "briefing.png"
    proc = run_cli(
        "png",
        "--out",
        str(out),
        "--period",
        "offensive",
        "--side",
        "Azerbaijan",
        "--size",
        f"{size[0]}x{size[1]}",
    )
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout
    assert "claimant side: Azerbaijan" in proc.stdout
    png = out.read_bytes()
    (ARTIFACTS / f"briefing-offensive-azerbaijan-{size[0]}.png").write_bytes(png)
    got_size, colours = colour_counts(png)
    assert got_size == size
    assert len(colours) > 500, "a blank or flat image"
    scale = (size[0] / 1920) ** 2
    assert colours.get(rgb("#1f2a36"), 0) > 100_000 * scale  # the header band
    assert colours.get(rgb("#fdecea"), 0) > 10_000 * scale  # the caveat box
    assert colours.get(rgb(SIDE_COLOURS["Azerbaijan"]), 0) > 300 * scale  # markers, legend
    for side in ("Armenia", "Nagorno-Karabakh authorities", "Russia", "International"):
        assert colours.get(rgb(SIDE_COLOURS[side]), 0) == 0, f"{side} is filtered out"


@pytest.mark.usefixtures("chromium")
def test_all_claims_png_shows_every_sides_colour(tmp_path, data):
    out = tmp_path / "all.png"
    proc = run_cli("png", "--out", str(out), "--basemap", "none")
    assert proc.returncode == 0, proc.stderr
    _, colours = colour_counts(out.read_bytes())
    for side in set(data.events["claimant_side"]):
        assert colours.get(rgb(SIDE_COLOURS[side]), 0) > 50, side


@pytest.mark.usefixtures("chromium")
def test_frame_text_is_readable_and_the_map_complete(browser, data):
    briefing = build_briefing(data, OFFENSIVE_AZ)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.set_content(briefing.html, wait_until="load")
        page.wait_for_function(READY, timeout=60_000)
        reading = page.evaluate(
            """() => {
                const frame = document.getElementById("kcm-briefing-frame");
                const box = frame.getBoundingClientRect();
                let smallest = 99, texts = 0;
                const walker = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                    const el = walker.currentNode.parentElement;
                    if (!walker.currentNode.textContent.trim() || !el.offsetParent) continue;
                    if (getComputedStyle(el).visibility === "hidden") continue;
                    texts += 1;
                    smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
                }
                return {w: box.width, h: box.height, smallest, texts,
                        markers: window.kcmBriefing.markers,
                        labels: window.kcmBriefing.labelsShown,
                        overflow: document.querySelector("[data-overflow]") !== null,
                        title: document.querySelector(".kcm-bf-title").textContent};
            }"""
        )
    finally:
        context.close()
    assert (reading["w"], reading["h"]) == (1920, 1080)
    assert reading["texts"] > 40
    assert reading["smallest"] >= 14, f"text as small as {reading['smallest']} px"
    assert not reading["overflow"]
    assert reading["markers"] == briefing.markers
    assert reading["labels"] >= 5
    assert reading["title"] == DEFAULT_TITLES["offensive"]


@pytest.mark.usefixtures("chromium")
def test_html_file_works_from_disk_with_no_network(browser, tmp_path, data):
    out = tmp_path / "view.html"
    proc = run_cli("html", "--out", str(out), "--period", "offensive", "--side", "Azerbaijan")
    assert proc.returncode == 0, proc.stderr
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    try:
        page.goto(out.as_uri())
        page.wait_for_function(READY, timeout=60_000)
        markers = page.evaluate("() => window.kcmBriefing.markers")
        scale = page.evaluate(
            "() => document.getElementById('kcm-briefing-frame').getBoundingClientRect().width"
        )
    finally:
        context.close()
    assert markers == len(apply_filters(data.events, OFFENSIVE_AZ).query("place_id != ''"))
    assert scale == pytest.approx(1280, abs=1)  # the frame fits the window
    # offline, only basemap tiles fail; every script and stylesheet is inside the file
    assert all("arcgisonline.com" in u or "openstreetmap.org" in u for u in failed), failed


@pytest.mark.usefixtures("chromium")
def test_dashboard_briefing_view_is_the_frame(page, app_url, data):
    page.goto(f"{app_url}/?{QUERY}")
    iframe = page.locator("iframe[srcdoc*='kcm-briefing-frame']")
    iframe.wait_for(timeout=60_000)
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_function(READY, timeout=60_000)
    assert frame.locator(".kcm-bf-title").inner_text() == DEFAULT_TITLES["offensive"]
    panel = frame.locator(".kcm-bf-panel").inner_text()
    assert CAVEAT_LINE in panel
    assert "claimant side: Azerbaijan" in frame.locator(".kcm-bf-head").inner_text()
    assert frame.evaluate("() => window.kcmBriefing.markers") == len(
        apply_filters(data.events, OFFENSIVE_AZ).query("place_id != ''")
    )
    assert in_theatre_markers(data, OFFENSIVE_AZ) > 0
    assert not page.locator("[data-testid='stSidebar']").is_visible()  # controls hidden
    box = iframe.bounding_box()
    assert box
    assert abs(box["height"] - box["width"] * 9 / 16) < 4
    # the page embeds the very document the exports are made from
    expected = build_briefing(data, OFFENSIVE_AZ).html
    assert normalised(iframe.get_attribute("srcdoc") or "") == normalised(expected)
    assert page.external_requests == []
    page.screenshot(path=str(ARTIFACTS / "briefing-view.png"))


@pytest.mark.usefixtures("chromium")
def test_png_button_downloads_the_frame(page, app_url):
    page.goto(f"{app_url}/?{QUERY}")
    button = page.get_by_role("button", name="PNG 1920×1080")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=120_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith("-1920x1080.png")
    path = download.path()
    size, colours = colour_counts(Path(path).read_bytes())
    assert size == (1920, 1080)
    assert colours.get(rgb(SIDE_COLOURS["Azerbaijan"]), 0) > 300
    assert colours.get(rgb(SIDE_COLOURS["Armenia"]), 0) == 0
