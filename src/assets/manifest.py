"""Pinned table of the front-end assets the map needs, and where they live locally.

folium and its plugins reference Leaflet & co. by CDN URL.  The app must also work
without internet, so every asset used by the map is pinned here to an exact npm
package version (the same version folium's CDN URL names, where npm has it), with
the sha512 integrity of the package tarball, the files to extract from it and the
path they get under ``static/vendor/``.  The whole package layout below the
package root is kept, so relative ``url(...)`` references inside the CSS (Leaflet's
``images/``, Font Awesome's ``../webfonts/``) keep working untouched.

Decisions for assets that npm does not carry:

* ``awesome_rotate_css`` - folium loads it from its own GitHub repo.  It only holds
  ``.fa-rotate-<deg>`` classes used by ``folium.Icon(angle=...)``, so we generate an
  equivalent file ourselves (:func:`rotate_css`).
* ``glyphicons_css`` - a Bootstrap 3.0.0 split file that npm never published and
  which would clash with Bootstrap 5.  The app draws its icons with Font Awesome
  (``prefix="fa"``), never glyphicons, so it is dropped from the page.
* ``leaflet.awesome-markers`` - 2.0.2 (folium's CDN version) was never published to
  npm; 2.0.4 is the nearest release, and its ``dist/`` is the same plugin
  (``L.AwesomeMarkers.version`` is still ``'2.0.1'`` in both).
* ``leaflet_icon_path`` - not a folium asset: a generated script that
  :func:`~src.assets.localize.localize_map` loads right after the local Leaflet, to
  fix its default marker image path inside st_folium's iframe (:func:`icon_path_js`).
* ``world-atlas`` and ``mapeo-offline-map`` - not folium assets: Natural Earth countries
  (TopoJSON) and rivers/lakes (GeoJSON), which :mod:`.geodata` cuts at fetch time into
  the offline basemap's one script (:data:`BASEMAP_FILE`, see :func:`derived_files`).
  ``mapeo-offline-map`` ships no LICENSE file; its ``package.json`` says MIT.
* ``leaflet.fullscreen`` 3.0.0 and ``leaflet.timeline`` 1.6.0 ship no ``.min.js`` on
  npm; the unminified / single dist file is used instead (same code).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from . import geodata

Kind = Literal["js", "css"]


@dataclass(frozen=True)
class Package:
    """One npm package tarball: what to fetch, how to check it, what to keep."""

    name: str
    version: str
    integrity: str
    """``sha512-<base64>`` of the ``.tgz``, as ``npm pack --json`` reports it."""
    files: tuple[str, ...]
    """Paths inside the package (below its ``package/`` root) to extract."""

    @property
    def spec(self) -> str:
        """Argument for ``npm pack``."""
        return f"{self.name}@{self.version}"

    @property
    def local_dir(self) -> str:
        """Directory under ``static/vendor``; no ``@``/``/`` so URLs stay plain."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}"


@dataclass(frozen=True)
class Asset:
    """One folium ``default_js``/``default_css`` entry and its local replacement."""

    name: str
    """The name folium gives the link (first item of the ``default_js`` tuple)."""
    kind: Kind
    cdn_urls: tuple[str, ...]
    """The folium URLs this asset replaces; any other URL under this name stays."""
    package: str | None
    """npm package name, or ``None`` when we generate the file / drop the asset."""
    file: str | None
    """Path inside the package (or under ``GENERATED_DIR``); ``None`` = droppable."""
    note: str = ""

    @property
    def droppable(self) -> bool:
        """True when the asset is removed from the page instead of localized."""
        return self.file is None


GENERATED_DIR = "folium-extras"
"""Directory under ``static/vendor`` for files we write ourselves."""
ICON_PATH_ASSET = "leaflet_icon_path"
"""Name of the extra script that fixes Leaflet's default marker image path."""

_JSD = "https://cdn.jsdelivr.net/npm"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"

