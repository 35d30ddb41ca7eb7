"""The app on a loopback port, for whatever drives it in a browser (e2e tests, screenshots,
benches).

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
from collections.abc import Iterator, Mapping
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


class AppStartError(RuntimeError):
    """The app exited or stayed silent before its health check answered; says why, with the
    end of its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(
    log: Path,
    timeout_s: float = 120,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    script: Path = ROOT / "dashboard.py",
) -> Iterator[str]:
    """Yield the base URL of a freshly started app (environment ``env``, default this
    process's; on ``port``, default a free one; ``script``, default the dashboard, another for a
    bench's reference page); stop it afterwards. Raises AppStartError if it does not come up."""
    port = free_port() if port is None else port
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=None if env is None else dict(env),
        )  # fmt: skip
        try:
            wait_healthy(url, server, timeout_s, log)
            yield url
        finally:
            stop(server, grace_s=30)


def stop(process: subprocess.Popen[bytes], grace_s: float) -> None:
    """Ask a server to stop; kill it if it has not within ``grace_s``."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _log_tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def wait_healthy(
    url: str, server: subprocess.Popen[bytes], timeout_s: float, log: Path, name: str = "streamlit"
) -> None:
    """Poll ``url``'s Streamlit health endpoint until it answers 200, ``server`` (the app, or a
    proxy in front of apps: ``name``) dies, or time runs out.

    The pause between attempts is ``server.wait``: it returns at once if the server crashed, so
    a broken start fails in seconds, with its log, instead of after the whole timeout.
    """
    deadline = time.monotonic() + timeout_s
    pause, last = 0.1, "no answer yet"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except OSError as exc:  # URLError is an OSError
            last = str(exc)
        try:
            code = server.wait(timeout=pause)
        except subprocess.TimeoutExpired:
            pause = min(pause * 2, 2.0)
            continue
        raise AppStartError(
            f"{name} exited with code {code} before answering {url}/_stcore/health; "
            f"log in {log}:\n{_log_tail(log)}"
        )
    raise AppStartError(
        f"{name} did not answer {url}/_stcore/health within {timeout_s:.0f} s "
        f"(last: {last}); log in {log}:\n{_log_tail(log)}"
    )
