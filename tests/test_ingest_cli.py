"""``kcm ingest``: the proposal as JSON, nothing written without --save, --save, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from src.cli import main
from src.dataset import load_dataset

ARTICLE = (
    "Exodus through the Lachin corridor\n\n"
    "More than 100,000 people have fled Nagorno-Karabakh since Sunday, Armenia's government "
    "said on Saturday. Two civilians were killed near Stepanakert's airport on Tuesday, the "
    "ombudsman said. Buses reached the village of Zzyzxville.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "exodus.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _files(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.glob("*.csv"))}


def test_json_proposal_writes_nothing(
    data_dir: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _files(data_dir)
    args = ["ingest", str(article), "--published", "2023-09-30", "--json", "--data", str(data_dir)]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert _files(data_dir) == before
    assert data["article"]["published"] == "2023-09-30"
    places = {p["mention"]: p for p in data["places"]}
    assert places["Stepanakert"]["place_id"] == "stepanakert"
    assert places["Stepanakert"]["provenance"] == "gazetteer"
    assert places["Zzyzxville"]["place_id"] is None
    assert places["Zzyzxville"]["status"] == "unknown"
    killed = next(c for c in data["claims"] if c["fatalities"] == 2)
    assert (killed["date_start"], killed["date_end"], killed["date_precision"]) == (
        "2023-09-26",
        "2023-09-26",
        "day",
    )
    assert killed["place_id"] == "stepanakert"
    assert killed["lat"] is not None
    assert killed["claimant"] == "Ombudsman"
    assert killed["quote"] in ARTICLE
    for key in ("injured", "other_figures", "event_type"):
        assert key in killed


def test_save_writes_the_proposal(
    data_dir: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["ingest", str(article), "--published", "2023-09-30", "--outlet", "Wire", "--save"]
    assert main([*args, "--data", str(data_dir)]) == 0
    assert "saved source a005" in capsys.readouterr().err
    dataset = load_dataset(data_dir)
    assert (dataset.events["source_ids"] == "a005").sum() >= 2
    assert dataset.sources.set_index("source_id").loc["a005", "outlet"] == "Wire"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--published", "2023-02-30"], "is not a date"),
        ([], "states no date"),
    ],
)
def test_bad_arguments_exit_2(
    data_dir: Path,
    article: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    assert main(["ingest", str(article), *extra, "--data", str(data_dir)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_exits_2(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(data_dir / "nope.txt"), "--published", "2023-09-30"]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_text_table_without_json(
    data_dir: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["ingest", str(article), "--published", "2023-09-30", "--data", str(data_dir)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "draft claim(s)" in out
    assert "unknown" in out