PACKAGES: tuple[Package, ...] = (
    Package(
        "leaflet",
        "1.9.3",
        "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
        (
            "LICENSE",
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
        ),
    ),
    Package(
        "jquery",
        "3.7.1",
        "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        ("LICENSE.txt", "dist/jquery.min.js"),
    ),
    Package(
        "bootstrap",
        "5.2.2",
        "sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ==",
        ("LICENSE", "dist/js/bootstrap.bundle.min.js", "dist/css/bootstrap.min.css"),
    ),
    Package(
        "@fortawesome/fontawesome-free",
        "6.2.0",
        "sha512-CNR7qRIfCwWHNN7FnKUniva94edPdyQzil/zCwk3v6k4R6rR2Fr8i4s3PM7n/lyfPA6Zfko9z5WDzFxG9SW1uQ==",
        (
            "LICENSE.txt",
            "css/all.min.css",
            *(
                f"webfonts/fa-{face}.{ext}"
                for face in ("brands-400", "regular-400", "solid-900", "v4compatibility")
                for ext in ("woff2", "ttf")
            ),
        ),
    ),
    Package(
        "leaflet.awesome-markers",
        "2.0.4",
        "sha512-LWm2PlfwrF81xcV5VgCtnMWKvFG2dPKkFWgB58ynOPx+EQJ+3si5amtX/pI1RjlV8ivclhbjxVeNI87x+O1FuA==",
        (
            "LICENSE",
            "dist/leaflet.awesome-markers.js",
            "dist/leaflet.awesome-markers.css",
            "dist/images/markers-soft.png",
            "dist/images/markers-soft@2x.png",
            "dist/images/markers-shadow.png",
            "dist/images/markers-shadow@2x.png",
        ),
    ),
    Package(
        "leaflet.markercluster",
        "1.5.3",
        "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
        (
            "MIT-LICENCE.txt",
            "dist/leaflet.markercluster.js",
            "dist/MarkerCluster.css",
            "dist/MarkerCluster.Default.css",
        ),
    ),
    Package(
        "leaflet.fullscreen",
        "3.0.0",
        "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
        ("LICENSE", "Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg"),
    ),
    Package(
        "leaflet.timeline",
        "1.6.0",
        "sha512-FCMkr3P0zxL5IRVJ80wUPmXOlyC7ohq3z2JO45mYq6AKoBgB1yXjfXI6e6V64TAwBl0cmyYIrJCN8boyXdVDSQ==",
        ("LICENSE", "dist/leaflet.timeline.js"),
    ),
    Package(
        "moment",
        "2.18.1",
        "sha512-QGcnVKRSEhbWy2i0pqFhjWMCczL/YU5ICMB3maUavFcyUqBszRnzsswvOaGOqSfWZ/R+dMnb9gGBuRT4LMTdVQ==",
        ("LICENSE", "min/moment.min.js"),
    ),
    Package(
        "world-atlas",
        "2.0.2",
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
        ("LICENSE", "countries-10m.json", "countries-50m.json", "countries-110m.json"),
    ),
    Package(
        "mapeo-offline-map",
        "2.0.0",
        "sha512-/a2BVgSwcL0EGqNxc7MWaApEJ0uLxr/scaZimd/2RvihDtvaNsLQurHIAjXJnY5lj4to5fBFBpcWXntdZoRBdg==",
        ("package.json", "dist/rivers.json", "dist/lakes.json"),
    ),
)

