"""How the project's own JS/CSS (``static/kcm``) reaches a folium map, folium-plugin style.

The code lives in real ``.js``/``.css`` files; an element lists them in ``default_js`` /
``default_css`` (so the app serves them, :func:`src.assets.localize.inline_html` embeds them in
an offline export) and its Jinja template is a one-line call passing data through ``tojson``.

``tojson`` here is stricter than Jinja's: besides ``<``, ``>``, ``&`` and ``'`` it escapes
``$``, backticks and U+2028/9 (:func:`src.safe_html.js_json`), so no data value can end a
``<script>`` or act as code, wherever the glue puts it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from branca.element import CssLink, Element, Figure, JavascriptLink
from folium.elements import JSCSSMixin
from folium.template import Environment as FoliumEnvironment
from folium.template import Template as FoliumTemplate

from src.assets.localize import OWN_BASE_URL, OWN_STATIC_DIR
from src.safe_html import js_json

#: Files of ``static/kcm`` the map and the briefing frame use, by folium asset name.
MAP_JS = ("kcm-map-js", f"{OWN_BASE_URL}/map.js")
MAP_CSS = ("kcm-map-css", f"{OWN_BASE_URL}/map.css")
PLAYBACK_JS = ("kcm-playback-js", f"{OWN_BASE_URL}/playback.js")
PLAYBACK_CSS = ("kcm-playback-css", f"{OWN_BASE_URL}/playback.css")
LABELS_JS = ("kcm-labels-js", f"{OWN_BASE_URL}/labels.js")
CONTROLS_JS = ("kcm-controls-js", f"{OWN_BASE_URL}/controls.js")
BRIEFING_JS = ("kcm-briefing-js", f"{OWN_BASE_URL}/briefing.js")
BRIEFING_CSS = ("kcm-briefing-css", f"{OWN_BASE_URL}/briefing-frame.css")


def own_file(name: str) -> str:
    """The text of one of the project's front-end files (for Python-side use, e.g. st.html)."""
    return (OWN_STATIC_DIR / name).read_text(encoding="utf-8")


#: How many payloads' JSON :func:`same_json` keeps (each holds its payload alive too).
JSON_MEMO_ENTRIES = 4
_memo: OrderedDict[int, tuple[Any, str]] = OrderedDict()
_memo_lock = threading.Lock()


def same_json(obj: Any) -> str:
    """``js_json(obj)``, serialised once per object: the app's payloads are shared, read-only
    objects of the view cache (the same object for the same view), and serialising one anew
    on every rerun (twice: streamlit-folium renders the map, then each element's script)
    cost ~1 s at 10^5 claims. Keyed by identity, holding the object so the id stays its."""
    key = id(obj)
    with _memo_lock:
        hit = _memo.get(key)
        if hit is not None and hit[0] is obj:
            _memo.move_to_end(key)
            return hit[1]
    text = js_json(obj)
    with _memo_lock:
        _memo[key] = (obj, text)
        _memo.move_to_end(key)
        while len(_memo) > JSON_MEMO_ENTRIES:
            _memo.popitem(last=False)
    return text


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


class RenderedScript(Element):
    """Already rendered script text placed in a figure as is.

    branca's ``MacroElement.render`` wraps each element's rendered script in an ``Element``,
    whose constructor compiles that text as a Jinja template: for a payload of megabytes
    that was most of a rerun's Python time (0.6 s at 10^5 claims), for nothing."""

    def __init__(self, text: str) -> None:
        super().__init__("")
        self.text = text

    def render(self, **_: Any) -> str:
        return self.text


class KcmElement(JSCSSMixin):
    """A map element whose code is in ``static/kcm/map.js``; subclasses add a glue macro."""

    # folium's JSCSSMixin declares these as (mutable) attributes; its plugins set them so.
    default_js = [MAP_JS]  # noqa: RUF012
    default_css = [MAP_CSS]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement: unannotated

    def render(self, **kwargs: Any) -> str:
        """What ``JSCSSMixin``/``MacroElement.render`` do, with the script put in as text
        (:class:`RenderedScript`) rather than compiled again as a template."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("a map element renders inside a Figure")
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        script = self._template.module.__dict__.get("script")
        if script is not None:
            figure.script.add_child(RenderedScript(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""
