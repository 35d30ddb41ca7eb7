"""The app on a loopback port, for the tools that drive it in a browser (screenshots, benches).

``streamlit run dashboard.py`` on a free 127.0.0.1 port, waited for until its health check
answers, and stopped on exit (its output goes to a log file so a failure can be read); and
how to tell, in the browser, that a page has finished drawing.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

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


def settle(page: Page, text: str, drawn: str) -> None:
    """Wait until the page shows `text`, its sidebar, its map or chart, and nothing stale."""
    page.get_by_text(text).first.wait_for(timeout=90_000)
    page.get_by_text("Basemap").first.wait_for(timeout=90_000)  # the sidebar's last widget
    page.wait_for_function(_MAP_DRAWN if drawn == MAP else _CHART_DRAWN, timeout=90_000)
    page.wait_for_function(  # no element still stale from the run before
        "() => !document.querySelector('[data-stale=\"true\"]')", timeout=90_000
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(log: Path, timeout_s: float = 120) -> Iterator[str]:
    """Yield the base URL of a freshly started app; stop it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_healthy(url, server, timeout_s, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app exited with {server.returncode} (see {log})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.25)  # polling a process we started, not waiting on a browser
    raise RuntimeError(f"the app did not answer within {timeout_s:.0f} s (see {log})")
