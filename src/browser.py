"""Which Chromium to drive and with which flags: the one definition shared by the PNG export
(src/briefing/render.py), the browser tests (tests/e2e) and scripts/test.sh's install hint.

Pure standard library, so any module (Streamlit or not) may import it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Final

#: Set this to a Chromium/Chrome binary to use it instead of the one found below.
ENV_VAR: Final = "KCM_CHROMIUM"
#: Debian's package puts its launcher here; preferred over whatever else is on the PATH.
DEFAULT_PATH: Final = "/usr/bin/chromium"
#: Names looked up on the PATH when the Debian launcher is absent.
CANDIDATES: Final = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
#: No sandbox (containers run as root, where Chromium's sandbox refuses to start), no GPU
#: (headless servers have none), and no background requests (tests and exports stay offline).
CHROMIUM_ARGS: Final = ("--no-sandbox", "--disable-gpu", "--disable-background-networking")
#: Debian packages the browser tests need: the browser, and a font for the PNGs' text.
APT_PACKAGES: Final = ("chromium", "fonts-dejavu-core")
#: The command that installs them (scripts/test.sh runs it itself when it is root).
APT_INSTALL: Final = "apt-get update && apt-get install -y " + " ".join(APT_PACKAGES)


def chromium_path(environ: Mapping[str, str] | None = None) -> str | None:
    """The browser binary: ``$KCM_CHROMIUM``, else Debian's, else one on the PATH, else None.

    An explicit ``KCM_CHROMIUM`` is returned even if it does not exist, so callers can say
    that the configured path is wrong rather than silently using another browser.
    """
    env = os.environ if environ is None else environ
    configured = env.get(ENV_VAR)
    if configured:
        return configured
    if Path(DEFAULT_PATH).exists():
        return DEFAULT_PATH
    for name in CANDIDATES:
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return found
    return None
