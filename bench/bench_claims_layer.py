"""Benchmark: the claims layer's payload size per view and its drawing time in Chromium.

Run: ``.venv/bin/python -m bench.bench_claims_layer [SIZES…]`` (default 1000 10000 100000).
Per size it prints the claims payload's JSON bytes, the mode (one marker per claim, per group,
or per aggregate), the markers sent and the server's build time; for sizes up to
``--browser-max`` (default 100000) it also opens the map as a standalone offline page in
headless Chromium and prints how long ``kcm.claimsLayer`` took from payload to drawn (its own
``performance.now()`` figures: markers built, then clustered on the map) and what
``kcm.count()`` reports. Nothing here is a pass/fail target: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.bench_map import synthetic
from src.assets.localize import inline_html
from src.browser import CHROMIUM_ARGS, chromium_path
from src.dataset import load_dataset
from src.mapview.build import base_map, claims_group, claims_payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10_000, 100_000])
    parser.add_argument("--browser-max", type=int, default=100_000)
    args = parser.parse_args()
    print(
        f"{'claims':>9} {'mode':>10} {'markers':>8} {'payload':>10} {'build':>7} "
        f"{'built':>8} {'drawn':>8} {'count':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for n in args.sizes:
            events, places = synthetic(n)
            t0 = time.perf_counter()
            payload, stats = claims_payload(events, places, {})
            build_s = time.perf_counter() - t0
            size = len(json.dumps(payload, separators=(",", ":")))
            built = drawn = count = "-"
            if n <= args.browser_max:
                bundled = load_dataset()  # the gazetteer's own dots: measure the claims
                m = base_map(bundled.places, bundled.events, "none")
                claims_group(payload).add_to(m)
                page_path = Path(tmp) / f"map-{n}.html"
                page_path.write_text(inline_html(m), encoding="utf-8")
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.goto(page_path.as_uri())
                page.wait_for_function("() => window.kcm && window.kcm.drawn", timeout=300_000)
                timing = page.evaluate("() => window.kcm.timing")
                built = f"{timing['built']:.0f} ms"
                drawn = f"{timing['drawn']:.0f} ms"
                count = str(page.evaluate("() => window.kcm.count()"))
                page.close()
            print(
                f"{n:>9} {stats.mode:>10} {stats.drawn:>8} {size / 1e6:>8.2f}MB "
                f"{build_s:>6.2f}s {built:>8} {drawn:>8} {count:>9}",
                flush=True,
            )
        browser.close()


if __name__ == "__main__":
    main()
