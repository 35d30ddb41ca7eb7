"""The offline vector basemap as a folium layer, and the switch to it when tiles fail.

The data (Natural Earth borders, coasts, rivers, lakes, country names) is cut at setup by
:mod:`src.assets.geodata` into one script under ``static/vendor``; the drawing is
``static/kcm/basemap.js``. It is a base layer like the tile layers (the layer control's radio
list, the sidebar's basemap choice), and the map switches to it by itself when the chosen
tiles cannot be loaded: the browser knows, Python cannot (an app on a laptop in a briefing
room may have no internet while its server thinks it has).

The data script is listed only when the file exists: st_folium loads scripts one after the
other, and one that cannot load would leave the map blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import folium
from folium.elements import JSCSSMixin

from src.assets import DEFAULT_BASE_URL, DEFAULT_STATIC_DIR, manifest
from src.assets.localize import OWN_BASE_URL
from src.mapview.frontend import GlueTemplate, KcmElement

#: The basemap key of the offline layer (``mapview.build.BASEMAPS``, ``basemap=`` in links).
OFFLINE = "offline"
LABEL = "Offline basemap (Natural Earth, prints well)"
BASEMAP_JS = ("kcm-basemap-js", f"{OWN_BASE_URL}/basemap.js")
BASEMAP_CSS = ("kcm-basemap-css", f"{OWN_BASE_URL}/basemap.css")
DATA_JS = ("kcm-basemap-data", f"{DEFAULT_BASE_URL}/{manifest.BASEMAP_FILE}")
#: Said once on the map when it switched by itself.
FALLBACK_NOTE = "Map tiles could not be loaded: showing the offline basemap."
#: Shown in the attribution when the data was never fetched (the layer then draws nothing).
MISSING_NOTE = "Offline basemap not fetched: run scripts/setup.sh"
#: Failed tiles, with none loaded, after which a tile layer counts as unreachable.
TILE_ERRORS = 3


def data_available(static_dir: Path = DEFAULT_STATIC_DIR) -> bool:
    """True when setup has cut the basemap's data into ``static/vendor``."""
    return (static_dir / manifest.BASEMAP_FILE).is_file()


def basemap_js(static_dir: Path = DEFAULT_STATIC_DIR) -> list[tuple[str, str]]:
    """The scripts the layer needs: the data (if fetched), then the drawing code."""
    return [DATA_JS, BASEMAP_JS] if data_available(static_dir) else [BASEMAP_JS]


class OfflineBasemap(JSCSSMixin, folium.map.Layer):
    """The vector basemap: a base layer (``overlay=False``) so the layer control offers it
    beside the tiles, shown when chosen (``show``)."""

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = kcm.basemapLayer({{ this.config|tojson }});
        {% endmacro %}
        """
    )
    default_css = [BASEMAP_CSS]  # noqa: RUF012 - folium's JSCSSMixin attribute

    def __init__(self, show: bool = False, static_dir: Path = DEFAULT_STATIC_DIR) -> None:
        super().__init__(name=LABEL, overlay=False, control=True, show=show)
        self._name = "OfflineBasemap"
        self.default_js = basemap_js(static_dir)
        self.config = {"missing": MISSING_NOTE}


class TileFallback(KcmElement):
    """Switches ``map`` to ``basemap`` when its shown tile layer cannot load tiles."""

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.tileFallback({{ this._parent.get_name() }}, [{% for t in this.tiles %}{{ t.get_name() }}{{ ", " if not loop.last }}{% endfor %}], {{ this.basemap.get_name() }}, {{ this.note|tojson }}, {{ this.errors|tojson }});
        {% endmacro %}
        """  # noqa: E501
    )
    default_css = [BASEMAP_CSS]  # noqa: RUF012 - folium's JSCSSMixin attribute

    def __init__(self, tiles: Sequence[folium.TileLayer], basemap: OfflineBasemap) -> None:
        super().__init__()
        self._name = "TileFallback"
        self.tiles = list(tiles)
        self.basemap = basemap
        self.note = FALLBACK_NOTE
        self.errors = TILE_ERRORS
        self.default_js = [BASEMAP_JS]


def add_basemaps(
    m: folium.Map,
    tiled: Sequence[tuple[str, str, bool]],
    offline: bool,
    static_dir: Path = DEFAULT_STATIC_DIR,
) -> tuple[list[folium.TileLayer], OfflineBasemap]:
    """The tile layers (``(folium tiles, label, shown)``) and the offline layer (shown when
    ``offline``) on ``m``, with the fallback from the tiles to it."""
    layers = [
        folium.TileLayer(tiles, name=label, show=shown, control=True)
        for tiles, label, shown in tiled
    ]
    for layer in layers:
        layer.add_to(m)
    vector = OfflineBasemap(show=offline, static_dir=static_dir)
    vector.add_to(m)
    TileFallback(layers, vector).add_to(m)
    return layers, vector
