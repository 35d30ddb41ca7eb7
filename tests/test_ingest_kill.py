"""``kcm ingest --save`` killed with SIGKILL at any moment: the data folder loads as before the
save or as after it, never a mix; a later save works (follows tests/test_import_kill.py)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from src.dataset import DATA_DIR, load_dataset
from tests.test_import_kill import PAUSES, kill_child

ROOT = Path(__file__).resolve().parent.parent
CHILD = PAUSES + "from src.cli import main\nimport sys\nsys.exit(main(sys.argv[1:]))\n"
CHILD_TIMEOUT_S = 120
ARTICLE = (
    "Two civilians were killed near Stepanakert on Tuesday, the ombudsman said. "
    "Refugees arrived in Sisian overnight, the mayor said.\n"
)


def _state(data_dir: Path) -> tuple[int, int, int]:
    dataset = load_dataset(data_dir)
    return len(dataset.sources), len(dataset.places), len(dataset.events)


def _child(data_dir: Path, article: Path, pause: str) -> subprocess.Popen[str]:
    args = ["ingest", str(article), "--published", "2023-09-20", "--save", "--data", str(data_dir)]
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        env={**os.environ, "PAUSE": pause},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("moment", ["fsync", "replace", "random-0", "random-1"])
def test_killed_save_leaves_old_or_new_data(tmp_path: Path, moment: str) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir, ignore=shutil.ignore_patterns("cache"))
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = _state(data_dir)
    pause = "" if moment.startswith("random") else moment
    child = _child(data_dir, article, pause)

    def paused() -> None:
        assert child.stdout is not None
        line = child.stdout.readline()
        while line and line.strip() != "paused":  # the proposal table comes first
            line = child.stdout.readline()
        assert line.strip() == "paused", child.stderr.read() if child.stderr else line

    delay = random.Random(f"ingest-kill-{moment}").uniform(0.5, 4.0)
    kill_child(child, paused if pause else None, delay)
    after = _state(data_dir)  # load_dataset finishes or rolls back the killed save
    new = (before[0] + 1, before[1] + 1, before[2] + 2)
    expected = {"fsync": [before], "replace": [new]}.get(moment, [before, new])
    assert after in expected
    # a clean save works afterwards (of another file: one article is saved once), and removes
    # what the killed one left
    second = tmp_path / "b.txt"
    second.write_text(ARTICLE, encoding="utf-8")
    rerun = _child(data_dir, second, "")
    _out, err = rerun.communicate(timeout=CHILD_TIMEOUT_S)
    assert rerun.returncode == 0, err
    assert _state(data_dir)[2] == after[2] + 2
    assert not [p for p in data_dir.rglob("*") if ".kcm-txn-" in p.name]
