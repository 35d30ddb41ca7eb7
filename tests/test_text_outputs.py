"""Data text is kept as written, so every output must make it harmless where it lands.

Markup in any text field never reaches a page as markup (map popups and tooltips, the Claims
tables, the HTML briefing); formula starters are neutralised in the CSV exports, also behind
any leading whitespace a spreadsheet skips. The data side accepts both (tests/test_malformed_files).
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from src.analysis.incidents import claims_table
from src.analysis.text import md_frame
from src.briefing.exports import acled_csv, claims_csv, neutralise
from src.briefing.frame import build_briefing
from src.dataset import Dataset
from src.filters import FilterState
from src.mapview.build import base_map, claims_layer
from src.mapview.playback import playback_features, playback_layer, playback_options
from src.schema import EVENTS, FORMULA_PREFIXES, PLACES, SOURCES, TableSpec

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(1)">'
RAW = ("<script>alert", "<img src=x")

#: Whitespace a spreadsheet may skip before a formula: ASCII, no-break, the U+2000 block,
#: zero-width, ideographic, byte-order mark, and combinations.
LEADING = [
    " ",
    "   ",
    "\t",
    "\n",
    "\r\n",
    "\u00a0",
    *(chr(c) for c in range(0x2000, 0x200C)),
    "\u202f",
    "\u205f",
    "\u2060",
    "\u3000",
    "\ufeff",
    " \u00a0\t",
]


def text_columns(spec: TableSpec) -> list[str]:
    return [c.name for c in spec.columns if c.kind == "text" and c.pattern is None]


@pytest.fixture(scope="module")
def evil(small: Dataset) -> Dataset:
    """The small fixture with markup in every free-text field (ids and choices kept)."""
    events = small.events.copy()
    for i, column in enumerate(text_columns(EVENTS)):
        events[column] = [SCRIPT if (i + j) % 2 else IMG for j in range(len(events))]
    places = small.places.copy()
    for column in text_columns(PLACES):
        places[column] = [f"{SCRIPT} {name}" for name in places["name"]]  # names stay distinct
    places["aliases"] = [f"{IMG} {name}" for name in places["name"]]
    sources = small.sources.copy()
    for column in text_columns(SOURCES):
        sources[column] = [f"{IMG} {v}" for v in sources[column]]
    return replace(small, events=events, places=places, sources=sources, version="evil")


def headlines(data: Dataset) -> dict[str, str]:
    return dict(zip(data.sources["source_id"], data.sources["headline"], strict=True))


def test_the_map_escapes_popups_tooltips_and_places(evil: Dataset) -> None:
    m = base_map(evil.places, evil.events)
    layer, stats = claims_layer(evil.events, evil.places, headlines(evil))
    layer.add_to(m)
    html = m.get_root().render()
    assert stats.markers > 0
    for raw in RAW:
        assert raw not in html
    assert "&lt;script&gt;" in html  # the text is there, escaped (popups, place tooltips)


def test_playback_escapes_its_popups(evil: Dataset) -> None:
    """Popups are escaped HTML; the tip is plain text set as the marker's title attribute
    (by the DOM, static/kcm/map.js and playback.js); the page embeds it as escaped JSON."""
    features = playback_features(evil.events, evil.places, headlines(evil))
    popups = [f["properties"]["popup"] for f in features["features"]]
    assert popups
    assert all("&lt;" in p for p in popups)
    assert not any(raw in p for p in popups for raw in RAW)
    m = base_map(evil.places, evil.events)
    layer = playback_layer(features, playback_options(date(2023, 9, 1), date(2023, 9, 30)))
    assert layer is not None
    layer.add_to(m)
    html = m.get_root().render()
    for raw in RAW:
        assert raw not in html


def test_claims_tables_escape_markup(evil: Dataset) -> None:
    names = dict(zip(evil.places["place_id"], evil.places["name"], strict=True))
    shown = md_frame(claims_table(evil.events, headlines(evil), names).set_index("Claim"))
    cells = [str(v) for v in shown.to_numpy().ravel()]
    assert any("script" in v for v in cells)
    for raw in RAW:
        assert not any(raw in v for v in cells)


def test_the_html_briefing_escapes_markup(evil: Dataset) -> None:
    html = build_briefing(evil, FilterState()).html
    for raw in RAW:
        assert raw not in html


def test_csv_exports_keep_markup_as_plain_text(evil: Dataset) -> None:
    """CSV is not HTML: the text goes out exactly as written (a spreadsheet shows it as text)."""
    rows = list(csv.DictReader(io.StringIO(claims_csv(evil.events).decode("utf-8-sig"))))
    assert {rows[0][c] for c in text_columns(EVENTS)} <= {SCRIPT, IMG}


@pytest.mark.parametrize("lead", LEADING, ids=[f"U+{ord(s[0]):04X}x{len(s)}" for s in LEADING])
@pytest.mark.parametrize(
    "prefix", FORMULA_PREFIXES, ids=[f"U+{ord(p):04X}" for p in FORMULA_PREFIXES]
)
def test_formula_starters_behind_any_whitespace_are_neutralised(
    small: Dataset, prefix: str, lead: str
) -> None:
    # tab and CR are starters because they hide what follows: behind them, the formula
    hidden = "=" if prefix.isspace() else ""
    cell = f'{lead}{prefix}{hidden}HYPERLINK("http://evil.example")'
    assert neutralise(cell) == "'" + cell
    events = small.events.copy()
    events["summary"] = cell
    events["actor1"] = cell
    rows = list(csv.DictReader(io.StringIO(claims_csv(events).decode("utf-8-sig"), newline="")))
    assert [r["summary"] for r in rows] == ["'" + cell] * len(events)
    acled = pd.read_csv(
        io.BytesIO(acled_csv(events, small.places, small.sources)), dtype=str, encoding="utf-8-sig"
    )
    assert all(str(v).startswith("'") for v in acled["actor1"])


@pytest.mark.parametrize(
    "cell",
    [
        "fatalities <10",
        "losses > 200",
        "Goris -> Lachin",
        "a = b",
        "Baku",
        "\u00a0Baku",
        "",
        "10 - 20",
    ],
)
def test_ordinary_text_is_exported_unchanged(cell: str) -> None:
    assert neutralise(cell) == cell
