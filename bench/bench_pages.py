"""Benchmark: how long each page takes to become usable in a real browser, data cached.

Run: ``.venv/bin/python bench/bench_pages.py [ROUNDS]``. Starts the app on the bundled data,
opens the map in Debian's headless Chromium (that first load caches the data), then goes
through the pages with the sidebar navigation ROUNDS times (default 3), and prints per page
two times from the click: until the page answers (its heading and view line are on screen
and the click's run has started drawing it), and until it has finished drawing (its text, the
sidebar, its map or chart, nothing stale). Target: interactive within 2 s per page.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from src.appserver import PAGES, running_app, settle
from src.browser import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
#: The sidebar link of each page, by URL path ("/" is the map).
_LINK = {"/": "Map", "/Claims": "Claims", "/Timeline": "Timeline", "/Sources": "Sources"}
_LINK["/Places"] = "Places"


def main(argv: list[str]) -> int:
    rounds = int(argv[0]) if argv else 3
    browser_path = chromium_path()
    if browser_path is None:
        raise SystemExit("no chromium found (scripts/test.sh installs it)")
    answers: dict[str, list[float]] = {path: [] for _, path, _, _ in PAGES}
    waits: dict[str, list[float]] = {path: [] for _, path, _, _ in PAGES}
    with (
        running_app(ROOT / "artifacts" / "bench-pages-streamlit.log") as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        started = time.perf_counter()
        page.goto(url)
        settle(page, PAGES[0][2], PAGES[0][3])
        first = time.perf_counter() - started
        for _ in range(rounds):
            for _, path, text, drawn in [*PAGES[1:], PAGES[0]]:
                link = page.locator("[data-testid='stSidebarNav'] a", has_text=_LINK[path])
                started = time.perf_counter()
                link.first.click()
                page.wait_for_url(f"{url}{path}*")
                page.get_by_text(text).first.wait_for(timeout=90_000)
                answers[path].append(time.perf_counter() - started)
                settle(page, text, drawn)
                waits[path].append(time.perf_counter() - started)
        browser.close()
    print(f"first map, data loaded and cached: {first:.2f} s")
    print(f"{'page':<10} {'answers: median':>16} {'max':>6} {'drawn: median':>14} {'max':>6}")
    for path, times in waits.items():
        first_seen = answers[path]
        print(
            f"{_LINK[path]:<10} {statistics.median(first_seen):>16.2f} {max(first_seen):>6.2f}"
            f" {statistics.median(times):>14.2f} {max(times):>6.2f}"
        )
    print(f"seconds; {rounds} switches per page through the sidebar navigation")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
