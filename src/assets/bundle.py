"""Join a map's local scripts into one file, so its frame makes one request instead of ~12.

streamlit-folium's frame loads the ``js_links`` it is given strictly one after another, each
waiting for the previous to run: ~50 ms a link here, ~0.6 s of every first map. Every link the
app uses is a local file (``static/vendor`` after setup, ``static/kcm`` always), so the same
code in the same order can be one file: :func:`bundle_scripts` writes it under
``static/vendor/kcm-bundle/`` named by the hash of its content (a changed source file makes a
new name, so no browser keeps a stale copy) and gives the map that one link.

Stylesheets are left as they are: their relative ``url()``s (fonts, images) must stay next to
their own file. The bundle sits one folder below ``static/vendor`` like every vendored package,
so the icon-path fix (:func:`.manifest.icon_path_js`), which resolves Leaflet's images from its
own URL, finds them the same way.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from branca.element import Element

from . import DEFAULT_BASE_URL, DEFAULT_STATIC_DIR
from .localize import iter_elements, local_file

BUNDLE_DIR = "kcm-bundle"
"""Folder under ``static/vendor`` for the bundles (written at run time, never committed)."""
BUNDLE_NAME = "kcm_bundle"
"""The bundle's name in the map's ``default_js``."""
KEEP = 16
"""Bundles kept on disk: one per script set in use (clustered map, playback) and recent ones."""


def script_links(*roots: Element) -> list[tuple[str, str]]:
    """Every ``(name, url)`` script link of ``roots`` in the order st_folium loads them,
    each URL once (st_folium keeps the first)."""
    seen: dict[str, str] = {}
    for root in roots:
        for element in iter_elements(root):
            for name, url in getattr(element, "default_js", []):
                seen.setdefault(url, name)
    return [(name, url) for url, name in seen.items()]


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _written(stamps: tuple[tuple[str, int, int], ...], out_dir: str) -> str:
    """Write the bundle of the stamped files (once per set of file versions); its file name."""
    parts = []
    for name, _, _ in stamps:
        code = Path(name).read_text(encoding="utf-8")
        # A line break and a semicolon between files: a file ending in a line comment or
        # without its last semicolon must not run into the next one.
        parts.append(f"/* {Path(name).name} */\n{code}\n;\n")
    text = "".join(parts)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    folder = Path(out_dir)
    target = folder / f"{digest}.js"
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, target)  # atomic: a frame never loads half a bundle
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(folder, keep=target)
    return target.name


def _prune(folder: Path, keep: Path) -> None:
    """Delete all but the ``KEEP`` newest bundles (never ``keep``)."""
    bundles = sorted(folder.glob("*.js"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in bundles[KEEP:]:
        if old != keep:
            old.unlink(missing_ok=True)


def bundle_scripts(
    m: Element,
    *layers: Element,
    base_url: str = DEFAULT_BASE_URL,
    static_dir: Path = DEFAULT_STATIC_DIR,
) -> str | None:
    """Give ``m`` one script link for every script of ``m`` and of ``layers`` (layers that
    st_folium adds to the map itself), and none to their elements; the bundle's URL.

    Call after :func:`.localize.localize_map`. When any script is not a local file (assets
    not fetched: CDN links), nothing changes and ``None`` is returned: the page loads its
    links one by one as before.
    """
    links = script_links(m, *layers)
    files = [local_file(url, base_url, static_dir) for _, url in links]
    if not links or any(f is None for f in files):
        return None
    stamps = tuple(_stamp(f) for f in files if f is not None)
    name = _written(stamps, str(static_dir / BUNDLE_DIR))
    if not (static_dir / BUNDLE_DIR / name).is_file():  # pruned by another session
        _written.cache_clear()
        name = _written(stamps, str(static_dir / BUNDLE_DIR))
    url = f"{base_url.rstrip('/')}/{BUNDLE_DIR}/{name}"
    for root in (m, *layers):
        for element in iter_elements(root):
            if hasattr(element, "default_js"):
                element.default_js = []  # per instance: the class lists stay as they are
    m.default_js = [(BUNDLE_NAME, url)]  # type: ignore[attr-defined]  # a JSCSSMixin map
    return url
