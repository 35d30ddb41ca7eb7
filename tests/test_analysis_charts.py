"""The Altair specs: valid Vega-Lite, the map's colours and shapes, spans as x..x2, zoom on x,
and "not stated" never drawn as zero. Also the markdown escaping of data values."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from src.analysis.charts import (
    coverage_chart,
    fatalities_chart,
    not_stated_chart,
    timeline_chart,
    vega_shape,
)
from src.analysis.coverage import coverage_matrix, matrix_long
from src.analysis.incidents import figure_frame
from src.analysis.text import md, md_frame, md_unlinked
from src.analysis.timeline import lane_domain, timeline_frame
from src.palette import SIDE_COLOURS, TYPE_SHAPES
from src.schema import EVENT_TYPES, split_list


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def dataset(spec: dict) -> list[dict]:
    (rows,) = spec["datasets"].values()
    return rows


def test_shapes_are_the_map_markers():
    assert vega_shape("circle") == "circle"
    assert vega_shape("cross") == "cross"
    hexagon = vega_shape(TYPE_SHAPES["Access and aid"])
    assert hexagon.startswith("M")
    assert hexagon.endswith("Z")
    assert hexagon.count("L") == 5
    for shape in TYPE_SHAPES.values():
        path = vega_shape(shape)
        if path.startswith("M"):
            coords = [float(v) for p in path[1:-1].split("L") for v in p.split(",")]
            assert all(-1.0 <= c <= 1.0 for c in coords)


def test_timeline_spec(bundled):
    frame = timeline_frame(bundled.events, {}, {})
    chart = timeline_chart(frame, (datetime(1988, 1, 1), datetime(2023, 10, 1)), lane_domain(frame))
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    spans, points = layers(spec)
    assert spans["mark"]["type"] == "bar"
    assert spans["encoding"]["x"]["field"] == "span_start"
    assert spans["encoding"]["x2"]["field"] == "span_end"
    assert points["encoding"]["x"]["field"] == "mid"
    colour = points["encoding"]["color"]["scale"]
    assert colour == {"domain": list(SIDE_COLOURS), "range": list(SIDE_COLOURS.values())}
    shape = points["encoding"]["shape"]["scale"]
    assert shape["domain"] == list(EVENT_TYPES)
    assert shape["range"] == [vega_shape(TYPE_SHAPES[t]) for t in EVENT_TYPES]
    (zoom,) = spec["params"]
    assert zoom["select"] == {"type": "interval", "encodings": ["x"]}
    assert zoom["bind"] == "scales"
    assert spec["autosize"]["type"] == "fit-x"
    assert len(dataset(spec)) == len(bundled.events)


def test_fatalities_chart_draws_only_stated_figures(bundled):
    frame = figure_frame(bundled.events, {})
    spec = fatalities_chart(frame).to_dict()
    rows = dataset(spec)
    stated = bundled.events["fatalities"].notna()
    assert len(rows) == int(stated.sum())
    assert sorted(r["event_id"] for r in rows) == sorted(bundled.events[stated]["event_id"])
    assert all(r["value"] is not None for r in rows)
    bars = layers(spec)[0]
    assert bars["encoding"]["color"]["scale"]["range"] == list(SIDE_COLOURS.values())


def test_fatalities_chart_of_no_claims_is_an_empty_chart(small):
    frame = figure_frame(small.events.iloc[0:0], {})
    assert dataset(fatalities_chart(frame).to_dict()) == []


def test_not_stated_chart_counts_both(small):
    frame = figure_frame(small.events, {})
    rows = dataset(not_stated_chart(frame).to_dict())
    counts = {(r["claimant_side"], r["figure"]): r["claims"] for r in rows}
    assert counts[("Nagorno-Karabakh authorities", "figure stated")] == 1
    assert counts[("Azerbaijan", "not stated")] == 1
    assert sum(counts.values()) == len(small.events)


def test_coverage_chart(small):
    matrix = coverage_matrix(small.events, small.sources["source_id"])
    long = matrix_long(matrix, {("a001", "I001")}).assign(headline="", incident="", disagreement="")
    spec = coverage_chart(long).to_dict()
    assert len(layers(spec)) == 4
    assert len(dataset(spec)) == 6


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain words", "plain words"),
        ("*bold* _it_", "\\*bold\\* \\_it\\_"),
        ("[link](http://x)", "\\[link\\]\\(http\\://x\\)"),
        ("<script>", "\\<script\\>"),
        ("$x$", "\\$x\\$"),
        ("two\nlines", "two lines"),
        (None, ""),
    ],
)
def test_md_escapes(raw, shown):
    assert md(raw) == shown


@pytest.mark.parametrize(
    "raw",
    ["[a](https://evil.example/x)", "see www.evil.example", "write to me@evil.example", "HTTP://X"],
)
def test_md_unlinked_leaves_no_url_to_autolink(raw):
    shown = md_unlinked(raw)
    assert shown.replace("\u2060", "") == md(raw)  # only the invisible joiner is added
    for pattern in (r"://", r"www\\\.", r"\w@"):
        assert not re.search(pattern, shown, re.IGNORECASE), pattern


def test_split_ids():
    assert split_list("a000;a001") == ["a000", "a001"]
    assert split_list(" a000 ; ;") == ["a000"]
    assert split_list("") == []
    assert split_list(None) == []


def test_md_frame_escapes_text_cells_and_index_only():
    import pandas as pd

    frame = pd.DataFrame({"Who": ["*a*"], "Killed": [6]}, index=pd.Index(["E_1"], name="Claim"))
    out = md_frame(frame)
    assert out.loc["E\\_1", "Who"] == "\\*a\\*"
    assert out["Killed"].tolist() == [6]
    assert list(out.columns) == ["Who", "Killed"]
    assert out.index.name == "Claim"
