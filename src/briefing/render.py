"""Photographing the briefing frame in headless Chromium (Playwright) for the PNG export.

The page is the very HTML the dashboard shows and offers for download; it is laid out at its
design size (1920×1080 CSS px) and captured at the device scale that gives the requested
image size, so 1280×720 is the same picture at a lower resolution, not a different layout.

Playwright's sync API refuses to run inside a running asyncio loop (Streamlit's script thread
may have one), so the browser is always driven from a worker thread of its own.

Where no browser is available, :class:`BrowserUnavailable` says so and how to get one.
"""

from __future__ import annotations

import importlib.util
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from src.briefing.frame import FRAME_H, FRAME_W
from src.browser import CHROMIUM_ARGS, chromium_path
from src.procguard import Guard

INSTALL_HINT = (
    "Install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`; elsewhere Google Chrome "
    "or Chromium) or point the KCM_CHROMIUM environment variable at a Chromium/Chrome binary. "
    "The Python package `playwright` drives it (pinned in requirements-dev.txt: "
    "`scripts/setup.sh --dev` or `pip install -r requirements-dev.txt`)."
)


class BrowserUnavailable(RuntimeError):
    """No headless browser to render with; the message says how to get one."""


class RenderError(RuntimeError):
    """The browser ran but the frame did not finish drawing in time."""


def browser_problem() -> str | None:
    """Why a PNG cannot be made here (with the fix), or ``None`` when it can."""
    if importlib.util.find_spec("playwright") is None:
        return f"The Python package `playwright` is not installed. {INSTALL_HINT}"
    path = chromium_path()
    if path is None:
        return f"No Chromium or Chrome browser was found. {INSTALL_HINT}"
    if not Path(path).exists():
        return f"The browser at {path} does not exist. {INSTALL_HINT}"
    return None


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` -> (1920, 1080); only 16:9 sizes from 640 to 3840 wide."""
    try:
        w, h = (int(p) for p in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"size {text!r} is not WIDTHxHEIGHT, e.g. 1920x1080") from None
    if w * FRAME_H != h * FRAME_W or not 640 <= w <= 3840:
        raise ValueError(f"size {text!r} must be 16:9 and 640–3840 px wide, e.g. 1280x720")
    return w, h


def _render(
    html: str, size: tuple[int, int], executable: str, timeout_s: float, offline: bool
) -> bytes:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(f"Playwright is not importable ({exc}). {INSTALL_HINT}") from exc

    # The guard kills the driver and the browser if this process dies mid-render (SIGKILL
    # included), so no Chromium outlives a killed export.
    with Guard() as guard, sync_playwright() as pw:
        env: dict[str, str | float | bool] = {**guard.environ()}
        try:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, env=env)
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserUnavailable(
                f"Could not start the browser at {executable}: {first}. {INSTALL_HINT}"
            ) from exc
        try:
            context = browser.new_context(
                viewport={"width": FRAME_W, "height": FRAME_H},
                device_scale_factor=size[0] / FRAME_W,
            )
            page = context.new_page()
            if offline:
                page.route(
                    "**/*",
                    lambda route: (
                        route.abort()
                        if route.request.url.startswith(("http:", "https:"))
                        else route.continue_()
                    ),
                )
            timeout_ms = timeout_s * 1000
            # Not "load": that would also wait for basemap tiles, which may hang offline; the
            # frame's own ready signal waits for them, capped (frame.TILE_WAIT_MS).
            page.set_content(html, wait_until="domcontentloaded", timeout=timeout_ms)
            try:
                page.wait_for_function(
                    "() => window.kcmBriefing && window.kcmBriefing.ready === true",
                    timeout=timeout_ms,
                )
            except PlaywrightError as exc:
                raise RenderError(
                    f"the briefing frame did not finish drawing within {timeout_s:.0f} s"
                ) from exc
            png = page.screenshot(clip={"x": 0, "y": 0, "width": FRAME_W, "height": FRAME_H})
        finally:
            browser.close()
    if png_size(png) != size:
        raise RenderError(f"the browser produced {png_size(png)}, not {size}")
    return png


def render_png(
    html: str,
    size: tuple[int, int] = (FRAME_W, FRAME_H),
    chromium: str | None = None,
    timeout_s: float = 60,
    offline: bool = False,
) -> bytes:
    """The frame in ``html`` as PNG bytes of exactly ``size`` pixels.

    ``offline`` blocks every http(s) request (basemap tiles), for reproducible images.
    Raises :class:`BrowserUnavailable` (with an install hint) or :class:`RenderError`.
    """
    executable = chromium or chromium_path()
    problem = browser_problem() if chromium is None else None
    if problem or executable is None:
        raise BrowserUnavailable(problem or f"No browser found. {INSTALL_HINT}")
    if not Path(executable).exists():
        raise BrowserUnavailable(f"The browser at {executable} does not exist. {INSTALL_HINT}")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kcm-png") as pool:
        return pool.submit(_render, html, size, executable, timeout_s, offline).result()
