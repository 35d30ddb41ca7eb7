"""The map's small controls: a north arrow and the legend that folds away on small maps.

Their code is ``static/kcm/controls.js``; these elements pass it the legend's escaped HTML
and where to put things, folium-plugin style (one ``tojson`` call each).
"""

from __future__ import annotations

from src.mapview.frontend import CONTROLS_JS, MAP_JS, GlueTemplate, KcmElement

#: Below this map width or height (CSS pixels) the legend starts folded, a laptop's 820 px map
#: too: open, it covered the whole map at 390 px and a third of it at 1280×720.
LEGEND_NARROW_PX, LEGEND_LOW_PX = 860, 420


class NorthArrow(KcmElement):
    """A north arrow, so a cropped screenshot keeps its orientation (``kcm.northArrow``)."""

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.northArrow({{ this._parent.get_name() }}, {{ this.position|tojson }});
        {% endmacro %}
        """
    )
    default_js = [MAP_JS, CONTROLS_JS]  # noqa: RUF012 - folium's JSCSSMixin attribute

    def __init__(self, position: str = "bottomleft") -> None:
        super().__init__()
        self._name = "NorthArrow"
        self.position = position


class Legend(KcmElement):
    """The legend in a box with a "Legend" button, folded when the map is small."""

    _template = GlueTemplate(
        """
        {% macro script(this, kwargs) %}
        kcm.legend({{ this._parent.get_name() }}, {{ this.html|tojson }}, {{ this.position|tojson }}, {{ this.narrow|tojson }}, {{ this.low|tojson }});
        {% endmacro %}
        """  # noqa: E501
    )
    default_js = [MAP_JS, CONTROLS_JS]  # noqa: RUF012 - folium's JSCSSMixin attribute

    def __init__(self, html: str, position: str = "topright") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.position = position
        self.narrow = LEGEND_NARROW_PX
        self.low = LEGEND_LOW_PX
