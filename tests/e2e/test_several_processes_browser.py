"""Two app processes behind HAProxy (deploy/haproxy.cfg through ``src.proxy``): the dashboard
works through the proxy in a real Chromium, and every session stays on one process.

Stickiness is shown from both ends: each client's ``KCM_APP`` cookie names a process (and both
are used), and HAProxy's own log line for each client's websocket, found by the client's port,
names the server that answered it — the one the cookie named, with the cookie read as valid.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Response, expect

from bench.stclient import STREAM_PATH, Session, string_state
from src.appserver import AppStartError
from src.dataset import Dataset
from src.filters import FilterState, apply_filters
from src.labels import PERIOD_LABELS
from src.proxy import APT_INSTALL, COOKIE, Several, config_for, haproxy_path, running_several
from tests.e2e.conftest import ARTIFACTS, STARTUP_TIMEOUT_S, require_map_assets
from tests.e2e.mapprobe import wait_for_claims

pytestmark = pytest.mark.e2e

#: Light clients at once: three per process when the proxy alternates.
CLIENTS = 6
#: One line of HAProxy's ``option httplog`` format (with the frontend's ``capture cookie``).
LOG_LINE = re.compile(
    r"^(?P<ip>[\d.]+):(?P<port>\d+) \[[^\]]*\] \S+ (?P<backend>[^/\s]+)/(?P<server>\S+) \S+ "
    r"(?P<status>-?\d+) \S+ (?P<sent_cookie>\S+) (?P<set_cookie>\S+) (?P<state>\S{4}) "
    r'.*"(?P<request>[^"]*)"$'
)


@dataclass(frozen=True)
class ProxyLine:
    """What HAProxy logged for one request (for a websocket: when it closed)."""

    client_port: int
    server: str
    status: int
    sent_cookie: str
    cookie_state: str
    request: str


def proxy_lines(log: Path) -> list[ProxyLine]:
    lines = []
    for raw in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if (m := LOG_LINE.match(raw)) is not None:
            lines.append(
                ProxyLine(
                    int(m["port"]),
                    m["server"],
                    int(m["status"]),
                    m["sent_cookie"],
                    m["state"][2],  # persistence cookie sent by the client: V = valid
                    m["request"],
                )
            )
    return lines


@pytest.fixture(scope="module")
def several() -> Iterator[Several]:
    """Two apps on the bundled data and HAProxy in front, on free loopback ports."""
    require_map_assets()
    if haproxy_path() is None:
        pytest.fail(f"haproxy not found: run `{APT_INSTALL}` as root (scripts/test.sh does)")
    env = {k: v for k, v in os.environ.items() if k != "KCM_DATA_DIR"}
    with contextlib.ExitStack() as stack:
        try:
            s = stack.enter_context(running_several(2, ARTIFACTS, env, timeout_s=STARTUP_TIMEOUT_S))
        except AppStartError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield s


def test_haproxy_accepts_the_configuration_for_one_to_three_apps(tmp_path: Path) -> None:
    binary = haproxy_path()
    assert binary is not None, f"haproxy not found: run `{APT_INSTALL}` as root"
    for ports in ([9001], [9001, 9002], [9001, 9002, 9003]):
        cfg = tmp_path / f"haproxy-{len(ports)}.cfg"
        cfg.write_text(config_for(ports), encoding="utf-8")
        check = subprocess.run([binary, "-c", "-f", str(cfg)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def located(data: Dataset, state: FilterState) -> int:
    shown = apply_filters(data.events, state)
    return int((shown["place_id"] != "").sum())


def test_the_dashboard_works_through_the_proxy(
    several: Several, browser: Browser, bundled: Dataset
) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        page = context.new_page()
        failed: list[str] = []

        def note(response: Response) -> None:
            if response.status >= 400:
                failed.append(f"HTTP {response.status} {response.url}")

        page.on("response", note)
        page.goto(several.url)
        wait_for_claims(page, located(bundled, FilterState()))
        page.get_by_text(PERIOD_LABELS["offensive"]).click()
        wait_for_claims(page, located(bundled, FilterState(period="offensive")))
        assert "period=offensive" in page.url

        page.locator("[data-testid='stSidebarNav'] a", has_text="Claims").first.click()
        page.wait_for_url(re.compile(r"/Claims\?.*period=offensive"), timeout=30_000)
        shown = len(apply_filters(bundled.events, FilterState(period="offensive")))
        page.get_by_text(f"{shown} of {len(bundled.events)} claims in view").first.wait_for(
            timeout=60_000
        )
        page.get_by_text("Incidents in view").first.wait_for(timeout=60_000)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        assert failed == []
        cookies = {c.get("name"): c.get("value") for c in context.cookies()}
        assert cookies.get(COOKIE) in {"app1", "app2"}
    finally:
        context.close()


@dataclass(frozen=True)
class Client:
    """One light client's view: the process its cookie names, its websocket's local port,
    and the exception boxes its runs drew."""

    cookie: str
    port: int
    exceptions: tuple[str, ...]


async def _clients(url: str, count: int) -> list[Client]:
    """``count`` sessions open at once, each loading the page, running the map and one
    filter change over its websocket."""
    async with contextlib.AsyncExitStack() as stack:
        sessions = [
            await stack.enter_async_context(Session(url, load_page=True)) for _ in range(count)
        ]
        firsts = await asyncio.gather(*(s.run(60) for s in sessions))
        for session in sessions:
            period = session.widgets["Period"]
            session.set(string_state(period.id, PERIOD_LABELS["offensive"]))
        changes = await asyncio.gather(*(s.run(60) for s in sessions))
    return [
        Client(
            s.cookies.get(COOKIE, ""),
            s.local_address[1] if s.local_address else 0,
            tuple(first.exceptions + change.exceptions),
        )
        for s, first, change in zip(sessions, firsts, changes, strict=True)
    ]


def test_every_session_stays_on_the_process_its_cookie_names(several: Several) -> None:
    # in a thread of its own: the session's Playwright keeps an event loop on this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        run = pool.submit(asyncio.run, asyncio.wait_for(_clients(several.url, CLIENTS), 120))
        clients = run.result()
    assert [c.exceptions for c in clients] == [()] * CLIENTS
    assert {c.cookie for c in clients} == {"app1", "app2"}  # both processes used, no other

    # HAProxy logs a websocket when it closes: poll its log for every client's, up to 30 s.
    ports = {c.port for c in clients}
    deadline = time.monotonic() + 30
    while True:
        streams = {
            line.client_port: line
            for line in proxy_lines(several.proxy_log)
            if line.client_port in ports and line.request.startswith(f"GET {STREAM_PATH} ")
        }
        if len(streams) == CLIENTS or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert sorted(streams) == sorted(ports), "a websocket is missing from HAProxy's log"
    for client in clients:
        line = streams[client.port]
        assert (line.server, line.status) == (client.cookie, 101)
        assert (line.sent_cookie, line.cookie_state) == (f"{COOKIE}={client.cookie}", "V")

    # and no request anywhere (the page loads, a browser's assets) left the process it named
    for line in proxy_lines(several.proxy_log):
        if line.sent_cookie.startswith(f"{COOKIE}="):
            assert line.sent_cookie == f"{COOKIE}={line.server}", line
