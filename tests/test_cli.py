"""The ``kcm`` command: its registry and help, ``--data DIR`` on every data command, the one
list splitter, the permission-keeping atomic writer, and one smoke run of the installed
command (everything else runs in-process)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from src import cli
from src.csvio import atomic_write_bytes, atomic_write_text
from src.dataset import DATA_DIR, default_data_dir
from src.schema import LIST_SEPARATORS, TABLES, split_list
from src.validation import default_paths, validate_files

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "fixtures" / "valid"


# --- the command ----------------------------------------------------------------------------


def test_help_lists_every_subcommand_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    for command in cli.COMMANDS:
        line = next((ln for ln in lines if ln.split()[:1] == [command.name]), None)
        assert line is not None, command.name
        assert command.help in line  # the whole help on the command's own line
    assert {c.name for c in cli.COMMANDS} >= {"validate", "geo", "briefing", "assets"}


def test_registry_modules_provide_configure_and_run() -> None:
    for command in cli.COMMANDS:
        module = command.load()
        assert callable(module.configure), command.name
        assert callable(module.run), command.name


def test_subcommand_help_is_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["geo", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: kcm geo")
    assert "lookup" in out
    assert "refresh" in out


def test_default_data_dir() -> None:
    assert default_data_dir({}) == DATA_DIR
    assert default_data_dir({"KCM_DATA_DIR": "/x/y"}) == Path("/x/y")
    assert default_data_dir({"KCM_DATA_DIR": "  "}) == DATA_DIR


def test_validate_data_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--data", str(VALID)]) == 0
    assert capsys.readouterr().out.startswith("ok: 2 sources, 5 places, 4 events")
    assert cli.main(["validate", "--data", str(ROOT / "tests" / "fixtures" / "broken")]) == 1
    assert "events.csv:3: date_end" in capsys.readouterr().out


def test_validate_reads_kcm_data_dir(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KCM_DATA_DIR", str(VALID))
    assert cli.main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: 2 sources, 5 places, 4 events")


def test_geo_data_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(VALID, tmp_path / "d")
    code = cli.main(["geo", "distance", "Stepanakert", "Shusha", "--data", str(tmp_path / "d")])
    assert code == 0
    assert " km (" in capsys.readouterr().out


def test_briefing_data_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "view.csv"
    assert cli.main(["briefing", "csv", "--out", str(out), "--data", str(VALID)]) == 0
    rows = out.read_text("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + 4  # header + the fixture's four claims
    assert "4 of 4 claims" in capsys.readouterr().out


# --- stated_distances.csv is validated like every table --------------------------------------


def test_validate_reports_stated_distances_at_file_line_field(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "d", ignore=shutil.ignore_patterns("cache"))
    path = tmp_path / "d" / "stated_distances.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write('a009,Atlantis,Yevlakh,-3,furlongs,up,"=cmd()",\n')
        handle.write('a003,Khankendi,Stepanakert,10,km,N,"ten kilometres",<b>\n')
    problems = [str(p) for p in validate_files(default_paths(tmp_path / "d")).problems]
    expected = [
        "stated_distances.csv:4: source_id: unknown source 'a009'",
        "stated_distances.csv:4: from_place: unknown place 'Atlantis'",
        "stated_distances.csv:4: value: '-3' is not a positive number",
        "stated_distances.csv:4: unit: 'furlongs' is not one of km, mi",
        "stated_distances.csv:4: direction: 'up' is not a compass point",
        "stated_distances.csv:5: to_place: is the same place as from_place",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    assert not [p for p in problems if ":2:" in p or ":3:" in p]  # the bundled rows are fine
    # text is kept as written: a formula-like quote and markup in notes are not problems
    assert not [p for p in problems if ":4: quote" in p or ":5: notes" in p]


def test_missing_stated_distances_file_is_no_problem() -> None:
    assert not (VALID / "stated_distances.csv").exists()
    result = validate_files(default_paths(VALID))
    assert result.ok
    assert "stated_distances" not in result.tables
    assert {spec.name for spec in TABLES} >= {"sources", "places", "events", "stated_distances"}


# --- the one list splitter -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "column", "expected"),
    [
        ("a000;a001", "source_ids", ["a000", "a001"]),
        (" a000 ; ;", "source_ids", ["a000"]),
        ("", "source_ids", []),
        (None, "source_ids", []),
        (float("nan"), "source_ids", []),
        ("Khankendi|Xankəndi| ", "aliases", ["Khankendi", "Xankəndi"]),
        ("Stepanakert; Khankendi", "aliases", ["Stepanakert; Khankendi"]),  # ; is not |
        ("goris;lachin", "waypoints", ["goris", "lachin"]),
        ("a;b", "some_new_id_list", ["a", "b"]),
    ],
)
def test_split_list(value: object, column: str, expected: list[str]) -> None:
    assert split_list(value, column) == expected


def test_split_list_default_is_an_id_list() -> None:
    assert split_list("a000; a002") == ["a000", "a002"]
    assert LIST_SEPARATORS["aliases"] == "|"


# --- the atomic writer keeps permissions -----------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o640])
def test_atomic_write_keeps_an_existing_files_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "places.csv"
    target.write_text("old\n")
    target.chmod(mode)
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == mode


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_atomic_write_gives_a_new_file_the_umask_default(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        atomic_write_bytes(tmp_path / "new.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.bin").stat().st_mode) == 0o666 & ~umask


def test_atomic_write_check_can_refuse(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    target.write_text("old")

    def refuse(path: Path) -> None:
        assert path.read_text() == "new"  # the check sees the complete new file
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        atomic_write_text(target, "new", check=refuse)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


# --- the installed command, once -------------------------------------------------------------


def _installed_kcm() -> str | None:
    beside = Path(sys.executable).parent / "kcm"
    return str(beside) if beside.exists() else shutil.which("kcm")


def test_installed_kcm_smoke(tmp_path: Path) -> None:
    kcm = _installed_kcm()
    assert kcm is not None, "kcm is not installed: scripts/setup.sh installs the project editable"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCM_")}
    help_run = subprocess.run(
        [kcm, "--help"], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert help_run.returncode == 0, help_run.stderr
    assert all(c.name in help_run.stdout for c in cli.COMMANDS)
    lookup = subprocess.run(
        [kcm, "geo", "lookup", "Khankendi", "--json", "--cache", str(tmp_path / "c.json")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,  # the data folder is found from the package, not the working directory
        check=False,
    )
    assert lookup.returncode == 0, lookup.stderr
    assert json.loads(lookup.stdout)["place_id"] == "stepanakert"


def test_labels_cover_the_schemas_values() -> None:
    from src.labels import PERIOD_LABELS, PERIOD_TITLES, VERIFICATION_LABELS
    from src.schema import PERIODS, VERIFICATION

    assert set(VERIFICATION_LABELS) == set(VERIFICATION)
    assert set(PERIOD_LABELS) == set(PERIODS) == set(PERIOD_TITLES)
