"""Escaping every data value before it reaches HTML or a JavaScript string.

folium pastes popup and tooltip HTML into JavaScript template literals, where ``${…}``, a
backtick or a backslash would be code, not text; so besides the usual HTML characters those
three are turned into character references too. Data never reaches the page unescaped.
"""

from __future__ import annotations

import html
import json
from typing import Any

_EXTRA = str.maketrans({"$": "&#36;", "`": "&#96;", "\\": "&#92;"})


def esc(value: Any) -> str:
    """Text safe inside HTML, inside an attribute, and inside a JS template literal."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN / pandas NA
            return ""
    except (TypeError, ValueError):
        return ""
    return html.escape(str(value), quote=True).translate(_EXTRA)


def js_json(value: Any) -> str:
    """JSON for embedding in a <script>: ``</script>`` and U+2028/9 cannot break out."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("`", "\\u0060")
        .replace("$", "\\u0024")
    )
