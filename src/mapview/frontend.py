"""How the project's own JS/CSS (``static/kcm``) reaches a folium map, folium-plugin style.

The code lives in real ``.js``/``.css`` files; an element lists them in ``default_js`` /
``default_css`` (so the app serves them, :func:`src.assets.localize.inline_html` embeds them in
an offline export) and its Jinja template is a one-line call passing data through ``tojson``.

``tojson`` here is stricter than Jinja's: besides ``<``, ``>``, ``&`` and ``'`` it escapes
``$``, backticks and U+2028/9 (:func:`src.safe_html.js_json`), so no data value can end a
``<script>`` or act as code, wherever the glue puts it.
"""

from __future__ import annotations

from typing import Any

from folium.elements import JSCSSMixin
from folium.template import Environment as FoliumEnvironment
from folium.template import Template as FoliumTemplate

from src.assets.localize import OWN_BASE_URL, OWN_STATIC_DIR
from src.safe_html import js_json

#: Files of ``static/kcm`` the map and the briefing frame use, by folium asset name.
MAP_JS = ("kcm-map-js", f"{OWN_BASE_URL}/map.js")
MAP_CSS = ("kcm-map-css", f"{OWN_BASE_URL}/map.css")
LABELS_JS = ("kcm-labels-js", f"{OWN_BASE_URL}/labels.js")
CONTROLS_JS = ("kcm-controls-js", f"{OWN_BASE_URL}/controls.js")
BRIEFING_JS = ("kcm-briefing-js", f"{OWN_BASE_URL}/briefing.js")
BRIEFING_CSS = ("kcm-briefing-css", f"{OWN_BASE_URL}/briefing-frame.css")


def own_file(name: str) -> str:
    """The text of one of the project's front-end files (for Python-side use, e.g. st.html)."""
    return (OWN_STATIC_DIR / name).read_text(encoding="utf-8")


def strict_dumps(obj: Any, **_: Any) -> str:
    """``json.dumps`` for the ``tojson`` policy: already safe inside a script."""
    return js_json(obj)


class _GlueEnvironment(FoliumEnvironment):
    """folium's environment (``tojavascript``) with the strict ``tojson``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]  # unannotated in folium
        self.policies["json.dumps_function"] = strict_dumps
        self.policies["json.dumps_kwargs"] = {}


class GlueTemplate(FoliumTemplate):
    """A folium element template whose ``tojson`` filter escapes like ``js_json``."""

    environment_class = _GlueEnvironment


class KcmElement(JSCSSMixin):
    """A map element whose code is in ``static/kcm/map.js``; subclasses add a glue macro."""

    # folium's JSCSSMixin declares these as (mutable) attributes; its plugins set them so.
    default_js = [MAP_JS]  # noqa: RUF012
    default_css = [MAP_CSS]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement: unannotated
