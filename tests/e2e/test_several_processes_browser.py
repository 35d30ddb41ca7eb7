"""Two app processes behind HAProxy (deploy/haproxy.cfg), as docs/several-processes.md runs
them: each browser lands on one process, stays there for every request and its websocket, and
the dashboard works through the proxy (issue #9, "Many analysts at once")."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from src.appserver import free_port, running_app
from tests.e2e.conftest import ARTIFACTS, STARTUP_TIMEOUT_S, require_map_assets
from tests.e2e.mapprobe import map_frame

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "haproxy.cfg"
#: One line of the config's log-format: client, backend/server, status, "request", "cookie".
LOG_LINE = re.compile(
    r'^\S+ apps/(?P<server>\S+) (?P<status>-?\d+) "(?P<request>[^"]*)" "(?P<cookie>[^"]*)"'
)


def _proxy_answers(url: str, deadline: float) -> None:
    """Poll the proxy's view of an app's health until both checks made it route (or fail)."""
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.2)  # polling an external process with a deadline, not waiting on the UI
    raise AssertionError(f"the proxy at {url} never answered: {last}")


@pytest.fixture(scope="module")
def proxy() -> Iterator[tuple[str, Path]]:
    """(proxy URL, its request log) in front of two freshly started apps."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    assert Path(haproxy).exists(), "haproxy is missing: scripts/test.sh installs it as root"
    require_map_assets()
    env = {k: v for k, v in os.environ.items() if k != "KCM_DATA_DIR"}
    log = ARTIFACTS / "e2e-haproxy.log"
    with contextlib.ExitStack() as stack:
        apps = [
            stack.enter_context(
                running_app(ARTIFACTS / f"e2e-streamlit-app{n}.log", STARTUP_TIMEOUT_S, env)
            )
            for n in (1, 2)
        ]
        port = free_port()
        proxy_env = {
            **env,
            "KCM_PROXY_BIND": f"127.0.0.1:{port}",
            "KCM_APP1": apps[0].removeprefix("http://"),
            "KCM_APP2": apps[1].removeprefix("http://"),
        }
        out = stack.enter_context(log.open("w", encoding="utf-8"))
        server = subprocess.Popen(
            [haproxy, "-f", str(CONFIG), "-db"], env=proxy_env, stdout=out, stderr=out
        )
        stack.callback(server.wait, 10)
        stack.callback(server.terminate)
        url = f"http://127.0.0.1:{port}"
        _proxy_answers(url, time.monotonic() + 30)
        yield url, log


def _requests_with_cookie(log: Path, deadline: float) -> list[re.Match[str]]:
    """The logged requests that carried the proxy's cookie, once both websockets are logged
    (HAProxy writes a websocket's line when it closes, a moment after its browser context)."""
    while True:
        lines = [m for m in map(LOG_LINE.match, log.read_text(encoding="utf-8").splitlines()) if m]
        found = [m for m in lines if m["cookie"].startswith("KCM_APP=")]
        streams = {m["server"] for m in found if "/_stcore/stream" in m["request"]}
        if streams == {"app1", "app2"} or time.monotonic() > deadline:
            return found
        time.sleep(0.2)  # polling another process's log file with a deadline


def _open_dashboard(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_text("claims shown").first).to_be_visible(timeout=90_000)
    map_frame(page, timeout=90)


def test_each_browser_stays_on_one_process_and_the_dashboard_works(
    proxy: tuple[str, Path], browser: Browser
) -> None:
    url, log = proxy
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(2)]
    try:
        pages = [context.new_page() for context in contexts]
        for page in pages:
            _open_dashboard(page, url)
        servers = [
            {c["value"] for c in context.cookies() if c["name"] == "KCM_APP"}
            for context in contexts
        ]
        assert servers == [{"app1"}, {"app2"}] or servers == [{"app2"}, {"app1"}], servers

        page = pages[0]  # a filter change and a page switch, through the proxy
        page.get_by_text("Offensive (19–21 Sep 2023)").first.click()
        expect(page.get_by_text("19 Sep 2023 – 21 Sep 2023").first).to_be_visible(timeout=60_000)
        map_frame(page, timeout=60)
        page.get_by_role("link", name="Claims").first.click()
        expect(page.get_by_text("Incidents in view").first).to_be_visible(timeout=60_000)
        for each in pages:
            expect(each.locator("[data-testid=stException]")).to_have_count(0)
    finally:
        for context in contexts:
            context.close()

    with_cookie = _requests_with_cookie(log, time.monotonic() + 30)
    assert with_cookie, "no request came back with the proxy's cookie"
    for m in with_cookie:  # every request that carried a process's cookie went to that process
        assert m["cookie"] == f"KCM_APP={m['server']}", m.group(0)
    assert any("/_stcore/stream" in m["request"] for m in with_cookie)  # the websocket too
    assert {m["server"] for m in with_cookie} == {"app1", "app2"}
