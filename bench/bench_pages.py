"""Benchmark: how long each page takes to become usable in a real browser, data cached; or
(``--bytes``) how many bytes each page sends.

Run: ``.venv/bin/python bench/bench_pages.py [ROUNDS]``. Starts the app on the bundled data,
opens the map in Debian's headless Chromium (that first load caches the data), then goes
through the pages with the sidebar navigation ROUNDS times (default 3), and prints per page
two times from the click: until the page answers (its heading and view line are on screen
and the click's run has started drawing it), and until it has finished drawing (its text, the
sidebar, its map or chart, nothing stale). Target: interactive within 2 s per page.

``.venv/bin/python -m bench.bench_pages --bytes [--events N | --data DIR]`` opens each page
with the light client (``bench.stclient``, Streamlit's websocket protocol) on the bundled data,
N synthetic claims or the folder DIR (its snapshot reused: ``bench.bench_data`` writes one), and
prints the server's start (process up, then the map's first run, which loads the data) and
per page the bytes and time of the first visit (**cold**: nothing of that page's view computed
yet; the heaviest element kinds named), of a filter change (the period: a new view, so cold
too) and of a rerun with nothing changed (**warm**: every view cached), then the server's RSS
(now and peak). Targets: ≤ 3 MB per view; at 10^6 claims a start ≤ 10 s, a change ≤ 3 s,
≤ 2 GB. A browser that has seen a large message before is sent only its hash, so these
first-view figures are the most it gets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.stclient import RunResult, Session, string_state
from src.appserver import PAGES, running_app, settle
from src.browser import CHROMIUM_ARGS, chromium_path
from src.dataset import DATA_DIR_ENV
from src.labels import PERIOD_LABELS

ROOT = Path(__file__).resolve().parent.parent
#: The sidebar link of each page, by URL path ("/" is the map).
_LINK = {"/": "Map", "/Claims": "Claims", "/Timeline": "Timeline", "/Sources": "Sources"}
_LINK["/Places"] = "Places"


#: The page names a browser's first run sends, by URL path.
_PAGE_NAME = {"/": "", "/Claims": "Claims", "/Timeline": "Timeline", "/Sources": "Sources"}
_PAGE_NAME["/Places"] = "Places"


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f}"


def _heaviest(result: RunResult, k: int = 3) -> str:
    kinds = sorted(result.bytes_by_kind.items(), key=lambda kv: -kv[1])[:k]
    return ", ".join(f"{name} {_mb(n)}" for name, n in kinds)


async def _page_bytes(url: str, path: str, timeout_s: float) -> list[RunResult]:
    """First view, a period change, and a rerun with nothing changed, of one page."""
    async with Session(url, page_name=_PAGE_NAME[path]) as session:
        first = await session.run(timeout_s)
        period = session.widgets["Period"]
        offensive = next(o for o in period.options if o.startswith(PERIOD_LABELS["offensive"]))
        session.set(string_state(period.id, offensive))
        change = await session.run(timeout_s)
        again = await session.run(timeout_s)
    return [first, change, again]


def bytes_run(events: int, timeout_s: float, folder: Path | None = None) -> int:
    """Print the bytes and time of each page's runs (see the module's docstring)."""
    from bench.bench_load import rss_mb, server_pid, write_synthetic  # pandas-heavy

    env = {k: v for k, v in os.environ.items() if k != DATA_DIR_ENV}
    errors = 0
    with tempfile.TemporaryDirectory(prefix="kcm-bytes-") as tmp:
        if folder is not None:
            env[DATA_DIR_ENV] = str(folder)
        elif events:
            env[DATA_DIR_ENV] = str(write_synthetic(events, Path(tmp)))
        log = ROOT / "artifacts" / "bench-bytes-streamlit.log"
        started = time.perf_counter()
        with running_app(log, env=env) as url:
            up = time.perf_counter() - started
            first_map = asyncio.run(_page_bytes(url, "/", timeout_s * 3))[0]  # loads the data
            pid = server_pid()
            print(folder or (f"{events:,} synthetic claims" if events else "bundled data"))
            print(f"start: server up {up:.1f} s, then the map's first run (data loaded)"
                  f" {first_map.seconds:.1f} s; RSS {rss_mb(pid):.0f} MB")  # fmt: skip
            print(f"{'page':<9} {'cold: first MB':>14} {'s':>6} {'change MB':>10} {'s':>6}"
                  f" {'warm: rerun MB':>14} {'s':>6}  heaviest in the first view (MB)")  # fmt: skip
            for _, path, _, _ in PAGES:
                runs = asyncio.run(_page_bytes(url, path, timeout_s))
                for run in runs:
                    errors += len(run.exceptions)
                cells = "".join(
                    f" {_mb(r.bytes):>{w}} {r.seconds:>6.2f}"
                    for r, w in zip(runs, (14, 10, 14), strict=True)
                )
                print(f"{_LINK[path]:<9}{cells}  {_heaviest(runs[0])}")
            print(f"server RSS at the end {rss_mb(pid):.0f} MB, peak {rss_mb(pid, 'VmHWM'):.0f} MB")
    print("MB = 10^6 bytes of forward messages (the websocket's binary frames)")
    return 1 if errors else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="?", type=int, default=3, help="switches per page")
    parser.add_argument("--bytes", action="store_true", help="bytes per page (light client)")
    parser.add_argument("--events", type=int, default=0, help="synthetic claims (0: bundled)")
    parser.add_argument("--data", type=Path, default=None, help="data folder (snapshot kept)")
    parser.add_argument("--timeout", type=float, default=300.0, help="per run, s")
    args = parser.parse_args(argv)
    if args.bytes:
        return bytes_run(args.events, args.timeout, args.data)
    rounds = args.rounds
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
