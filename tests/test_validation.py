"""The validator: bundled data passes; each kind of broken input is reported at file:line: field."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pandas as pd
import pytest

from src.csvio import read_raw, write_csv_atomic
from src.dataset import DATA_DIR, DataValidationError, load_dataset
from src.events.__main__ import main as events_cli
from src.schema import EVENTS, PLACES, SOURCES
from src.validation import default_paths, validate_files

FIXTURES = Path(__file__).parent / "fixtures"


@functools.cache
def problems_in(directory: Path) -> list[str]:
    return [str(p) for p in validate_files(default_paths(directory)).problems]


def test_bundled_data_is_valid(capsys):
    assert events_cli(["validate", str(DATA_DIR)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok:")


def test_bundled_data_loads_typed():
    data = load_dataset(DATA_DIR)
    assert len(data.sources) == 5
    assert 60 <= len(data.events) <= 130
    assert str(data.events["date_start"].dtype).startswith("datetime64")
    assert (data.events["date_start"] <= data.events["date_end"]).all()
    assert data.places["lat"].between(-90, 90).all()
    assert set(data.events["claimant_side"]) <= set(EVENTS.column("claimant_side").allowed)


def test_valid_fixture_passes():
    assert problems_in(FIXTURES / "valid") == []


@pytest.mark.parametrize(
    ("where", "fragment"),
    [
        ("places.csv:2: place_id", "duplicate"),
        ("places.csv:4: place_id", "duplicate"),
        ("places.csv:3: lat", "out of range"),
        ("places.csv:3: in_theatre", "not true or false"),
        ("places.csv:4: kind", "metropolis"),
        ("places.csv:4: lon", "not a number"),
        ("places.csv:5: waypoints", "unknown waypoint"),
        ("places.csv:6: lon", "out of range"),
        ("places.csv:6: waypoints", "2+ waypoints"),
        ("events.csv:3: event_id", "duplicate"),
        ("events.csv:3: date_end", "before date_start"),
        ("events.csv:3: time_of_day", "noon"),
        ("events.csv:3: place_id", "atlantis"),
        ("events.csv:3: sub_event_type", "event_type"),
        ("events.csv:3: claimant_side", "Martians"),
        ("events.csv:3: source_ids", "a009"),
        ("events.csv:3: fatalities", "-1"),
        ("events.csv:3: injured", "unknown"),
        ("events.csv:3: verification", "maybe"),
        ("events.csv:4: date_start", "not an ISO date"),
        ("events.csv:4: date_precision", "fortnight"),
        ("events.csv:4: summary", "must not be blank"),
        ("events.csv:5: quote", "25 words"),
        ("events.csv:6: -", "row has 14 fields"),
    ],
)
def test_broken_fixture_reports_each_problem(where, fragment):
    hits = [p for p in problems_in(FIXTURES / "broken") if where in p]
    assert hits, f"no problem reported at {where}"
    assert any(fragment in p for p in hits), hits


@pytest.mark.parametrize(
    "where",
    [
        "places.csv:4: name",
        "places.csv:4: coord_source",
        "events.csv:5: summary",
        "events.csv:7: actor1",
    ],
)
def test_markup_and_formula_like_text_is_data_not_a_problem(where):
    """`<script>…`, `=HYPERLINK(…)`, `@SUM(…)` are text: outputs escape, CSV exports neutralise."""
    assert not [p for p in problems_in(FIXTURES / "broken") if where in p]


def test_broken_fixture_reports_nothing_for_good_rows():
    problems = problems_in(FIXTURES / "broken")
    assert not [p for p in problems if "events.csv:2:" in p or "events.csv:9:" in p]


def test_cli_exits_1_and_prints_every_problem(capsys):
    assert events_cli(["validate", str(FIXTURES / "broken")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(problems_in(FIXTURES / "broken"))
    assert all(line.count(": ") >= 2 for line in out)


def test_cli_accepts_single_files_with_the_rest_from_data(tmp_path, capsys):
    broken = tmp_path / "my_events.csv"
    shutil.copy(FIXTURES / "broken" / "events.csv", broken)
    assert events_cli(["validate", str(broken)]) == 1
    assert "my_events.csv:3: date_end" in capsys.readouterr().out


def test_missing_and_unknown_columns(tmp_path):
    for name in ("sources", "places"):
        shutil.copy(FIXTURES / "valid" / f"{name}.csv", tmp_path / f"{name}.csv")
    frame = pd.read_csv(FIXTURES / "valid" / "events.csv", dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["claimant"]).assign(extra="x")
    frame.to_csv(tmp_path / "events.csv", index=False)
    problems = problems_in(tmp_path)
    assert any("events.csv:1: claimant: required column is missing" in p for p in problems)
    assert any("events.csv:1: extra: unknown column" in p for p in problems)


def test_missing_file_and_bad_encoding(tmp_path):
    shutil.copy(FIXTURES / "valid" / "places.csv", tmp_path / "places.csv")
    (tmp_path / "events.csv").write_bytes(b"event_id\n\xff\xfe\n")
    problems = problems_in(tmp_path)
    assert any("sources.csv:0: -: file not found" in p for p in problems)
    assert any("events.csv" in p and "UTF-8" in p for p in problems)


def test_unterminated_quote_is_reported(tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text('source_id,file\na000,"never closed\n', encoding="utf-8")
    raw = read_raw(path)
    assert raw.problems
    assert "sources.csv" in str(raw.problems[0])


def test_load_dataset_raises_with_every_problem():
    with pytest.raises(DataValidationError) as info:
        load_dataset(FIXTURES / "broken")
    assert len(info.value.problems) == len(problems_in(FIXTURES / "broken"))


def test_figures_blank_means_not_stated():
    events = load_dataset(FIXTURES / "valid").events
    assert pd.isna(events.loc[events["event_id"] == "E002", "fatalities"]).all()
    assert events.loc[events["event_id"] == "E001", "fatalities"].iloc[0] == 2


def test_schema_tables_have_unique_columns():
    for spec in (SOURCES, PLACES, EVENTS):
        assert len(set(spec.column_names)) == len(spec.column_names)


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "events.csv"
    target.write_text("old content\n", encoding="utf-8")

    class Boom(pd.DataFrame):
        def to_csv(self, *args, **kwargs):  # noqa: ARG002 - simulate a crash mid-write
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_csv_atomic(Boom({"a": [1]}), target)
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.csv"]


def test_atomic_write_round_trips(tmp_path):
    frame = pd.DataFrame({"a": ["x, y", 'quote "q"'], "b": ["1", ""]})
    write_csv_atomic(frame, tmp_path / "out.csv")
    back = read_raw(tmp_path / "out.csv")
    assert back.problems == []
    assert back.frame["a"].tolist() == ["x, y", 'quote "q"']
