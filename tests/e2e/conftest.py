"""End-to-end fixtures: a real ``streamlit run dashboard.py`` and Debian's headless Chromium.

The app is started on a free loopback port with the bundled data; the browser gets no
internet, so these tests also prove the map renders from the app's own static assets.
A missing Chromium or missing map assets is a failure with the command that fixes it, never
a skip: a green run must mean the browser tests really ran (scripts/test.sh installs both).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from src.assets import DEFAULT_STATIC_DIR
from src.assets.fetch import is_current
from src.browser import APT_INSTALL, CHROMIUM_ARGS, DEFAULT_PATH, ENV_VAR, chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
STREAMLIT_LOG = ARTIFACTS / "e2e-streamlit.log"
CHROMIUM = chromium_path() or DEFAULT_PATH
#: A cold start on a busy two-core machine imports pandas, folium and Streamlit first.
STARTUP_TIMEOUT_S = 120


def _require(condition: bool, why: str) -> None:
    """Fail (never skip) when something the browser tests need is missing."""
    if not condition:
        pytest.fail(why, pytrace=False)


def require_chromium() -> str:
    _require(
        Path(CHROMIUM).exists(),
        f"chromium not found at {CHROMIUM}: run `{APT_INSTALL}` as root "
        f"(scripts/test.sh does this itself), or set {ENV_VAR} to a Chromium/Chrome binary",
    )
    return CHROMIUM


def require_map_assets() -> None:
    _require(
        is_current(DEFAULT_STATIC_DIR),
        f"map assets missing or stale in {DEFAULT_STATIC_DIR}: run "
        "`.venv/bin/python -m src.assets fetch` (scripts/setup.sh does this)",
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(lines: int = 40) -> str:
    text = STREAMLIT_LOG.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def wait_until_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Poll Streamlit's health endpoint until it answers 200, the process dies, or time runs out.

    The pause between attempts is ``proc.wait``: it returns at once if the app crashed, so a
    broken start fails in seconds, with the log, instead of after the whole timeout.
    """
    deadline = time.monotonic() + timeout_s
    pause, last = 0.1, "no answer yet"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except (OSError, urllib.error.URLError) as exc:
            last = str(exc)
        try:
            code = proc.wait(timeout=pause)
        except subprocess.TimeoutExpired:
            pause = min(pause * 2, 2.0)
            continue
        pytest.fail(
            f"streamlit exited with code {code} before answering {url}/_stcore/health; "
            f"log in {STREAMLIT_LOG}:\n{_log_tail()}",
            pytrace=False,
        )
    pytest.fail(
        f"streamlit did not answer {url}/_stcore/health within {timeout_s:.0f} s "
        f"(last: {last}); log in {STREAMLIT_LOG}:\n{_log_tail()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    require_map_assets()
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "KCM_DATA_DIR"}
    with STREAMLIT_LOG.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "dashboard.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url, proc, STARTUP_TIMEOUT_S)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Any:
    """Keep each phase's report on the test item, so ``page`` knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh 1600×1000 page that records scripts/styles fetched from outside the app.

    On a failure it leaves a screenshot of what the browser showed in artifacts/.
    """
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    pg = context.new_page()
    pg.external_requests = []  # type: ignore[attr-defined]

    def note(req: Request) -> None:
        if req.resource_type in ("script", "stylesheet") and "127.0.0.1" not in req.url:
            pg.external_requests.append(req.url)  # type: ignore[attr-defined]

    pg.on("request", note)
    yield pg
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        name = request.node.name.replace("/", "_").replace("[", "-").rstrip("]")
        # a dead page must not hide the test's own error
        with contextlib.suppress(PlaywrightError):
            pg.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"), full_page=True)
    context.close()
