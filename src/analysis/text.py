"""Plain-text labels shared by the analysis pages, and escaping for Streamlit markdown.

Data values reach ``st.markdown`` only through ``md``: a claimant or summary containing ``*``,
``[link](…)``, ``$`` or ``<`` must be shown as written, not rendered as formatting or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from src.schema import split_list

#: Every ASCII punctuation character may be backslash-escaped in CommonMark.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")


def md(value: object) -> str:
    """``value`` as literal text inside Streamlit markdown (no formatting, links, HTML, LaTeX)."""
    if value is None:
        return ""
    try:
        # Cells can hold any object; pd.isna takes any at run time (arrays raise, caught below)
        if pd.isna(value):  # type: ignore[call-overload]
            return ""
    except (TypeError, ValueError):
        pass
    text = " ".join(str(value).split())  # newlines would start new markdown blocks
    return _MD_SPECIAL.sub(r"\\\1", text)


#: Where GFM would turn plain text into a link: after ``scheme:`` before ``//``, between
#: ``www`` and its dot, before an e-mail address's ``@`` (positions in ``md``'s output).
_AUTOLINK_AT = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\\\.)|(?=@)", re.IGNORECASE)
#: U+2060 WORD JOINER: invisible, and not part of a URL or an address, so none is found.
_JOINER = "\u2060"


def md_unlinked(value: object) -> str:
    """``md``, and no link either: Streamlit's markdown (GFM) links bare URLs, ``www.`` names
    and e-mail addresses even when every character is escaped, so text that a URL parameter
    supplies gets an invisible joiner inside each. Use it wherever link text is echoed."""
    return _AUTOLINK_AT.sub(_JOINER, md(value))


def sources_text(source_ids: str, headlines: Mapping[str, str], width: int = 48) -> str:
    """``a000: Headline…; a003: …`` — article ids with shortened headlines."""
    parts = []
    for sid in split_list(source_ids):
        headline = headlines.get(sid, "unknown source")
        if len(headline) > width:
            headline = headline[: width - 1].rstrip() + "…"
        parts.append(f"{sid}: {headline}")
    return "; ".join(parts)


def md_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for ``st.table``, which renders every cell (and the index) as markdown: text
    cells and index labels are escaped with ``md``. Column names are the code's own labels."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(md)
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = pd.Index([md(v) for v in out.index], name=out.index.name)
    return out
