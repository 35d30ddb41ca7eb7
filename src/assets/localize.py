"""Point a folium map at the local asset copies, and export it as one offline file.

st_folium collects every element's ``default_js``/``default_css`` URL and loads
them one by one inside its iframe; a single JS URL that cannot load (no internet)
leaves the map blank.  :func:`localize_map` therefore swaps each URL for the copy
under ``static/vendor`` when that file exists, and keeps the CDN URL per asset when
it does not, so a partial or missing fetch degrades to "needs internet" instead of
"broken".  What stayed on the CDN is reported so the UI can say it once.

The project's own front-end files (``static/kcm``, committed, served at
``/app/static/kcm``) are local by construction and take the same way into an offline export.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import branca.colormap
import folium
import folium.elements
import folium.plugins
from branca.element import Element

from . import DEFAULT_BASE_URL, DEFAULT_STATIC_DIR, REPO_ROOT, manifest

D3_NOTE = "d3 (st_folium adds it from a CDN for branca colormaps)"
OWN_STATIC_DIR = REPO_ROOT / "static" / "kcm"
"""The project's own JS/CSS (committed, unlike ``static/vendor``)."""
OWN_BASE_URL = "/app/static/kcm"
"""URL prefix of ``OWN_STATIC_DIR`` in the running app."""


@dataclass
class LocalizeReport:
    """Outcome of :func:`localize_map`, keyed by folium asset name."""

    local: dict[str, str] = field(default_factory=dict)
    """Asset name -> local URL now used."""
    dropped: list[str] = field(default_factory=list)
    """Droppable assets removed from the page (see :mod:`.manifest`)."""
    cdn: dict[str, str] = field(default_factory=dict)
    """Asset name -> URL still loaded from the internet."""

    @property
    def offline_ready(self) -> bool:
        """True when the map needs no CDN at all (tiles aside)."""
        return not self.cdn

    def cdn_message(self) -> str | None:
        """One line for the UI, or ``None`` when everything is local."""
        if not self.cdn:
            return None
        return "map assets loaded from CDN: " + ", ".join(self.cdn)


def iter_elements(root: Element) -> Iterator[folium.elements.JSCSSMixin | branca.colormap.ColorMap]:
    """Yield the elements whose links st_folium collects, in st_folium's order.

    Mirrors streamlit-folium's own walk: every ``JSCSSMixin`` (recursively through
    ``_children``), both halves of a ``DualMap``, and branca colormaps (for which
    st_folium injects d3 itself).
    """
    if isinstance(root, branca.colormap.ColorMap):
        yield root
    if isinstance(root, folium.plugins.DualMap):
        yield from iter_elements(root.m1)
        yield from iter_elements(root.m2)
    if isinstance(root, folium.elements.JSCSSMixin):
        yield root
    for child in getattr(root, "_children", {}).values():
        yield from iter_elements(child)


def _rewrite(
    links: list[tuple[str, str]], base: str, static_dir: Path, report: LocalizeReport
) -> list[tuple[str, str]]:
    """Return a new link list with local URLs; never mutates ``links``."""
    out: list[tuple[str, str]] = []
    for name, url in links:
        if url.startswith((base + "/", OWN_BASE_URL + "/")):  # already local (idempotent)
            report.local[name] = url
            out.append((name, url))
            continue
        asset = manifest.ASSETS_BY_NAME.get(name)
        # Match on name AND url: a plugin reusing a name for another version keeps it.
        if asset is not None and url in asset.cdn_urls:
            rel = manifest.local_path(asset)
            if rel is None:
                if name not in report.dropped:
                    report.dropped.append(name)
                continue
            if (static_dir / rel).is_file():
                report.local[name] = f"{base}/{rel}"
                out.append((name, report.local[name]))
                continue
        report.cdn[name] = url
        out.append((name, url))
    return out


def _with_icon_path(
    links: list[tuple[str, str]], base: str, static_dir: Path, report: LocalizeReport
) -> list[tuple[str, str]]:
    """Insert the icon-path fix right after a *local* ``leaflet.js``.

    Only for the local copy: the fix derives the images folder from its own URL
    next to the vendored Leaflet (see :func:`manifest.icon_path_js`).
    """
    name = manifest.ICON_PATH_ASSET
    rel = manifest.local_path(manifest.ASSETS_BY_NAME[name])
    urls = dict(links)
    if name in urls or not urls.get("leaflet", "").startswith(base + "/"):
        return links
    if rel is None or not (static_dir / rel).is_file():
        return links
    names = [n for n, _ in links]
    report.local[name] = f"{base}/{rel}"
    at = names.index("leaflet") + 1
    return [*links[:at], (name, report.local[name]), *links[at:]]


def localize_map(
    m: Element,
    base_url: str = DEFAULT_BASE_URL,
    static_dir: Path = DEFAULT_STATIC_DIR,
) -> LocalizeReport:
    """Rewrite the asset links of ``m`` (a map, or a layer not yet added to one) and all its
    children to local copies.

    The new lists are set on each *instance*: folium keeps ``default_js`` on the
    class, shared by every map in the process, and mutating it would leak one
    session's choice into all others.  Safe to call repeatedly.
    """
    base = base_url.rstrip("/")
    report = LocalizeReport()
    for element in iter_elements(m):
        if isinstance(element, branca.colormap.ColorMap):
            report.cdn["d3"] = D3_NOTE
            continue
        element.default_js = _rewrite(list(element.default_js), base, static_dir, report)
        element.default_css = _rewrite(list(element.default_css), base, static_dir, report)
        if isinstance(element, folium.Map):
            element.default_js = _with_icon_path(element.default_js, base, static_dir, report)
    # A render before localizing left header links by name; drop the dropped ones.
    header = getattr(m.get_root(), "header", None)
    for name in report.dropped:
        if header is not None:
            header._children.pop(name, None)
    return report


