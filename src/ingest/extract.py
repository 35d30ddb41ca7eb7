"""An article's text, headline, date and outlet from pasted text, a .txt/.md file or a saved
.html page; and its sentences with their offsets.

HTML goes through trafilatura (main-content extraction, offline: it is given the page's
bytes and never fetches anything); plain text and Markdown are read as written, the first
short line taken as the headline. Control characters other than tab and newline are dropped
so that nothing an article holds can break a CSV cell or a page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

__all__ = ["Extracted", "Sentence", "clean_text", "extract", "sentences"]

#: The longest first line still taken as a headline.
HEADLINE_MAX_CHARS = 160
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")
_MD_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(\S(?:.*?\S)?)\1")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True)
class Extracted:
    """What the file itself says; a field it does not say is blank (None for the date)."""

    text: str
    headline: str
    published: date | None
    outlet: str


@dataclass(frozen=True)
class Sentence:
    """One sentence of the body and where it stands in it."""

    text: str
    start: int
    end: int


def clean_text(text: str) -> str:
    """NFC, unified line breaks, no control characters but tab and newline."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _plain(text: str, markdown: bool) -> Extracted:
    lines = clean_text(text).split("\n")
    if markdown:
        lines = [
            _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", _MD_MARKS.sub("", line))) for line in lines
        ]
    body = "\n".join(lines).strip()
    first = next((line.strip() for line in lines if line.strip()), "")
    headline = ""
    if first and len(first) <= HEADLINE_MAX_CHARS and not first.endswith((".", ",", ";", ":")):
        headline = first
    return Extracted(body, headline, None, "")


def _html(data: bytes) -> Extracted:
    import trafilatura

    html = _decode(data)
    body = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    meta = trafilatura.extract_metadata(html)
    published: date | None = None
    headline = outlet = ""
    if meta is not None:
        headline = clean_text(meta.title or "").strip()
        outlet = clean_text(meta.sitename or "").strip()
        found = _ISO.search(meta.date or "")
        if found:
            try:
                published = date(*(int(g) for g in found.groups()))
            except ValueError:
                published = None
    text = clean_text(body or "").strip()
    if headline and not text.startswith(headline):
        text = f"{headline}\n\n{text}"
    return Extracted(text, headline, published, outlet)


def extract(data: bytes, filename: str) -> Extracted:
    """The article in ``data``, read by the kind ``filename``'s suffix names (.html/.htm,
    .md, else plain text); HTML is also recognised by its first bytes."""
    suffix = Path(filename).suffix.casefold()
    head = data[:512].lstrip().lower()
    if suffix in {".html", ".htm"} or head.startswith((b"<!doctype html", b"<html")):
        return _html(data)
    return _plain(_decode(data), markdown=suffix in {".md", ".markdown"})


# A sentence ends at . ! ? (with any closing quote or bracket) before a space and a capital,
# a digit or an opening quote; or at a blank line. An abbreviation's dot ends none.
_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9\u00c0-\u024f\u0400-\u058f])|(?=\n\s*\n)")
_ABBREVIATIONS = (
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "St.",
    "Gen.",
    "Lt.",
    "Col.",
    "Maj.",
    "Sgt.",
    "Sen.",
    "Rep.",
    "Gov.",
    "Pres.",
    "Prof.",
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "Aug.",
    "Sep.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
    "U.S.",
    "U.N.",
    "U.K.",
    "E.U.",
    "No.",
    "vs.",
    "e.g.",
    "i.e.",
)


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, each stripped, with its character span."""
    found: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        if match.group(0) and text[start : match.end()].endswith(_ABBREVIATIONS):
            continue
        _add(found, text, start, match.end())
        start = match.end()
    _add(found, text, start, len(text))
    return found


def _add(found: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    left = len(chunk) - len(chunk.lstrip())
    stripped = chunk.strip()
    if stripped:
        found.append(Sentence(stripped, start + left, start + left + len(stripped)))
