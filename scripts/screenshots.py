"""Refresh the README's screenshots from the running app on the bundled data.

    .venv/bin/python scripts/screenshots.py [--out docs] [--widths 1600x1000,1280x720,390x844]

Starts ``streamlit run dashboard.py`` on a free loopback port, opens each page in Debian's
headless Chromium (``src.browser``), waits until the page has drawn, and writes PNGs: the
first size goes to ``docs/`` (the README's pictures), every size to ``artifacts/screens/``
for looking at the layout at desktop, laptop and phone widths.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from src.appserver import PAGES, running_app, settle
from src.browser import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--widths", default="1600x1000,1280x720,390x844")
    args = parser.parse_args(argv)
    sizes = [tuple(int(n) for n in s.split("x")) for s in args.widths.split(",")]
    browser_path = chromium_path()
    if browser_path is None:
        raise SystemExit("no chromium found (scripts/test.sh installs it)")
    screens = ROOT / "artifacts" / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    with (
        running_app(ROOT / "artifacts" / "screenshots-streamlit.log") as url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        for i, (width, height) in enumerate(sizes):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for stem, path, text, drawn in PAGES:
                page.goto(url + path)
                settle(page, text, drawn)
                shot = screens / f"{stem}-{width}x{height}.png"
                page.screenshot(path=str(shot))
                if i == 0:
                    name = f"{stem}.png" if stem == "screenshot" else f"screenshots/{stem}.png"
                    page.screenshot(path=str(args.out / name))
                print(shot)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
