"""Bad ``kcm`` arguments: one line of error naming the argument, exit 2, no traceback, nothing
written (issue #9). Run in-process through ``src.cli.main``."""

from __future__ import annotations

from pathlib import Path

import pytest

from src import cli

ROOT = Path(__file__).resolve().parent.parent
SMALL = str(ROOT / "tests" / "fixtures" / "valid")

# (name, argv after "kcm briefing", words the one error line must contain). ``{tmp}`` is a
# fresh folder holding the regular file ``file.txt``.
CASES: list[tuple[str, list[str], list[str]]] = [
    ("out-empty", ["csv", "--out", ""], ["--out", "empty"]),
    ("out-dot", ["csv", "--out", "."], ["--out", "folder"]),
    ("out-folder", ["html", "--out", "{tmp}"], ["--out", "folder"]),
    ("out-trailing-slash", ["geojson", "--out", "{tmp}/new/"], ["--out", "folder"]),
    ("out-under-a-file", ["csv", "--out", "{tmp}/file.txt/x.csv"], ["--out", "is a file"]),
    ("out-deep-under-a-file", ["acled", "--out", "{tmp}/file.txt/a/b.csv"], ["--out", "file"]),
    ("out-256-chars", ["csv", "--out", "{tmp}/" + "n" * 252 + ".csv"], ["--out", "256 bytes"]),
    ("out-250-chars", ["csv", "--out", "{tmp}/" + "n" * 246 + ".csv"], ["--out", "250 bytes"]),
    ("from-after-data", ["csv", "--out", "{tmp}/x.csv", "--from", "9999-12-31"], ["empty/back"]),
    ("to-before-data", ["csv", "--out", "{tmp}/x.csv", "--to", "1900-01-01"], ["empty/back"]),
    (
        "from-after-to",
        ["csv", "--out", "{tmp}/x.csv", "--from", "2023-09-20", "--to", "2023-09-19"],
        ["empty/backwards window", "--from 2023-09-20 is after --to 2023-09-19"],
    ),
    (
        "period-before-from",
        ["csv", "--out", "{tmp}/x.csv", "--period", "background", "--from", "2023-01-01"],
        ["empty/backwards window"],
    ),
    ("basic-date", ["csv", "--out", "{tmp}/x.csv", "--from", "20230919"], ["--from", "not a date"]),
    ("week-date", ["csv", "--out", "{tmp}/x.csv", "--to", "2023-W38-2"], ["--to", "not a date"]),
    ("ordinal-date", ["csv", "--out", "{tmp}/x.csv", "--to", "2023-262"], ["--to", "not a date"]),
    ("time-date", ["csv", "--out", "{tmp}/x.csv", "--from", "2023-09-19T10"], ["not a date"]),
    ("timeout-tiny", ["png", "--out", "{tmp}/x.png", "--timeout", "0.001"], ["--timeout", "1"]),
    ("timeout-huge", ["png", "--out", "{tmp}/x.png", "--timeout", "1e9"], ["--timeout", "600"]),
    ("timeout-nan", ["png", "--out", "{tmp}/x.png", "--timeout", "nan"], ["--timeout"]),
    ("timeout-negative", ["png", "--out", "{tmp}/x.png", "--timeout=-5"], ["--timeout"]),
]


@pytest.mark.parametrize(("argv", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_arguments_give_one_line_and_exit_2(
    argv: list[str], words: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file.txt").write_text("a regular file\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    full = ["briefing", *[a.replace("{tmp}", str(tmp_path)) for a in argv], "--data", SMALL]
    assert cli.main(full) == 2
    captured = capsys.readouterr()
    errors = [ln for ln in captured.err.splitlines() if "nothing written" not in ln]
    assert len(errors) == 1, captured.err
    assert errors[0].startswith(f"kcm briefing {argv[0]}: error: ")
    for word in words:
        assert word in errors[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written


@pytest.mark.parametrize(
    "argv",
    [
        ["csv", "--out", "{tmp}/x.csv", "--from", "2023-09-19", "--to", "2023-09-19"],
        ["csv", "--out", "{tmp}/deeper/still/x.csv"],  # folders that do not exist are made
        ["csv", "--out", "{tmp}/" + "n" * 200 + ".csv"],
    ],
)
def test_good_edge_arguments_still_write(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = ["briefing", *[a.replace("{tmp}", str(tmp_path)) for a in argv], "--data", SMALL]
    assert cli.main(full) == 0, capsys.readouterr().err
    assert Path(full[3]).is_file()


def test_an_unwritable_target_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("src.briefing.__main__.atomic_write_bytes", refuse)
    code = cli.main(["briefing", "csv", "--out", str(tmp_path / "x.csv"), "--data", SMALL])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines() == [
        f"kcm briefing csv: cannot write {tmp_path / 'x.csv'}: Permission denied"
    ]
