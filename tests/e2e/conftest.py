"""End-to-end fixtures: a real ``streamlit run dashboard.py`` and Debian's headless Chromium.

The app is started on a free loopback port with the bundled data; the browser gets no
internet, so these tests also prove the map renders from the app's own static assets.
A missing Chromium or missing map assets is a failure with the command that fixes it, never
a skip: a green run must mean the browser tests really ran (scripts/test.sh installs both).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from src.appserver import AppStartError, running_app
from src.assets import DEFAULT_STATIC_DIR
from src.assets.fetch import is_current
from src.browser import APT_INSTALL, CHROMIUM_ARGS, DEFAULT_PATH, ENV_VAR, chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
STREAMLIT_LOG = ARTIFACTS / "e2e-streamlit.log"
CHROMIUM = chromium_path() or DEFAULT_PATH
#: A cold start on a busy two-core machine imports pandas, folium and Streamlit first.
STARTUP_TIMEOUT_S = 120
#: No script run in progress and nothing left over from the run before: until then the page
#: can still move (a stale notice above the map is removed only when the run ends).
SETTLED_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-stale="true"]')"""


def settled(page: Page, timeout_s: float = 90) -> None:
    """Wait until the app has finished its script run and its page has stopped changing."""
    page.wait_for_function(SETTLED_JS, timeout=timeout_s * 1000, polling=100)


def whole_page(page: Page, timeout_s: float = 90) -> None:
    """Wait until the page is drawn whole: a session's first view of the map draws the map
    before the sidebar's filters and what lies under the map (``src/ui/shell.prepare``), so
    a check of everything the page shows waits for the filters, then for the run's end."""
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_role("heading", name="Filters")).to_be_visible(timeout=timeout_s * 1000)
    settled(page, timeout_s)


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


@contextlib.contextmanager
def app_on_data_copy(tmp_path: Path, log_name: str) -> Iterator[str]:
    """The app on its own copy of the bundled data (tests that import or save write to it)."""
    require_map_assets()
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("cache", ".kcm-*"))
    env = {**os.environ, "KCM_DATA_DIR": str(data)}
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(running_app(ARTIFACTS / log_name, STARTUP_TIMEOUT_S, env))
        except AppStartError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield url


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The app on the bundled data (``KCM_DATA_DIR`` dropped), for the whole session."""
    require_map_assets()
    env = {k: v for k, v in os.environ.items() if k != "KCM_DATA_DIR"}
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(running_app(STREAMLIT_LOG, STARTUP_TIMEOUT_S, env))
        except AppStartError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield url


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