ASSETS: tuple[Asset, ...] = (
    # folium.Map
    Asset(
        "leaflet", "js", (f"{_JSD}/leaflet@1.9.3/dist/leaflet.js",), "leaflet", "dist/leaflet.js"
    ),
    Asset(
        "leaflet_css",
        "css",
        (f"{_JSD}/leaflet@1.9.3/dist/leaflet.css",),
        "leaflet",
        "dist/leaflet.css",
    ),
    Asset(
        "jquery",
        "js",
        (
            "https://code.jquery.com/jquery-3.7.1.min.js",
            f"{_CDNJS}/jquery/3.7.1/jquery.min.js",  # TimestampedGeoJson & co.
        ),
        "jquery",
        "dist/jquery.min.js",
    ),
    Asset(
        "bootstrap",
        "js",
        (f"{_JSD}/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",),
        "bootstrap",
        "dist/js/bootstrap.bundle.min.js",
    ),
    Asset(
        "bootstrap_css",
        "css",
        (f"{_JSD}/bootstrap@5.2.2/dist/css/bootstrap.min.css",),
        "bootstrap",
        "dist/css/bootstrap.min.css",
    ),
    Asset(
        "awesome_markers",
        "js",
        (f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",),
        "leaflet.awesome-markers",
        "dist/leaflet.awesome-markers.js",
        note="2.0.2 is not on npm; 2.0.4 has the same dist",
    ),
    Asset(
        "awesome_markers_css",
        "css",
        (f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",),
        "leaflet.awesome-markers",
        "dist/leaflet.awesome-markers.css",
        note="2.0.2 is not on npm; 2.0.4 has the same dist",
    ),
    Asset(
        "awesome_markers_font_css",
        "css",
        (f"{_JSD}/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",),
        "@fortawesome/fontawesome-free",
        "css/all.min.css",
    ),
    Asset(
        "awesome_rotate_css",
        "css",
        (
            "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
            "leaflet.awesome.rotate.min.css",
        ),
        None,
        "leaflet.awesome.rotate.css",
        note="not on npm; generated by rotate_css()",
    ),
    Asset(
        "glyphicons_css",
        "css",
        ("https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",),
        None,
        None,
        note="droppable: Bootstrap 3 split file, not on npm; the app uses Font Awesome icons",
    ),
    # plugins.MarkerCluster / FastMarkerCluster
    Asset(
        "markerclusterjs",
        "js",
        (f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js",),
        "leaflet.markercluster",
        "dist/leaflet.markercluster.js",
    ),
    Asset(
        "markerclustercss",
        "css",
        (f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css",),
        "leaflet.markercluster",
        "dist/MarkerCluster.css",
    ),
    Asset(
        "markerclusterdefaultcss",
        "css",
        (f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css",),
        "leaflet.markercluster",
        "dist/MarkerCluster.Default.css",
    ),
    # plugins.Fullscreen
    Asset(
        "Control.Fullscreen.js",
        "js",
        (f"{_JSD}/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js",),
        "leaflet.fullscreen",
        "Control.FullScreen.js",
        note="npm ships only the unminified file",
    ),
    Asset(
        "Control.FullScreen.css",
        "css",
        (f"{_JSD}/leaflet.fullscreen@3.0.0/Control.FullScreen.css",),
        "leaflet.fullscreen",
        "Control.FullScreen.css",
    ),
    # plugins.Timeline / TimelineSlider (moment also used by TimestampedGeoJson)
    Asset(
        "timeline",
        "js",
        (f"{_JSD}/leaflet.timeline@1.6.0/dist/leaflet.timeline.min.js",),
        "leaflet.timeline",
        "dist/leaflet.timeline.js",
        note="npm's dist/leaflet.timeline.js is already minified",
    ),
    Asset(
        "moment",
        "js",
        (f"{_CDNJS}/moment.js/2.18.1/moment.min.js",),
        "moment",
        "min/moment.min.js",
    ),
    # Not a folium asset: inserted after "leaflet" by localize_map (see icon_path_js).
    Asset(
        ICON_PATH_ASSET,
        "js",
        (),
        None,
        "leaflet-icon-path.js",
        note="added by localize_map; generated by icon_path_js()",
    ),
)

ASSETS_BY_NAME: dict[str, Asset] = {a.name: a for a in ASSETS}
PACKAGES_BY_NAME: dict[str, Package] = {p.name: p for p in PACKAGES}


def local_path(asset: Asset) -> str | None:
    """Path of ``asset`` relative to ``static/vendor`` (``None`` if droppable)."""
    if asset.file is None:
        return None
    if asset.package is None:
        return f"{GENERATED_DIR}/{asset.file}"
    return f"{PACKAGES_BY_NAME[asset.package].local_dir}/{asset.file}"


def rotate_css(max_angle: int = 360) -> str:
    """CSS for ``folium.Icon(angle=N)``, which adds the class ``fa-rotate-N``.

    Written here (not fetched) because folium serves it from its GitHub repo,
    which npm does not mirror.  Negative angles give ``fa-rotate--N``.
    """
    rules = (
        f".fa-rotate-{deg}{{transform:rotate({deg}deg)}}"
        for deg in range(-max_angle, max_angle + 1)
    )
    return "/* generated by src.assets.manifest.rotate_css */\n" + "\n".join(rules) + "\n"


def icon_path_js() -> str:
    """Script that points ``L.Icon.Default`` at the local Leaflet ``images/`` folder.

    st_folium adds stylesheets only after all scripts ran, so Leaflet 1.9.3 cannot
    find its marker images through ``leaflet.css`` and falls back to a path that
    lacks ``images/`` (``.../distmarker-icon.png``): every default blue marker shows
    as a broken image.  Loaded right after ``leaflet.js``, this sets the path from
    its own URL, so it works under any base URL; inline it is a no-op.
    """
    leaflet_js = local_path(ASSETS_BY_NAME["leaflet"])
    assert leaflet_js is not None
    images = "../" + leaflet_js.rsplit("/", 1)[0] + "/images/"
    return (
        "/* generated by src.assets.manifest.icon_path_js */\n"
        "(function () {\n"
        "  var me = document.currentScript;\n"
        "  if (window.L && me && me.src) {\n"
        f'    L.Icon.Default.imagePath = new URL("{images}", me.src).href;\n'
        "  }\n"
        "})();\n"
    )


def generated_files() -> dict[str, str]:
    """Files we write ourselves, keyed by path relative to ``static/vendor``."""
    return {
        f"{GENERATED_DIR}/leaflet.awesome.rotate.css": rotate_css(),
        f"{GENERATED_DIR}/leaflet-icon-path.js": icon_path_js(),
    }


BASEMAP_DIR = "kcm-basemap"
"""Directory under ``static/vendor`` for files derived from fetched packages."""
BASEMAP_FILE = f"{BASEMAP_DIR}/basemap.js"
"""The offline basemap's data script (``window.kcmBasemapData``), cut by :mod:`.geodata`."""
BASEMAP_SOURCES = ("world-atlas", "mapeo-offline-map")


def derived_files() -> tuple[str, ...]:
    """Files computed from fetched packages (paths relative to ``static/vendor``): the
    basemap's script, when the packages it is cut from are pinned."""
    pinned = {p.name for p in PACKAGES}
    return (BASEMAP_FILE,) if pinned.issuperset(BASEMAP_SOURCES) else ()


def derive(root: Path) -> dict[str, str]:
    """The derived files' text from a folder holding the unpacked packages."""
    if not derived_files():
        return {}
    by_name = {p.name: p for p in PACKAGES}
    atlas, mapeo = (root / by_name[name].local_dir for name in BASEMAP_SOURCES)
    return {BASEMAP_FILE: geodata.basemap_script(geodata.build_data(atlas, mapeo))}


def manifest_version() -> str:
    """Fingerprint of everything pinned here; stored in the stamp file by fetch.

    Any change to a pin, a file list or a generated file changes it, so a fetch
    after editing this module never keeps stale files.
    """
    payload = {
        "packages": [asdict(p) for p in PACKAGES],
        "assets": [asdict(a) for a in ASSETS],
        "generated": generated_files(),
        "derived": [derived_files(), geodata.FORMAT, [asdict(lv) for lv in geodata.LEVELS]],
    }
    blob = json.dumps(payload, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
