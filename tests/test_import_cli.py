"""``kcm import``: the report it prints, what it writes, and its exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from src import cli
from src.dataset import DataValidationError, load_dataset

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def run(*args: str) -> int:
    return cli.main(["import", *args])


def test_import_prints_the_report_and_writes(data_dir: Path, tmp_path: Path, capsys) -> None:
    skipped = tmp_path / "out" / "skipped.csv"
    name = "ACLED Azerbaijan 2020-2023"
    source = str(FIXTURES / "acled_current.csv")
    code = run(source, "--data", str(data_dir), "--dataset", name, "--skipped-out", str(skipped))
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("acled_current.csv:6: event_type: 'Sieges' is not one of")
    assert out[-1] == (
        "acled_current.csv: acled-current (utf-8) -> dataset 'acled_azerbaijan_2020_2023': "
        "4 new, 0 updated, 0 unchanged, 0 merged, 3 skipped; places: 1 rows matched the "
        "gazetteer, 3 dataset places; wrote 4 files"
    )
    assert skipped.read_text(encoding="utf-8").count("\n") == 4  # header + 3 rows
    names = load_dataset(data_dir).datasets["name"].tolist()
    assert names == ["Articles (5)", "ACLED Azerbaijan 2020-2023"]


def test_dry_run_writes_nothing(data_dir: Path, capsys) -> None:
    def data_files() -> list[str]:
        """The folder's data: its lock file and its cache (the load's snapshot) are not data."""
        return sorted(
            p.relative_to(data_dir).as_posix()
            for p in data_dir.rglob("*")
            if ".kcm-store" not in p.name and p.relative_to(data_dir).parts[0] != "cache"
        )

    before = data_files()
    assert run(str(FIXTURES / "ucdp_ged.csv"), "--data", str(data_dir), "--dry-run") == 0
    assert capsys.readouterr().out.rstrip().endswith("(dry run: nothing written)")
    assert data_files() == before


def test_nothing_importable_exits_1_and_writes_nothing(
    data_dir: Path, tmp_path: Path, capsys
) -> None:
    bad = tmp_path / "bad.csv"
    text = (FIXTURES / "acled_hdx.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("2022-12-1", "2022-13-1"), encoding="utf-8")
    assert run(str(bad), "--data", str(data_dir)) == 1
    captured = capsys.readouterr()
    assert "bad.csv:3: event_date: unparseable date" in captured.out
    assert "nothing written" in captured.err
    assert not (data_dir / "datasets.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "missing.csv: cannot be read"),
        (["."], "is a directory"),
        (["{fixtures}/acled_current.csv", "--format", "ucdp"], "--format ucdp given"),
        (["{fixtures}/acled_current.csv", "--bbox", "1,2,3"], "give four numbers S,W,N,E"),
        (["{fixtures}/acled_current.csv", "--dataset", "articles"], "bundled dataset"),
    ],
)
def test_unusable_input_exits_2(data_dir: Path, capsys, args: list[str], message: str) -> None:
    argv = [a.replace("{fixtures}", str(FIXTURES)) for a in args]
    assert run(*argv, "--data", str(data_dir)) == 2
    assert message in capsys.readouterr().err


def test_unknown_layout_exits_2(data_dir: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    assert run(str(other), "--data", str(data_dir)) == 2
    assert "not a layout this importer knows" in capsys.readouterr().err


def test_validate_names_the_imported_file_line_and_field(data_dir: Path, capsys) -> None:
    assert run(str(FIXTURES / "acled_api_2019.csv"), "--data", str(data_dir)) == 0
    capsys.readouterr()
    assert cli.main(["validate", "--data", str(data_dir)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("; acled_api_2019: 2 events")
    events = data_dir / "imports" / "acled_api_2019" / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace("2020-09-28", "2020-09-31"), encoding="utf-8"
    )
    assert cli.main(["validate", "--data", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert f"{events}:3: date_start: '2020-09-31' is not an ISO date (YYYY-MM-DD)" in out
    with pytest.raises(DataValidationError, match=r"events\.csv:3: date_end"):
        load_dataset(data_dir)
