"""Browser bench (issue #12): what an analyst waits for and receives, side by side with plain
folium pages holding the same points, in one run.

Run from the repository root (so ``src`` and ``bench`` are this checkout's):

    .venv/bin/python -m bench.bench_browser                       # 1k, 10k, 100k claims
    .venv/bin/python -m bench.bench_browser --sizes 1000000       # 1M (opt-in)
    .venv/bin/python -m bench.bench_browser --json figures.json --markdown

For each size, on a synthetic dataset folder (generated once, kept under
``artifacts/bench-browser/``), in headless Chromium that can reach 127.0.0.1 only:

* **the app** (``dashboard.py`` on that folder): the first map, from navigation start until the
  map's claims are drawn (``kcm.count()`` equal to the view's count computed here with
  ``apply_filters``; before #12's map, the claims cluster on the map holding that many), for a
  fresh server's first session and for a second session; then three filter changes made with
  the sidebar's widgets in the running page (claimant side, event type, period), each timed
  from the click that makes it (a multiselect is opened and its search typed first, untimed:
  that is the user choosing, not the app answering) until a new ``window.kcm`` view (or
  claims layer) shows the new count; the bytes the browser
  received (websocket frames split by what they carry, and HTTP responses) for the first view
  and each change; the server's RSS; the tab's JS heap (map iframe included: same origin, same
  isolate) after a garbage collection;
* **the floor**: a bare Streamlit page with one empty ``st_folium`` map (``bench/floor_app.py``),
  time to the map drawn, also for a first and a second session; and the floor of a change: the
  same page with the first change's multiselect, timed like the app's first change until its
  map holds the marker picked (a rerun and a redraw, nothing else);
* **FastMarkerCluster**: folium's ``FastMarkerCluster`` of the same points (no popups) on a
  static page served from 127.0.0.1 with the vendored assets, time to its markers drawn;
* **naive**: one ``folium.Marker`` with a popup per point, up to ``--naive-max`` points.

and the ratios that say whether the app is fast: slowest change ÷ FastMarkerCluster, and
(first map - floor) ÷ FastMarkerCluster; below 1 is the goal. The machine is shared, so the
seconds move with its load; the ratios, measured minutes apart, much less. Every wait is
bounded by ``--timeout``; a step that times out is reported as such and the run goes on.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import functools
import http.server
import json
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

import folium
import pandas as pd
from folium.plugins import FastMarkerCluster
from google.protobuf.message import DecodeError
from playwright.sync_api import Browser, CDPSession, Locator, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.bench_load import rss_mb, server_pid, write_synthetic
from bench.floor_app import OPTION_PARAM, VENDOR_URL_ENV, WIDGET_PARAM
from src.appserver import running_app
from src.assets import DEFAULT_STATIC_DIR
from src.assets.localize import localize_map
from src.browser import CHROMIUM_ARGS, chromium_path
from src.dataset import DATA_DIR_ENV, load_dataset
from src.filters import FilterState, apply_filters
from src.labels import PERIOD_LABELS
from src.rows import records
from src.safe_html import esc

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "artifacts" / "bench-browser"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
MB = 1_000_000
VIEWPORT = {"width": 1600, "height": 1000}
#: The browser resolves 127.0.0.1 only: map tiles and CDNs fail at once, nothing leaves the
#: machine, and the bytes counted are the app's.
OFFLINE_ARGS = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",)
#: In-page polling interval of the waits, ms.
POLL_MS = 50


# --- the three filter changes ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One filter change made with a sidebar widget; each adds to the ones before it."""

    name: str
    kind: Literal["multiselect", "radio"]
    #: The multiselect's label, or the radio option's label.
    widget: str
    option: str
    apply: Callable[[FilterState], FilterState]


CHANGES = (
    Change("side: Armenia", "multiselect", "Claimant side", "Armenia",
           lambda s: s.with_facet("sides", ["Armenia"])),
    Change("+ type: Battles", "multiselect", "Event type", "Battles",
           lambda s: s.with_facet("types", ["Battles"])),
    Change("+ period: blockade", "radio", PERIOD_LABELS["blockade"], "",
           lambda s: dataclasses.replace(s, period="blockade")),
)  # fmt: skip


