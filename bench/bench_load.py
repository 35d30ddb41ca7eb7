"""Load bench: many analysts at once on one app process (or several behind HAProxy), and one
analyst for a long time.

Run from the repository root (so ``src`` and ``bench`` are this checkout's):

    .venv/bin/python -m bench.bench_load                 # bundled data, 20 sessions
    .venv/bin/python -m bench.bench_load --events 100000 # synthetic 100k-claim folder
    .venv/bin/python -m bench.bench_load --soak 200      # one session, 200 filter changes
    .venv/bin/python -m bench.bench_load --processes 2   # two apps behind sticky HAProxy

It starts the app on 127.0.0.1 (``src.appserver.running_app``) and, at once, SESSIONS light
clients (``bench.stclient``: Streamlit's own websocket protocol, no browser) plus BROWSERS real
headless Chromium tabs, each making CHANGES filter changes: a client sets the period, date
range, side and type widgets by id and times send → ``script_finished``; a tab clicks a period
in the sidebar and times the click → the map showing the new claims. Errors (exception boxes,
HTTP errors, disconnects, timeouts) are counted and must be 0. The server's memory (VmRSS of
the streamlit process) is read before, sampled during (peak) and read after. Everything is
bounded: a fixed number of changes, a per-change timeout and an overall deadline, loopback only.

With ``--processes N`` (N > 1) the same load goes through HAProxy in front of N apps
(``src.proxy``, deploy/haproxy.cfg): each light client first GETs the page for its sticky
cookie, as a browser does; the RSS figures are the apps' summed, and the sessions each app
got are counted from the cookies.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response, sync_playwright

from bench.stclient import (
    ProtocolError,
    RunResult,
    Session,
    range_state,
    string_state,
    strings_state,
)
from bench.synth import write_synthetic  # re-exported: other benches import it from here
from src.appserver import running_app
from src.browser import CHROMIUM_ARGS, chromium_path
from src.dataset import DATA_DIR, DATA_DIR_ENV, load_dataset
from src.filters import FilterState, apply_filters
from src.labels import PERIOD_LABELS
from src.proxy import COOKIE, running_several

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "artifacts" / "bench-load-streamlit.log"
#: The sidebar's widgets this bench changes, by label.
PERIOD, DATES = "Period", "Date range within the period"
SIDES, TYPES = "Claimant side", "Event type"
DAY_US = 86_400_000_000


# --- data ---------------------------------------------------------------------------------------


# --- the server's memory ------------------------------------------------------------------------


def server_pid() -> int:
    """The streamlit process this bench started (its child running ``streamlit run``)."""
    return server_pids()[0]


def server_pids() -> list[int]:
    """Every streamlit process this bench started (its children running ``streamlit run``)."""
    me, found = str(os.getpid()), []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = stat.rsplit(")", 1)[1].split()[1]
        if ppid == me and b"streamlit" in cmdline:
            found.append(int(proc.name))
    if not found:
        raise RuntimeError("no streamlit child process found")
    return sorted(found)


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    """A memory figure of a process from /proc (VmRSS now, VmHWM its peak so far), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field_name} missing for {pid}")


def total_rss_mb(pids: Sequence[int]) -> float:
    """The processes' VmRSS summed, in MB: what several app processes hold together."""
    return sum(rss_mb(pid) for pid in pids)


class PeakSampler:
    """Samples the processes' summed RSS in a thread, a few times a second, keeping the
    highest."""

    def __init__(self, pids: Sequence[int], every_s: float = 0.25) -> None:
        self.pids, self.every_s, self.peak = tuple(pids), every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.peak = max(self.peak, total_rss_mb(self.pids))

    def __enter__(self) -> PeakSampler:
        self.peak = total_rss_mb(self.pids)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, total_rss_mb(self.pids))


# --- what a session records ---------------------------------------------------------------------


@dataclass
class Tally:
    """Times and errors of one kind of client (light or browser)."""

    first: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Sessions per app process, by the sticky cookie's value (behind the proxy only).
    backends: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, who: str, what: str) -> None:
        with self.lock:
            self.errors.append(f"{who}: {what}"[:300])


