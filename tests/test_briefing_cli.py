"""``python -m src.briefing``: options as the URL's, clear errors, atomic files."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from src.briefing import __main__ as cli
from src.briefing.render import parse_size
from src.csvio import atomic_write_bytes as write_atomic
from src.dataset import Dataset
from src.filters import FilterState, apply_filters

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "valid"


@pytest.fixture(scope="module")
def data(bundled: Dataset) -> Dataset:
    return bundled


def run(*argv: str) -> int:
    return cli.main(list(argv))


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- argument parsing -----------------------------------------------------------------------


def test_options_become_the_urls_parameters():
    args = cli.build_parser().parse_args(
        [
            "png",
            "--out",
            "x.png",
            "--period",
            "offensive",
            "--side",
            "Azerbaijan",
            "--side",
            "Armenia",
            "--from",
            "2023-09-19",
            "--to",
            "2023-09-20",
            "--type",
            "Battles,Access and aid",
            "--q",
            "Shusha",
        ]
    )
    assert args.size == "1920x1080"
    assert args.basemap == "light"
    assert cli.query_params(args) == {
        "period": ["offensive"],
        "from": ["2023-09-19"],
        "to": ["2023-09-20"],
        "side": ["Azerbaijan", "Armenia"],
        "type": ["Battles,Access and aid"],
        "q": ["Shusha"],
    }


def test_options_resolve_to_the_same_state_as_the_url(data):
    args = cli.build_parser().parse_args(
        ["csv", "--out", "x.csv", "--period", "offensive", "--side", "Azerbaijan"]
    )
    state, errors = cli.resolve_state(args, data)
    assert errors == []
    assert state == FilterState(period="offensive", sides=("Azerbaijan",))


def test_comma_separated_values_split_like_the_url(data):
    args = cli.build_parser().parse_args(
        ["csv", "--out", "x.csv", "--type", "Battles,Access and aid"]
    )
    state, errors = cli.resolve_state(args, data)
    assert not errors
    assert state.types == ("Battles", "Access and aid")


@pytest.mark.parametrize(
    ("text", "size"),
    [("1920x1080", (1920, 1080)), ("1280x720", (1280, 720)), ("3840×2160", (3840, 2160))],
)
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["1000x1000", "big", "320x180", "1920x1080x2"])
def test_bad_size_exits_2(text, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        run("png", "--out", str(tmp_path / "x.png"), "--size", text)
    assert exc.value.code == 2
    assert "size" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_unknown_values_exit_2_and_write_nothing(tmp_path, capsys):
    out = tmp_path / "x.csv"
    code = run(
        "csv",
        "--out",
        str(out),
        "--period",
        "war",
        "--side",
        "Martians",
        "--from",
        "2023-13-01",
        "--source",
        "a999",
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown period 'war'" in err
    assert "'Martians'" in err
    assert "Known: Armenia, Azerbaijan" in err
    assert "'2023-13-01'" in err
    assert "not a date" in err
    assert "'a999'" in err
    assert "nothing written" in err
    assert not out.exists()


def test_unknown_command_and_missing_out_exit_2():
    with pytest.raises(SystemExit) as exc:
        run("pdf", "--out", "x")
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        run("csv")
    assert exc.value.code == 2


# --- outputs --------------------------------------------------------------------------------


def test_csv_geojson_acled_html_are_written(tmp_path, capsys, data):
    state = FilterState(period="offensive", sides=("Azerbaijan",))
    view = apply_filters(data.events, state)
    filters = ["--period", "offensive", "--side", "Azerbaijan"]
    for command in ("csv", "geojson", "acled", "html"):
        out = tmp_path / f"view.{command}"
        assert run(command, "--out", str(out), *filters) == 0, command
        assert out.stat().st_size > 0
        assert out.stat().st_mode & 0o777 == 0o644
    printed = capsys.readouterr().out
    assert printed.count("wrote ") == 4
    assert "claimant side: Azerbaijan" in printed
    assert not leftovers(tmp_path)

    rows = list(csv.DictReader(io.StringIO((tmp_path / "view.csv").read_text("utf-8-sig"))))
    assert [r["event_id"] for r in rows] == list(view["event_id"])
    geo = json.loads((tmp_path / "view.geojson").read_text("utf-8"))
    claims = [f for f in geo["features"] if f["properties"]["feature_kind"] == "claim"]
    assert len(claims) + len(geo["unlocated"]) == len(view)
    assert geo["kcm"]["filters"] == ["claimant side: Azerbaijan"]
    assert geo["kcm"]["data_version"] == data.version
    acled = list(csv.DictReader(io.StringIO((tmp_path / "view.acled").read_text("utf-8-sig"))))
    assert len(acled) == len(view)
    html = (tmp_path / "view.html").read_text("utf-8")
    assert "kcm-briefing-frame" in html
    assert "claimant side: Azerbaijan" in html


def test_title_and_data_dir_options(tmp_path):
    out = tmp_path / "small.html"
    assert run("html", "--out", str(out), "--data-dir", str(FIXTURE), "--title", "Slide 4") == 0
    html = out.read_text("utf-8")
    assert "Slide 4" in html
    assert "4 of 4 claims shown" in html


def test_an_existing_file_is_replaced_whole(tmp_path):
    out = tmp_path / "view.csv"
    out.write_text("old contents that are longer than nothing\n" * 1000)
    assert run("csv", "--out", str(out), "--data-dir", str(FIXTURE)) == 0
    text = out.read_text("utf-8-sig")
    assert text.startswith("event_id,")
    assert "old contents" not in text


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    out = tmp_path / "keep.csv"
    out.write_bytes(b"previous")

    def boom(_src, _dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(out, b"new")
    assert out.read_bytes() == b"previous"
    assert not leftovers(tmp_path)


def test_png_without_a_browser_says_how_to_get_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KCM_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "x.png"
    assert run("png", "--out", str(out), "--data-dir", str(FIXTURE)) == 3
    err = capsys.readouterr().err
    assert "does not exist" in err
    assert "apt-get install chromium" in err
    assert "KCM_CHROMIUM" in err
    assert not out.exists()


def test_module_entry_point_runs(tmp_path, capsys):
    out = tmp_path / "x.csv"
    code = run("csv", "--out", str(out), "--side", "Nobody")
    assert code == 2, capsys.readouterr().err
    assert "Nobody" in capsys.readouterr().err
    assert not out.exists()
