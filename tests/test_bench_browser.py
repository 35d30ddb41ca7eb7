"""The browser bench's pure parts: its arguments, the ratios, the table, how websocket frames
are told apart, and the plain folium pages it compares the app with (local assets only)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.bench_browser import (
    CHANGES,
    DEFAULT_SIZES,
    Bytes,
    ChangeFigures,
    SizeFigures,
    as_json,
    fmc_page,
    format_table,
    frame_kind,
    from_json,
    naive_page,
    parse_args,
    ratios,
    sizes_arg,
)


def test_sizes_default_and_spellings():
    args = parse_args([])
    assert args.sizes == DEFAULT_SIZES == (1_000, 10_000, 100_000)
    assert (args.timeout, args.naive_max, args.json, args.markdown) == (300.0, 10_000, None, False)
    assert sizes_arg("1000, 10k,1M,1e5,250_000") == (1_000, 10_000, 1_000_000, 100_000, 250_000)


@pytest.mark.parametrize("bad", ["0", "-5", "1.5", "ten", "1000,", "2.5k5"])
def test_bad_sizes_are_refused(bad, capsys):
    with pytest.raises(SystemExit):
        parse_args(["--sizes", bad])
    assert "--sizes" in capsys.readouterr().err


def test_timeout_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--timeout", "0"])
    assert "--timeout must be positive" in capsys.readouterr().err


def _figures(**kw: object) -> SizeFigures:
    fig = SizeFigures(size=1_000, on_map=1_000, floor_cold=4.0, floor_warm=2.0, first_cold=10.0,
                      first_warm=6.0, fmc=2.0, naive=5.0, floor_change=0.25)  # fmt: skip
    a, b, c = (change.name for change in CHANGES)
    fig.changes = [ChangeFigures(a, 10, 1.0, Bytes(map=2_000_000, http=500_000)),
                   ChangeFigures(b, 5, 3.0, Bytes(ws_other=1_000)),
                   ChangeFigures(c, 1, 0.5, Bytes())]  # fmt: skip
    for key, value in kw.items():
        setattr(fig, key, value)
    return fig


def test_ratios_use_the_slowest_change_and_the_first_map_less_the_floor():
    assert ratios(_figures()) == {"change": 1.5, "first_cold": 3.0, "first_warm": 2.0}


def test_ratios_are_none_when_a_figure_is_missing():
    missing = _figures(fmc=None, first_warm=None)
    assert ratios(missing) == {"change": None, "first_cold": None, "first_warm": None}
    fig = _figures(first_warm=None)
    fig.changes[1].seconds = None  # a change that timed out has no slowest
    assert ratios(fig) == {"change": None, "first_cold": 3.0, "first_warm": None}


def test_bytes_sum_and_difference():
    after, before = Bytes(5, 6, 7, 8), Bytes(1, 2, 3, 4)
    assert after.total == 26
    assert after.minus(before) == Bytes(4, 4, 4, 4)


def _line(lines: list[str], start: str) -> str:
    return next(line for line in lines if line.startswith(start))


def test_table_has_a_column_per_size_and_says_why_a_figure_is_missing():
    late = SizeFigures(size=100_000, on_map=99_000, fmc=6.0, first_cold=50.0)
    late.changes = [ChangeFigures(CHANGES[0].name, 9, 8.0)]  # then the next change timed out
    late.notes = {"app": "timed out (> 300 s)", "naive": "not measured (> 10,000 points)"}
    lines = format_table([_figures(), late]).splitlines()
    assert re.fullmatch(r"claims\s+1,000\s+100,000", lines[0])
    assert len(lines) == len(set(lines))  # one row per figure, none repeated
    first, second, third = (_line(lines, f"app: change {c.name}") for c in CHANGES)
    assert first.split()[-4:] == ["1.00", "s", "8.00", "s"]
    assert re.search(r"3\.00 s +timed out \(> 300 s\)$", second)
    assert re.search(r"0\.50 s +timed out \(> 300 s\)$", third)
    assert re.search(r"10\.0 / 6\.0 s +50\.0 / – s$", _line(lines, "app: first map, fresh"))
    naive = _line(lines, "naive")
    assert "5.00 s" in naive
    assert naive.endswith("not measured (> 10,000 points)")
    assert _line(lines, "ratio: slowest change").split()[-2:] == ["1.50", "–"]
    assert "2.50 / 0.00 / 0.00 MB" in _line(lines, "bytes per change")
    assert "6.0 / 4.0 s" in _line(lines, "app: first map - floor")
    assert _line(lines, "floor: change").split()[-3:] == ["0.25", "s", "–"]


def test_markdown_table_is_one_row_per_figure():
    text = format_table([_figures()], markdown=True)
    lines = text.splitlines()
    assert lines[:2] == ["| claims | 1,000 |", "|---|---:|"]
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines[2:])
    assert "| ratio: slowest change ÷ FMC | 1.50 |" in lines


def test_json_has_every_figure_and_the_ratios():
    (item,) = as_json([_figures()])
    assert item["ratios"] == {"change": 1.5, "first_cold": 3.0, "first_warm": 2.0}
    assert item["changes"][0]["bytes"] == {"map": 2_000_000, "tables": 0, "ws_other": 0,
                                           "http": 500_000}  # fmt: skip


def test_saved_figures_print_the_same_table_again():
    late = SizeFigures(size=100_000, notes={"app": "timed out (> 300 s)"}, details=["why"])
    figs = [_figures(), late]
    saved = json.loads(json.dumps(as_json(figs)))  # what --json writes and --table-from reads
    assert from_json(saved) == figs
    assert format_table(from_json(saved)) == format_table(figs)


def _wire(build: object) -> bytes:
    msg = ForwardMsg()
    build(msg)  # type: ignore[operator]
    return msg.SerializeToString()


def test_frames_are_told_apart_by_what_they_carry():
    component = _wire(lambda m: m.delta.new_element.component_instance.SetInParent())
    table = _wire(lambda m: m.delta.new_element.dataframe.SetInParent())
    text = _wire(lambda m: m.delta.new_element.markdown.SetInParent())
    done = _wire(
        lambda m: setattr(
            m, "script_finished", ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
        )
    )
    assert frame_kind(component) == ("map", False)
    assert frame_kind(table) == ("tables", False)
    assert frame_kind(text) == ("other", False)
    assert frame_kind(done) == ("other", True)
    assert frame_kind(b"\xff\xff not a protobuf") == ("other", False)


@pytest.fixture
def points() -> pd.DataFrame:
    return pd.DataFrame({"lat": [39.8, 40.1], "lon": [46.7, 46.9],
                         "claimant": ["<b>Ministry</b>", "Office"],
                         "claimant_side": ["Armenia", "Azerbaijan"],
                         "summary": ["<script>alert(1)</script>", "Shelling"]})  # fmt: skip


def test_plain_pages_load_their_assets_locally(points):
    html, name = fmc_page(points)
    assert re.search(rf"var {name} = ", html)
    for page in (html, naive_page(points)):
        sources = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page)
        assert sources
        assert all(url.startswith("/vendor/") for url in sources), sources
        assert '"maxZoom": 18' in page  # markercluster refuses a map without it


def test_naive_page_has_one_escaped_popup_per_point(points):
    html = naive_page(points)
    assert html.count("L.marker(") == len(points)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