_SCRIPT_TAG = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_CSS_TAG = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"/>')
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<ref>[^'")]+)(?P=q)\s*\)""")
_LEGACY_FONT_FACE = re.compile(
    r"""@font-face\s*\{\s*font-family:\s*["']?(?:Font Awesome 5 \w+|FontAwesome)["']?;[^}]*\}"""
)
_TTF_FALLBACK = re.compile(
    r""",\s*url\(\s*['"]?[^'")]+\.ttf['"]?\s*\)\s*format\(\s*['"]truetype['"]\s*\)"""
)


def _data_uri(path: Path) -> str:
    """Embed a file as a ``data:`` URI."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _inside(path: Path, root: Path) -> bool:
    """True if ``path`` resolves inside ``root`` (no escaping via ``..``)."""
    return path.resolve().is_relative_to(root.resolve())


def _inline_css(css: str, css_file: Path, static_dir: Path) -> str:
    """Replace relative ``url(...)`` references by data URIs.

    Two size cuts, since every reference becomes its own copy of the file: where
    a font offers woff2 *and* a TrueType fallback the fallback goes (every browser
    that runs Leaflet 1.9 reads woff2), and Font Awesome's v4/v5 compatibility
    ``@font-face`` aliases go (folium's ``fa`` icons use the v6 families; the
    aliases would embed the same fonts twice more).
    """
    css = _TTF_FALLBACK.sub("", _LEGACY_FONT_FACE.sub("", css))

    def replace(match: re.Match[str]) -> str:
        ref = match["ref"].strip()
        if ref.startswith(("data:", "#", "http:", "https:", "//", "/")):
            return match[0]
        target = css_file.parent / ref.split("?", 1)[0].split("#", 1)[0]
        if not target.is_file() or not _inside(target, static_dir):
            return match[0]
        return f'url("{_data_uri(target)}")'

    return _CSS_URL.sub(replace, css).replace("</style", r"<\/style")


def _leaflet_icon_fix(leaflet_js: Path) -> str:
    """Script pointing Leaflet's default marker at data URIs.

    Leaflet finds its marker images by reading a CSS background URL and stripping
    ``marker-icon.png`` from it, which fails once that URL is a data URI.
    """
    images = leaflet_js.parent / "images"
    names = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png"}
    names["shadowUrl"] = "marker-shadow.png"
    if not all((images / f).is_file() for f in names.values()):
        return ""
    opts = ",".join(f'{key}:"{_data_uri(images / f)}"' for key, f in names.items())
    return f'<script>L.Icon.Default.imagePath="";L.Icon.Default.mergeOptions({{{opts}}});</script>'


def local_file(url: str, base_url: str, static_dir: Path) -> Path | None:
    """The file behind a local asset URL (fetched under ``base_url``, or the project's own
    under ``OWN_BASE_URL``), else ``None``; a URL that leaves its folder is not local."""
    roots = ((base_url.rstrip("/"), static_dir), (OWN_BASE_URL, OWN_STATIC_DIR))
    for prefix, root in roots:
        if url.startswith(prefix + "/"):
            path = root / url[len(prefix) + 1 :]
            return path if path.is_file() and _inside(path, root) else None
    return None


def inline_html(
    m: folium.Map,
    base_url: str = DEFAULT_BASE_URL,
    static_dir: Path = DEFAULT_STATIC_DIR,
) -> str:
    """A standalone HTML page of ``m`` with every local JS/CSS file embedded.

    Meant for "download as HTML": the file opens from disk with no server and no
    internet (map tiles aside).  Assets that are not available locally keep their
    CDN ``<script src>``/``<link>`` so the page still works when online.  The map
    is localized as a side effect.
    """
    localize_map(m, base_url=base_url, static_dir=static_dir)
    return inline_assets(m.get_root().render(), base_url, static_dir)


def inline_assets(
    html: str,
    base_url: str = DEFAULT_BASE_URL,
    static_dir: Path = DEFAULT_STATIC_DIR,
) -> str:
    """``html`` with its ``<script src>``/stylesheet links to local files replaced by the
    files' contents: fetched assets under ``base_url`` and the project's own under
    ``OWN_BASE_URL``.  Other links are left as they are."""
    leaflet_rel = manifest.local_path(manifest.ASSETS_BY_NAME["leaflet"])
    leaflet_js = static_dir / leaflet_rel if leaflet_rel is not None else None

    def script(match: re.Match[str]) -> str:
        path = local_file(match["url"], base_url, static_dir)
        if path is None:
            return match[0]
        code = path.read_text(encoding="utf-8")
        code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
        code = code.replace("<!--", r"\x3C!--")
        extra = _leaflet_icon_fix(path) if path == leaflet_js else ""
        return f"<script>{code}</script>{extra}"

    def stylesheet(match: re.Match[str]) -> str:
        path = local_file(match["url"], base_url, static_dir)
        if path is None:
            return match[0]
        root = OWN_STATIC_DIR if _inside(path, OWN_STATIC_DIR) else static_dir
        return f"<style>{_inline_css(path.read_text(encoding='utf-8'), path, root)}</style>"

    # Callables as replacements: file contents are never parsed as regex templates.
    html = _SCRIPT_TAG.sub(script, html)
    return _CSS_TAG.sub(stylesheet, html)
