"""Refresh the README's screenshots from the running app on the bundled data.

    .venv/bin/python scripts/screenshots.py [--out docs] [--widths 1600x1000,1280x720,390x844]

Starts ``streamlit run dashboard.py`` on a free loopback port, opens each page in Debian's
headless Chromium (``src.browser``), waits until the page has drawn, and writes PNGs: the
first size goes to ``docs/`` (the README's pictures), every size to ``artifacts/screens/``
for looking at the layout at desktop, laptop and phone widths.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from src.browser import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
#: (file stem, URL path, text on screen once the script ran, what must have drawn after it)
MAP = "map"
CHART = "chart"
PAGES = (
    ("screenshot", "/", "claims shown", MAP),
    ("page-claims", "/Claims", "Incidents in view", CHART),
    ("page-timeline", "/Timeline", "Claims over time", CHART),
    ("page-sources", "/Sources", "Coverage: articles", CHART),
    ("page-places", "/Places", "Gazetteer", MAP),
)
#: The map iframe has drawn its places (and claims, where the page has them).
_MAP_DRAWN = (
    "() => [...document.querySelectorAll('iframe')].some(f => { try {"
    " const k = f.contentWindow.kcm; return k && k.places && k.places.getLayers().length > 0;"
    " } catch (e) { return false; } })"
)
_CHART_DRAWN = "() => document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length > 0"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app did not start within {timeout_s:.0f} s")


def _settle(page: Page, text: str, drawn: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=90_000)
    page.get_by_text("Basemap").first.wait_for(timeout=90_000)  # the sidebar's last widget
    page.wait_for_function(_MAP_DRAWN if drawn == MAP else _CHART_DRAWN, timeout=90_000)
    page.wait_for_function(  # no element still stale from the run before
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=90_000
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--widths", default="1600x1000,1280x720,390x844")
    args = parser.parse_args(argv)
    sizes = [tuple(int(n) for n in s.split("x")) for s in args.widths.split(",")]
    browser_path = chromium_path()
    if browser_path is None:
        raise SystemExit("no chromium found (scripts/test.sh installs it)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    screens = ROOT / "artifacts" / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    try:
        _wait_healthy(url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
            for i, (width, height) in enumerate(sizes):
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                for stem, path, text, drawn in PAGES:
                    page.goto(url + path)
                    _settle(page, text, drawn)
                    shot = screens / f"{stem}-{width}x{height}.png"
                    page.screenshot(path=str(shot))
                    if i == 0:
                        target = args.out / (
                            f"{stem}.png" if stem == "screenshot" else f"screenshots/{stem}.png"
                        )
                        page.screenshot(path=str(target))
                    print(shot)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
