"""``kcm import`` killed with SIGKILL at any moment: the data folder loads as before the import
or as after it, never a mix, and the next import works (issue #10).

Two kills land at the worst moments — while a new file is being fsynced (before the commit
point) and at the first rename after the journal is written (after it); the child pauses
there and says so on stdout. The others land at seeded random moments.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from src.dataset import DATA_DIR, load_dataset
from src.importers import apply_import, plan_import

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
CHILD_TIMEOUT_S = 120

#: PAUSE=fsync: stop in the fsync of a save's new file; PAUSE=replace: at its first rename.
PAUSES = textwrap.dedent(
    """
    import os, signal
    def _pause():
        print("paused", flush=True)
        while True:
            signal.pause()
    if os.environ.get("PAUSE") == "fsync":
        real_fsync = os.fsync
        def fsync(fd):
            real_fsync(fd)
            if ".kcm-txn-" in os.readlink(f"/proc/self/fd/{fd}"):
                _pause()
        os.fsync = fsync
    if os.environ.get("PAUSE") == "replace":
        real_replace = os.replace
        def replace(src, dst, *a, **k):
            if ".kcm-txn-" in str(src):
                _pause()
            return real_replace(src, dst, *a, **k)
        os.replace = replace
    """
)
CHILD = PAUSES + "from src.cli import main\nimport sys\nsys.exit(main(sys.argv[1:]))\n"


def kill_child(
    child: subprocess.Popen[str], paused: Callable[[], None] | None, delay: float
) -> None:
    """SIGKILL ``child`` once ``paused()`` has seen it stop at its pause point, or with no
    pause point after ``delay`` seconds; reap it and close its pipes whatever happens."""
    try:
        if paused is not None:
            paused()
        else:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=CHILD_TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()


def _counts(data_dir: Path) -> tuple[int, int]:
    events = load_dataset(data_dir).events
    return int((events["dataset"] == "acled_test").sum()), len(events)


def _child(data_dir: Path, pause: str) -> subprocess.Popen[str]:
    args = ["import", str(FIXTURES / "acled_api_2019.csv"), "--dataset", "acled_test"]
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *args, "--data", str(data_dir)],
        cwd=ROOT,
        env={**os.environ, "PAUSE": pause},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("moment", ["fsync", "replace", "random-0", "random-1", "random-2"])
def test_killed_import_leaves_old_or_new_data(tmp_path: Path, moment: str) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    apply_import(plan_import(data_dir, FIXTURES / "acled_current.csv", "acled_test"))
    before = _counts(data_dir)
    assert before == (4, 124)
    pause = moment if not moment.startswith("random") else ""
    child = _child(data_dir, pause)

    def paused() -> None:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "paused", child.stderr.read() if child.stderr else line

    delay = random.Random(f"kill-{moment}").uniform(0.3, 3.0)
    kill_child(child, paused if pause else None, delay)
    after = _counts(data_dir)  # load_dataset finishes or rolls back the killed save
    expected = {"fsync": [before], "replace": [(6, 126)]}.get(moment, [before, (6, 126)])
    assert after in expected
    # a clean import works afterwards, and removes what the killed one left
    apply_import(plan_import(data_dir, FIXTURES / "acled_api_2019.csv", "acled_test"))
    assert _counts(data_dir) == (6, 126)
    assert not [p for p in data_dir.rglob("*") if ".kcm-txn-" in p.name]