def on_map(events: pd.DataFrame, state: FilterState) -> int:
    """The claims a view puts on the map: those the filters keep that have a place."""
    shown = apply_filters(events, state)
    return int((shown["place_id"] != "").sum())


# --- what a run records -----------------------------------------------------------------------


@dataclass
class Bytes:
    """What the browser received: websocket payload by what it carried, and HTTP bodies."""

    map: int = 0
    tables: int = 0
    ws_other: int = 0
    http: int = 0

    @property
    def total(self) -> int:
        return self.map + self.tables + self.ws_other + self.http

    def minus(self, before: Bytes) -> Bytes:
        return Bytes(*(a - b for a, b in zip(self.astuple(), before.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int]:
        return (self.map, self.tables, self.ws_other, self.http)


@dataclass
class ChangeFigures:
    name: str
    expected: int
    seconds: float | None = None
    bytes: Bytes | None = None


@dataclass
class SizeFigures:
    """Everything measured at one size; ``None`` where a step did not finish (see ``notes``)."""

    size: int
    on_map: int = 0
    floor_cold: float | None = None
    floor_warm: float | None = None
    floor_bytes: Bytes | None = None
    floor_change: float | None = None
    first_cold: float | None = None
    first_warm: float | None = None
    #: Until the whole page is drawn (the sidebar's filters, every run finished): a first
    #: view draws its map before the rest (``src/ui/shell.prepare``).
    whole_cold: float | None = None
    whole_warm: float | None = None
    first_bytes: Bytes | None = None
    changes: list[ChangeFigures] = field(default_factory=list)
    rss_first_mb: float | None = None
    rss_end_mb: float | None = None
    rss_peak_mb: float | None = None
    heap_first_mb: float | None = None
    heap_end_mb: float | None = None
    fmc: float | None = None
    fmc_bytes: int | None = None
    naive: float | None = None
    load_average: str = ""
    notes: dict[str, str] = field(default_factory=dict)
    #: What the page had when a step failed (printed under the table).
    details: list[str] = field(default_factory=list)


def ratios(fig: SizeFigures) -> dict[str, float | None]:
    """The goal's ratios, below 1 when the app beats a bare FastMarkerCluster page: the slowest
    filter change, and the first map less the floor (a fresh server's, and a second session's),
    each ÷ the FastMarkerCluster page's time."""
    times = [c.seconds for c in fig.changes if c.seconds is not None]
    slowest = max(times) if len(times) == len(CHANGES) else None  # all of them, or unknown

    def over_fmc(value: float | None) -> float | None:
        if value is None or not fig.fmc:
            return None
        return value / fig.fmc

    def less(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    return {
        "change": over_fmc(slowest),
        "first_cold": over_fmc(less(fig.first_cold, fig.floor_cold)),
        "first_warm": over_fmc(less(fig.first_warm, fig.floor_warm)),
    }


# --- bytes, from the browser's own network events ---------------------------------------------


def _decoded(payload: bytes) -> ForwardMsg | None:
    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except DecodeError:
        return None
    return msg


def frame_kind(payload: bytes) -> tuple[str, bool]:
    """What one Streamlit websocket frame carries ("map": a component, streamlit-folium's map;
    "tables": a dataframe; "other"), and whether it ends a script run."""
    msg = _decoded(payload)
    kind = msg.WhichOneof("type") if msg is not None else None
    if kind == "script_finished":
        return "other", True
    if msg is not None and kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element.WhichOneof("type")
        if element == "component_instance":
            return "map", False
        if element in ("dataframe", "table", "arrow_data_frame", "arrow_table"):
            return "tables", False
    return "other", False


def run_starts(payload: bytes) -> bool:
    """Whether a websocket frame starts a script run (Streamlit's ``new_session``)."""
    msg = _decoded(payload)
    return msg is not None and msg.WhichOneof("type") == "new_session"


class Meter:
    """Counts what a page receives through CDP: websocket frames (decoded, classified with
    :func:`frame_kind`) and HTTP responses (``encodedDataLength``: on the wire, headers
    included), and the script runs that finished."""

    def __init__(self, cdp: CDPSession) -> None:
        self.bytes = Bytes()
        self.runs_started = 0
        self.runs_finished = 0
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.loadingFinished", self._loaded)
        cdp.send("Network.enable")

    def _frame(self, event: dict[str, Any]) -> None:
        response = event["response"]
        data = response.get("payloadData", "")
        if response.get("opcode") == 2:  # binary: CDP gives it base64-encoded
            payload = base64.b64decode(data)
            kind, finished = frame_kind(payload)
            self.runs_started += run_starts(payload)
            size = len(payload)
        else:
            kind, finished, size = "other", False, len(data.encode())
        if kind == "map":
            self.bytes.map += size
        elif kind == "tables":
            self.bytes.tables += size
        else:
            self.bytes.ws_other += size
        self.runs_finished += finished

    def _loaded(self, event: dict[str, Any]) -> None:
        self.bytes.http += int(event.get("encodedDataLength", 0))

    def snapshot(self) -> Bytes:
        return dataclasses.replace(self.bytes)


def heap_mb(cdp: CDPSession) -> float:
    """The tab's live JS heap after a garbage collection, in MB (the map's same-origin iframe
    shares the page's isolate, so it is included)."""
    cdp.send("HeapProfiler.collectGarbage")
    return float(cdp.send("Runtime.getHeapUsage")["usedSize"]) / MB


# --- in-page probes ---------------------------------------------------------------------------

#: True once a same-origin iframe's map shows a view other than the one :data:`_MARK_JS` noted
#: (a new ``window.kcm`` object, or on the app before #12 a new claims cluster: compared by
#: identity, since a new ``kcm`` may copy the old one's properties) representing ``n`` claims:
#: ``kcm.count()`` where the map has it (and ``kcm.drawn`` if it says), else the claims
#: cluster's markers once the cluster is on the map.
_VIEW_JS = """(n) => {
  for (const f of document.querySelectorAll('iframe')) {
    let w, k; try { w = f.contentWindow; k = w.kcm; } catch (e) { continue; }
    if (!k) continue;
    const old = w.__benchView;
    if (old && k === old.kcm && k.claims === old.claims) continue;
    const count = typeof k.count === 'function' ? (k.drawn === false ? null : k.count())
      : (k.claims && k.claims._map ? k.claims.getLayers().length : null);
    if (count === n) return true;
  }
  return false;
}"""
#: The claims the map shows now (as :data:`_VIEW_JS` counts them), or null: for a failure's note.
_SHOWN_JS = """() => {
  for (const f of document.querySelectorAll('iframe')) {
    let k; try { k = f.contentWindow.kcm; } catch (e) { continue; }
    if (k && typeof k.count === 'function') return k.count();
    if (!k || !k.claims) continue;
    const n = k.claims.getLayers().length;
    return k.claims._map ? n : n + ' (its cluster not yet on the map)';
  }
  return null;
}"""
#: Notes the view each map iframe shows now, so that the next one can be told from it.
_MARK_JS = """() => {
  let marked = 0;
  for (const f of document.querySelectorAll('iframe')) {
    let w, k; try { w = f.contentWindow; k = w.kcm; } catch (e) { continue; }
    if (!k) continue;
    w.__benchView = {kcm: k, claims: k.claims};
    marked++;
  }
  return marked;
}"""
#: streamlit-folium's map (``window.map`` in its iframe) has been set up and drawn.
_FLOOR_JS = """() => [...document.querySelectorAll('iframe')].some(f => {
  try { const m = f.contentWindow.map; return !!(m && m._loaded && m._container); }
  catch (e) { return false; }
})"""
#: The floor page's map holds ``n`` markers (SVG paths: its circle markers).
_FLOOR_MARKERS_JS = """(n) => [...document.querySelectorAll('iframe')].some(f => {
  try { return f.contentDocument.querySelectorAll('path.leaflet-interactive').length === n; }
  catch (e) { return false; }
})"""
#: A plain folium page: its markers are in the DOM and, for a cluster, the layer (the global
#: ``name``) holds all ``n`` points; for the naive page every marker has its icon.
_PLAIN_JS = """([name, n]) => {
  const icons = document.querySelectorAll('.leaflet-marker-icon').length;
  if (!name) return icons === n;
  const c = window[name];
  return icons > 0 && !!c && !!c._map && c.getLayers().length === n;
}"""


def _wait(page: Page, js: str, arg: Any, timeout_s: float) -> None:
    page.wait_for_function(js, arg=arg, polling=POLL_MS, timeout=timeout_s * 1000)


def _wait_runs(page: Page, meter: Meter, above: int, timeout_s: float) -> None:
    """Wait until more than ``above`` script runs have finished (their last frame received),
    pumping the page's events; bounded by ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while meter.runs_finished <= above:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script_finished within {timeout_s:.0f} s")
        page.wait_for_timeout(POLL_MS)  # lets Playwright deliver the CDP events meanwhile


# --- sessions ---------------------------------------------------------------------------------


@contextlib.contextmanager
def tab(browser: Browser) -> Iterator[tuple[Page, CDPSession, Meter]]:
    """A fresh context (empty cache, new session) with one page, metered from its first
    request."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        yield page, cdp, Meter(cdp)
    finally:
        context.close()


def timed_load(page: Page, url: str, js: str, arg: Any, timeout_s: float) -> float:
    """Seconds from navigation start until ``js(arg)`` holds in the page."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    _wait(page, js, arg, timeout_s)
    return time.perf_counter() - started


def timed_first_view(
    page: Page, meter: Meter, url: str, expected: int, timeout_s: float
) -> tuple[float, float]:
    """Seconds from navigation start until the map shows ``expected`` claims, and until the
    whole page is drawn: the first change's widget in the sidebar and every run started so
    far finished (the map's report of its first draw starts the run that draws the rest)."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    _wait(page, _VIEW_JS, expected, timeout_s)
    first = time.perf_counter() - started
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text(CHANGES[0].widget, exact=True).wait_for(timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    while not meter.runs_started or meter.runs_finished < meter.runs_started:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page's runs did not finish within {timeout_s:.0f} s")
        page.wait_for_timeout(POLL_MS)  # lets Playwright deliver the CDP events meanwhile
    return first, time.perf_counter() - started


def floor_figures(browser: Browser, vendor_url: str, fig: SizeFigures, timeout_s: float) -> None:
    """The bare page's first map for a fresh server's first session and for a second one, the
    bytes of the first, and the floor of a change (the first change's widget on that page)."""
    env = {**os.environ, VENDOR_URL_ENV: vendor_url}
    floor_app = ROOT / "bench" / "floor_app.py"
    with running_app(WORK / "floor-streamlit.log", env=env, script=floor_app) as url:
        with tab(browser) as (page, _, meter):
            fig.floor_cold = timed_load(page, url, _FLOOR_JS, None, timeout_s)
            _wait_runs(page, meter, 0, timeout_s)
            fig.floor_bytes = meter.snapshot()
        with tab(browser) as (page, _, _):
            fig.floor_warm = timed_load(page, url, _FLOOR_JS, None, timeout_s)
        with tab(browser) as (page, _, _):
            first = CHANGES[0]
            query = urlencode({WIDGET_PARAM: first.widget, OPTION_PARAM: first.option})
            timed_load(page, f"{url}?{query}", _FLOOR_JS, None, timeout_s)
            fig.floor_change = timed_change(page, first, _FLOOR_MARKERS_JS, 1, timeout_s)


def _prepare(page: Page, change: Change) -> Locator:
    """Get ``change``'s widget ready as a user would, up to the one click that makes it: a
    multiselect is opened and its search typed (which only narrows its list), so the option
    is in view. Returns what to click; the change is timed from that click."""
    sidebar = page.locator("[data-testid='stSidebar']")
    if change.kind == "radio":
        return sidebar.locator("label").filter(has_text=change.widget).first
    box = sidebar.locator("[data-testid='stMultiSelect']").filter(has_text=change.widget).first
    box.locator("input").click()
    page.keyboard.type(change.option)  # typing narrows the list: the option is then in view
    option = page.get_by_role("option", name=change.option, exact=True)
    option.wait_for(state="visible")
    return option


def timed_change(page: Page, change: Change, js: str, arg: Any, timeout_s: float) -> float:
    """Seconds from the click that makes ``change`` (its widget made ready first, untimed)
    until ``js(arg)`` holds in the page."""
    commit = _prepare(page, change)
    started = time.perf_counter()
    commit.click()
    _wait(page, js, arg, timeout_s)
    return time.perf_counter() - started


def _settle(page: Page, change: Change) -> None:
    """After a timed change: close the multiselect's list (it stays open after a pick)."""
    if change.kind == "multiselect":
        page.keyboard.press("Escape")


@contextlib.contextmanager
def _explained(fig: SizeFigures, what: str, page: Page, meter: Meter) -> Iterator[None]:
    """If the step fails, note in ``fig.details`` what the page had by then, then re-raise."""
    started = time.perf_counter()
    try:
        yield
    except (TimeoutError, PlaywrightError):
        shown = None
        with contextlib.suppress(PlaywrightError):  # bounded: a busy tab may not answer
            probe = f"() => ({{shown: ({_SHOWN_JS})()}})"
            shown = page.wait_for_function(probe, timeout=10_000).json_value()["shown"]
        got = meter.snapshot()
        fig.details.append(
            f"{what} failed after {time.perf_counter() - started:.0f} s; the browser had "
            f"received {_total(got)} (map / tables / other ws / http: {_split(got)} MB) and "
            f"the map showed {'no claims layer' if shown is None else f'{shown} claims'}"
        )
        raise


def app_figures(browser: Browser, folder: Path, fig: SizeFigures, timeout_s: float) -> None:
    """The app on ``folder``: first maps, the three changes, bytes, RSS and heap, into ``fig``."""
    events = load_dataset(folder).events
    fig.on_map = on_map(events, FilterState())
    env = {**os.environ, DATA_DIR_ENV: str(folder)}
    with running_app(WORK / "app-streamlit.log", env=env) as url:
        pid = server_pid()
        with tab(browser) as (page, cdp, meter):
            with _explained(fig, "app: first map", page, meter):
                fig.first_cold, fig.whole_cold = timed_first_view(
                    page, meter, url, fig.on_map, timeout_s
                )
            fig.first_bytes = meter.snapshot()
            fig.rss_first_mb, fig.heap_first_mb = rss_mb(pid), heap_mb(cdp)
            state = FilterState()
            for change in CHANGES:
                state = change.apply(state)
                figures = ChangeFigures(change.name, on_map(events, state))
                fig.changes.append(figures)
                if page.evaluate(_MARK_JS) != 1:
                    raise RuntimeError("expected one map iframe holding window.kcm")
                before, runs = meter.snapshot(), meter.runs_finished
                with _explained(fig, f"app: change {change.name}", page, meter):
                    figures.seconds = timed_change(
                        page, change, _VIEW_JS, figures.expected, timeout_s
                    )
                    _settle(page, change)
                    _wait_runs(page, meter, runs, timeout_s)
                figures.bytes = meter.snapshot().minus(before)
            fig.rss_end_mb, fig.heap_end_mb = rss_mb(pid), heap_mb(cdp)
        with tab(browser) as (page, _, meter):
            fig.first_warm, fig.whole_warm = timed_first_view(
                page, meter, url, fig.on_map, timeout_s
            )
        fig.rss_peak_mb = rss_mb(pid, "VmHWM")


# --- the plain folium pages -------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the base class names it so
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """No traceback when a tab closes while a file is still on its way (a measured page is
    closed as soon as it has drawn)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def file_server() -> Iterator[tuple[str, Path]]:
    """A static file server on 127.0.0.1 for the plain pages: (its URL, the folder it serves),
    with the vendored assets at ``/vendor``."""
    with tempfile.TemporaryDirectory(prefix="kcm-bench-pages-") as tmp:
        root = Path(tmp)
        (root / "vendor").symlink_to(DEFAULT_STATIC_DIR, target_is_directory=True)
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = _QuietServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}", root
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def points_of(folder: Path) -> pd.DataFrame:
    """The default view's located claims with their coordinates (and what a popup would say)."""
    data = load_dataset(folder)
    shown = apply_filters(data.events, FilterState())
    shown = shown[shown["place_id"] != ""]
    return shown.merge(data.places[["place_id", "lat", "lon"]], on="place_id", how="left")


def _plain_map(points: pd.DataFrame) -> folium.Map:
    m = folium.Map(tiles=None, height=640)  # the app's map height
    m.options["max_zoom"] = 18  # as the app's base_map: markercluster needs it, no tiles set it
    m.fit_bounds([[points["lat"].min(), points["lon"].min()],
                  [points["lat"].max(), points["lon"].max()]])  # fmt: skip
    return m


def fmc_page(points: pd.DataFrame) -> tuple[str, str]:
    """A FastMarkerCluster page of the points, assets from ``/vendor``: (its HTML, the name of
    the cluster's global)."""
    m = _plain_map(points)
    rows = points[["lat", "lon"]].to_numpy().tolist()
    cluster = FastMarkerCluster(rows).add_to(m)  # type: ignore[no-untyped-call]  # unannotated
    localize_map(m, base_url="/vendor")
    return m.get_root().render(), cluster.get_name()


def naive_page(points: pd.DataFrame) -> str:
    """One ``folium.Marker`` with a popup (claimant, side, summary) per point."""
    m = _plain_map(points)
    for row in records(points):
        text = (
            f"<b>{esc(row['claimant'])}</b> ({esc(row['claimant_side'])})<br>{esc(row['summary'])}"
        )
        folium.Marker([row["lat"], row["lon"]], popup=folium.Popup(text)).add_to(m)
    localize_map(m, base_url="/vendor")
    return m.get_root().render()


def plain_time(
    browser: Browser,
    server: tuple[str, Path],
    name: str,
    html: str,
    js_arg: list[Any],
    timeout_s: float,
) -> tuple[float, int]:
    """Seconds from navigation start to the page's markers drawn, and the bytes it took."""
    url, root = server
    (root / f"{name}.html").write_text(html, encoding="utf-8")
    with tab(browser) as (page, _, meter):
        seconds = timed_load(page, f"{url}/{name}.html", _PLAIN_JS, js_arg, timeout_s)
        return seconds, meter.snapshot().total


# --- one size, the whole run --------------------------------------------------------------------


def dataset_folder(n: int, work: Path = WORK) -> Path:
    """A synthetic folder of ``n`` claims, generated once and reused (renamed into place when
    complete, so an interrupted generation is never reused; named after the generator's
    module, so another generator never reuses this one's folder)."""
    name = f"data-{n}-{write_synthetic.__module__}"
    folder = work / name
    if not folder.is_dir():
        partial = work / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        write_synthetic(n, partial)
        partial.rename(folder)
    return folder


def _step(fig: SizeFigures, key: str, timeout_s: float, run: Callable[[], None]) -> None:
    """Run one measurement; a timeout or browser error is noted under ``key``, not raised."""
    try:
        run()
    except (TimeoutError, PlaywrightError, RuntimeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        timed_out = "Timeout" in type(exc).__name__ or "timeout" in first.lower()
        fig.notes[key] = f"timed out (> {timeout_s:.0f} s)" if timed_out else first[:120]


def measure_size(
    browser: Browser, server: tuple[str, Path], n: int, args: argparse.Namespace
) -> SizeFigures:
    folder = dataset_folder(n)
    fig = SizeFigures(size=n)

    def fmc() -> None:
        html, name = fmc_page(points)
        fig.fmc, fig.fmc_bytes = plain_time(
            browser, server, "fmc", html, [name, len(points)], args.timeout
        )

    def naive() -> None:
        fig.naive, _ = plain_time(
            browser, server, "naive", naive_page(points), ["", len(points)], args.timeout
        )

    points = points_of(folder)
    _step(fig, "floor", args.timeout,
          lambda: floor_figures(browser, f"{server[0]}/vendor", fig, args.timeout))  # fmt: skip
    _step(fig, "app", args.timeout, lambda: app_figures(browser, folder, fig, args.timeout))
    _step(fig, "fmc", args.timeout, fmc)
    if len(points) <= args.naive_max:
        _step(fig, "naive", args.timeout, naive)
    else:
        fig.notes["naive"] = f"not measured (> {args.naive_max:,} points)"
    one, five, fifteen = os.getloadavg()
    fig.load_average = f"{one:.1f} {five:.1f} {fifteen:.1f}"
    return fig


# --- output -------------------------------------------------------------------------------------


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s" if value >= 10 else f"{value:.2f} s"


def _mb(value: int | float | None) -> str:
    return "–" if value is None else f"{value / MB:.2f} MB"


def _x(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f}"


def _total(b: Bytes | None) -> str:
    return _mb(b.total if b else None)


def _split(b: Bytes | None) -> str:
    """map / tables / other websocket / HTTP, in MB."""
    if b is None:
        return "–"
    return " / ".join(f"{v / MB:.2f}" for v in b.astuple())


def _several(values: Sequence[float | None], unit: str, digits: int = 0) -> str:
    """Figures joined by " / " with their unit; "–" when none was measured."""
    if all(v is None for v in values):
        return "–"
    return " / ".join("–" if v is None else f"{v:,.{digits}f}" for v in values) + f" {unit}"


def table_rows(figs: Sequence[SizeFigures]) -> list[tuple[str, list[str]]]:
    """The printed table: one row per figure, one column per size; a figure that is missing
    shows why (its step's note, e.g. "timed out (> 300 s)")."""
    columns: list[list[str]] = []
    labels: list[str] = []
    for fig in figs:
        r = ratios(fig)

        def noted(key: str, value: str, fig: SizeFigures = fig) -> str:
            return fig.notes.get(key, value) if value == "–" else value

        # Every column has a row per change, measured or not (a timeout cuts the list short).
        changes = [*fig.changes, *(ChangeFigures(c.name, 0) for c in CHANGES[len(fig.changes) :])]
        less = [
            None if a is None or b is None else a - b
            for a, b in ((fig.first_cold, fig.floor_cold), (fig.first_warm, fig.floor_warm))
        ]
        rows: list[tuple[str, str]] = [
            ("claims on the map (default view)", f"{fig.on_map:,}"),
            ("floor: empty st_folium, fresh / 2nd", noted("floor", _several(
                (fig.floor_cold, fig.floor_warm), "s", 2))),
            ("app: first map, fresh server / 2nd", noted("app", _several(
                (fig.first_cold, fig.first_warm), "s", 1))),
            ("app: first map - floor, fresh / 2nd", noted("app", _several(less, "s", 1))),
            ("app: whole page drawn, fresh / 2nd", noted("app", _several(
                (fig.whole_cold, fig.whole_warm), "s", 1))),
            *((f"app: change {c.name}", noted("app", _s(c.seconds))) for c in changes),
            ("floor: change (one multiselect, rerun, map)", noted("floor", _s(fig.floor_change))),
            ("bytes, first view", noted("app", _total(fig.first_bytes))),
            ("  map / tables / other ws / http, MB", noted("app", _split(fig.first_bytes))),
            ("bytes, floor's first view", noted("floor", _total(fig.floor_bytes))),
            ("bytes per change", noted("app", _several(
                [c.bytes.total / MB if c.bytes else None for c in changes], "MB", 2))),
            ("server RSS: first view / end / peak", noted("app", _several(
                (fig.rss_first_mb, fig.rss_end_mb, fig.rss_peak_mb), "MB"))),
            ("browser JS heap: first view / end", noted("app", _several(
                (fig.heap_first_mb, fig.heap_end_mb), "MB"))),
            ("FastMarkerCluster page (no popups)", noted("fmc", _s(fig.fmc))),
            ("FastMarkerCluster page, bytes", noted("fmc", _mb(fig.fmc_bytes))),
            ("naive Marker + popup page", noted("naive", _s(fig.naive))),
            ("ratio: slowest change ÷ FMC", _x(r["change"])),
            ("ratio: (first - floor) ÷ FMC, fresh", _x(r["first_cold"])),
            ("ratio: (first - floor) ÷ FMC, 2nd", _x(r["first_warm"])),
            ("load average (1/5/15 min) after", fig.load_average or "–"),
        ]  # fmt: skip
        labels = [label for label, _ in rows]
        columns.append([value for _, value in rows])
    return [(label, [col[i] for col in columns]) for i, label in enumerate(labels)]


def format_table(figs: Sequence[SizeFigures], markdown: bool = False) -> str:
    """The figures as a text table (or a Markdown one, for the README)."""
    rows = table_rows(figs)
    head = ["claims", *(f"{fig.size:,}" for fig in figs)]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * len(figs) + "|"]
        lines += ["| " + " | ".join([label, *values]) + " |" for label, values in rows]
        return "\n".join(lines)
    widths = [max(len(head[0]), *(len(label) for label, _ in rows))]
    for i in range(len(figs)):
        widths.append(max(len(head[i + 1]), *(len(values[i]) for _, values in rows)))

    def line(label: str, values: Sequence[str]) -> str:
        cells = ("  " + v.rjust(w) for v, w in zip(values, widths[1:], strict=True))
        return label.ljust(widths[0]) + "".join(cells)

    return "\n".join([line(head[0], head[1:]), *(line(label, values) for label, values in rows)])


def as_json(figs: Sequence[SizeFigures]) -> list[dict[str, Any]]:
    """The figures for ``--json``: every field, the ratios, bytes in bytes, times in s."""
    out = []
    for fig in figs:
        item = dataclasses.asdict(fig)
        item["ratios"] = ratios(fig)
        out.append(item)
    return out


def from_json(items: Sequence[dict[str, Any]]) -> list[SizeFigures]:
    """Figures back from :func:`as_json`'s output (``--table-from``: reprint saved runs)."""

    def bytes_or_none(value: dict[str, int] | None) -> Bytes | None:
        return None if value is None else Bytes(**value)

    figs = []
    for item in items:
        fields = {k: v for k, v in item.items() if k != "ratios"}
        fields["first_bytes"] = bytes_or_none(fields.get("first_bytes"))
        fields["floor_bytes"] = bytes_or_none(fields.get("floor_bytes"))
        fields["changes"] = [
            ChangeFigures(c["name"], c["expected"], c["seconds"], bytes_or_none(c["bytes"]))
            for c in fields.get("changes", [])
        ]
        figs.append(SizeFigures(**fields))
    return figs


def sizes_arg(text: str) -> tuple[int, ...]:
    """``--sizes``: comma-separated positive claim counts, e.g. ``1000,10000`` (``1e6``, ``1k``
    and ``1M`` spellings too)."""
    sizes = []
    for part in text.split(","):
        word = part.strip().lower().replace("_", "")
        scale = {"k": 1_000, "m": 1_000_000}.get(word[-1:], 1)
        try:
            value = float(word[:-1] if scale > 1 else word) * scale
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of claims: {part!r}") from None
        if value < 1 or value != int(value):
            raise argparse.ArgumentTypeError(f"not a positive whole number: {part!r}")
        sizes.append(int(value))
    return tuple(sizes)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_browser", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sizes",
        type=sizes_arg,
        default=DEFAULT_SIZES,
        help="claims per dataset, comma-separated (default 1000,10000,100000)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="longest wait for any one load or change, s (default 300)",
    )
    parser.add_argument(
        "--naive-max",
        type=int,
        default=10_000,
        help="largest size the naive Marker page is measured at",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--table-from",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="measure nothing: print the table of runs saved with --json",
    )
    args = parser.parse_args(list(argv))
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    return args


def print_figures(figs: Sequence[SizeFigures], markdown: bool) -> None:
    """The table, then what the page had wherever a step failed."""
    print(format_table(figs, markdown))
    for fig in figs:
        for line in fig.details:
            print(f"{fig.size:,} claims: {line}")


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if args.table_from:
        saved = [item for path in args.table_from for item in json.loads(path.read_text())]
        print_figures(from_json(saved), args.markdown)
        return 0
    path = chromium_path()
    if path is None:
        raise SystemExit("no chromium found (scripts/test.sh installs it)")
    WORK.mkdir(parents=True, exist_ok=True)
    figs: list[SizeFigures] = []
    started = time.perf_counter()
    with file_server() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=[*CHROMIUM_ARGS, *OFFLINE_ARGS])
        try:
            for n in args.sizes:
                print(f"measuring {n:,} claims …", file=sys.stderr, flush=True)
                figs.append(measure_size(browser, server, n, args))
                if args.json:  # after every size, so an interrupted run keeps what it measured
                    args.json.write_text(json.dumps(as_json(figs), indent=2) + "\n", "utf-8")
        finally:
            browser.close()
    print_figures(figs, args.markdown)
    print(f"\nwall time {time.perf_counter() - started:.0f} s; changes are cumulative: "
          + ", then ".join(c.name for c in CHANGES))  # fmt: skip
    return 1 if any(fig.notes.get(k) for fig in figs for k in ("app", "fmc", "floor")) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