def _check(result: RunResult, who: str, tally: Tally) -> None:
    for shown in result.exceptions:
        tally.error(who, f"exception box {shown}")


# --- light clients ------------------------------------------------------------------------------


def pick_change(session: Session, rng: random.Random) -> None:
    """One filter change an analyst might make: a period, a date range, sides or types."""
    widgets = session.widgets
    what = rng.choice([PERIOD, DATES, SIDES, TYPES])
    widget = widgets[what]
    if what == PERIOD:
        session.set(string_state(widget.id, rng.choice(widget.options)))
    elif what == DATES:
        days = int((widget.high - widget.low) // DAY_US)
        start = rng.randrange(0, max(1, days))
        end = rng.randrange(start, days + 1)
        session.set(range_state(widget.id, widget.low + start * DAY_US, widget.low + end * DAY_US))
    else:
        k = rng.randrange(0, min(4, len(widget.options)) + 1)  # 0 = all again
        session.set(strings_state(widget.id, rng.sample(widget.options, k)))


async def light_session(
    url: str,
    who: str,
    changes: int,
    think_s: float,
    timeout_s: float,
    tally: Tally,
    sticky: bool = False,
) -> None:
    """Open the map, then make ``changes`` filter changes, each timed to its run's end
    (``sticky``: load the page first for the proxy's cookie, and count the process it names)."""
    rng = random.Random(who)
    try:
        async with Session(url, load_page=sticky) as session:
            if sticky:
                tally.backends[session.cookies.get(COOKIE, "no cookie")] += 1
            first = await session.run(timeout_s)
            _check(first, who, tally)
            tally.first.append(first.seconds)
            for _ in range(changes):
                await asyncio.sleep(rng.uniform(0, think_s))  # an analyst reads the map
                pick_change(session, rng)
                result = await session.run(timeout_s)
                _check(result, who, tally)
                tally.changes.append(result.seconds)
    except TimeoutError:
        tally.error(who, f"no script_finished within {timeout_s:.0f} s")
    except (ProtocolError, OSError) as exc:
        tally.error(who, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # websockets' ConnectionClosed and the like: a disconnect
        tally.error(who, f"disconnected: {type(exc).__name__}: {exc}")


async def light_sessions(
    url: str,
    count: int,
    changes: int,
    think_s: float,
    timeout_s: float,
    tally: Tally,
    sticky: bool = False,
) -> None:
    runs = [light_session(url, f"light-{i}", changes, think_s, timeout_s, tally, sticky)
            for i in range(count)]  # fmt: skip
    await asyncio.gather(*runs)


# --- real browsers ------------------------------------------------------------------------------

#: Map claims drawn (``n``), no run in progress, nothing stale: the click's view is on screen.
#: The claims the view represents are ``kcm.count()`` where the map has it (a grouped marker
#: stands for several claims), else one marker per claim.
_SETTLED = """(n) => {
  if (document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]')) return false;
  return [...document.querySelectorAll('iframe')].some(f => { try {
    const k = f.contentWindow.kcm;
    if (!k) return false;
    if (typeof k.count === 'function') return k.count() === n;
    return !!k.claims && k.claims.getLayers().length === n;
  } catch (e) { return false; } });
}"""


def located(events: pd.DataFrame, period: str) -> int:
    """How many claims with a place a period shows: the markers its map must draw."""
    shown = apply_filters(events, FilterState(period=period))
    return int((shown["place_id"] != "").sum())


def browser_session(
    url: str, who: str, changes: int, expected: dict[str, int], timeout_s: float, tally: Tally
) -> None:
    """One Chromium tab: open the map, then click through the periods, timing each click to
    the map showing that period's claims."""
    path = chromium_path()
    if path is None:
        tally.error(who, "no chromium found")
        return
    periods = ["blockade", "offensive", "background", "all"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})

            def http_error(response: Response) -> None:
                if response.status >= 400:
                    tally.error(who, f"HTTP {response.status} {response.url}")

            page.on("response", http_error)
            started = time.perf_counter()
            page.goto(url, timeout=timeout_s * 1000)  # a busy server answers late
            _settle(page, expected["all"], timeout_s)
            tally.first.append(time.perf_counter() - started)
            for cookie in page.context.cookies():
                if cookie.get("name") == COOKIE:
                    with tally.lock:
                        tally.backends[cookie.get("value", "")] += 1
            for i in range(changes):
                period = periods[i % len(periods)]
                label = page.locator("[data-testid='stSidebar'] label").filter(
                    has_text=PERIOD_LABELS[period]
                )
                started = time.perf_counter()
                label.first.click()
                _settle(page, expected[period], timeout_s)
                tally.changes.append(time.perf_counter() - started)
                boxes = page.locator("[data-testid='stException']").count()
                if boxes:
                    tally.error(who, f"{boxes} exception box(es) after {period}")
        except PlaywrightError as exc:
            tally.error(who, f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        finally:
            browser.close()


def _settle(page: Page, claims: int, timeout_s: float) -> None:
    page.wait_for_function(_SETTLED, arg=claims, polling=100, timeout=timeout_s * 1000)


# --- the two runs -------------------------------------------------------------------------------


@contextmanager
def app_on(events: int, processes: int = 1) -> Iterator[tuple[str, Path]]:
    """The app on the bundled data (``events`` 0) or a synthetic folder of that size; with
    ``processes`` > 1, that many apps behind HAProxy (the URL is the proxy's)."""
    env = {k: v for k, v in os.environ.items() if k != DATA_DIR_ENV}
    with tempfile.TemporaryDirectory(prefix="kcm-load-") as tmp:
        folder = write_synthetic(events, Path(tmp)) if events else DATA_DIR
        if events:
            env[DATA_DIR_ENV] = str(folder)
        with contextlib.ExitStack() as stack:
            if processes > 1:
                url = stack.enter_context(running_several(processes, LOG.parent, env)).url
            else:
                url = stack.enter_context(running_app(LOG, env=env))
            yield url, folder


def load_run(args: argparse.Namespace) -> int:
    """SESSIONS light clients and BROWSERS tabs at once; print the figures; 0 if no errors."""
    light, real = Tally(), Tally()
    sticky = args.processes > 1
    with app_on(args.events, args.processes) as (url, folder):
        data = load_dataset(folder)
        expected = {p: located(data.events, p) for p in PERIOD_LABELS}
        pids = server_pids()
        before = total_rss_mb(pids)
        started = time.perf_counter()
        with PeakSampler(pids) as sampler:
            tabs = [
                threading.Thread(
                    target=browser_session,
                    args=(url, f"tab-{i}", args.changes, expected, args.timeout, real),
                )
                for i in range(args.browsers)
            ]
            for tab in tabs:
                tab.start()
            asyncio.run(
                asyncio.wait_for(
                    light_sessions(
                        url, args.sessions, args.changes, args.think, args.timeout, light, sticky
                    ),
                    args.deadline,
                )
            )
            for tab in tabs:
                tab.join(max(1.0, args.deadline - (time.perf_counter() - started)))
                if tab.is_alive():
                    real.error(tab.name, "still running at the deadline")
        wall = time.perf_counter() - started
        after = total_rss_mb(pids)
    size = f"{len(data.events):,} {'synthetic' if args.events else 'bundled'} claims"
    print(f"{size}; {args.sessions} light sessions + {args.browsers} Chromium tabs, "
          f"{args.changes} filter changes each, think time up to {args.think:.1f} s")  # fmt: skip
    print(f"wall time {wall:.0f} s; load average {_load_average()}")
    print(f"{'client':<9} {'changes':>7} {'first load: median':>19} {'max':>6}"
          f" {'filter change: median':>22} {'max':>6} {'errors':>7}")  # fmt: skip
    for name, tally in (("light", light), ("browser", real)):
        _row(name, tally)
    servers = f"{len(pids)} app processes' summed RSS" if len(pids) > 1 else "server RSS"
    print(f"{servers}: before {before:.0f} MB, peak {sampler.peak:.0f} MB, after {after:.0f} MB")
    if sticky:
        spread = light.backends + real.backends
        print("sessions per process (sticky cookie):",
              ", ".join(f"{name} {n}" for name, n in sorted(spread.items())))  # fmt: skip
    for line in light.errors[:10] + real.errors[:10]:
        print("  error:", line)
    return 1 if light.errors or real.errors else 0


def _load_average() -> str:
    """The machine's 1/5/15-minute load average (the bench shares its cores)."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _row(name: str, tally: Tally) -> None:
    if not tally.changes:
        print(f"{name:<9} {0:>7} {'-':>19} {'-':>6} {'-':>22} {'-':>6} {len(tally.errors):>7}")
        return
    first = tally.first or [0.0]
    print(
        f"{name:<9} {len(tally.changes):>7} {statistics.median(first):>19.2f} {max(first):>6.2f}"
        f" {statistics.median(tally.changes):>22.2f} {max(tally.changes):>6.2f}"
        f" {len(tally.errors):>7}"
    )


async def _soak(url: str, pid: int, changes: int, timeout_s: float, tally: Tally) -> list[str]:
    lines, rng = [], random.Random("soak")
    async with Session(url) as session:
        first = await session.run(timeout_s)
        _check(first, "soak", tally)
        lines.append(f"{0:>7} {rss_mb(pid):>8.0f}")
        for i in range(1, changes + 1):
            pick_change(session, rng)
            result = await session.run(timeout_s)
            _check(result, "soak", tally)
            tally.changes.append(result.seconds)
            if i % 50 == 0:
                lines.append(f"{i:>7} {rss_mb(pid):>8.0f}")
    return lines


def soak_run(args: argparse.Namespace) -> int:
    """One session making ``--soak`` changes back to back: RSS every 50 changes must level off."""
    tally = Tally()
    with app_on(args.events) as (url, _):
        pid = server_pid()
        before = rss_mb(pid)
        try:
            lines = asyncio.run(
                asyncio.wait_for(_soak(url, pid, args.soak, args.timeout, tally), args.deadline)
            )
        except (TimeoutError, ProtocolError, OSError) as exc:
            tally.error("soak", f"{type(exc).__name__}: {exc}")
            lines = []
        peak = rss_mb(pid, "VmHWM")
    size = f"{args.events:,} synthetic claims" if args.events else "bundled data"
    print(f"one session, {args.soak} filter changes back to back, {size}")
    print(f"server RSS before the session: {before:.0f} MB")
    print(f"{'changes':>7} {'RSS MB':>8}")
    print("\n".join(lines))
    if tally.changes:
        print(f"filter change: median {statistics.median(tally.changes):.2f} s, "
              f"max {max(tally.changes):.2f} s; server peak RSS {peak:.0f} MB")  # fmt: skip
    for line in tally.errors[:20]:
        print("  error:", line)
    return 1 if tally.errors else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=0, help="synthetic claims (0: bundled)")
    parser.add_argument("--sessions", type=int, default=20, help="light websocket clients")
    parser.add_argument("--browsers", type=int, default=2, help="headless Chromium tabs")
    parser.add_argument("--changes", type=int, default=10, help="filter changes per session")
    parser.add_argument("--think", type=float, default=1.0, help="max pause between changes, s")
    parser.add_argument("--timeout", type=float, default=120.0, help="per change, s")
    parser.add_argument("--deadline", type=float, default=900.0, help="whole run, s")
    parser.add_argument("--soak", type=int, default=0, help="one session, this many changes")
    parser.add_argument(
        "--processes", type=int, default=1, help="app processes; > 1: behind HAProxy (sticky)"
    )
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    if args.soak and args.processes > 1:
        parser.error("--soak measures one session on one process: leave --processes at 1")
    return soak_run(args) if args.soak else load_run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
