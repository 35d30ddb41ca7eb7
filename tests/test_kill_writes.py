"""Writers killed with SIGKILL at any moment: the previous file stays whole, and the next write
to the same target leaves no temporary file behind (issue #9).

Each export runs as a real ``kcm`` process on the small fixture. One kill lands at the worst
moment, after the temp is complete and before it replaces the target (the child pauses in
``os.fsync`` of its temp and says so on stdout); the others land at a seeded random moment.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from src import cli
from src.briefing.render import png_size
from src.csvio import STALE_AFTER_S, _open_temp, remove_stale_temps, temp_files

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "valid"
OLD = b"the previous export, which must survive every kill\n"
#: Per child: imports and the export itself take a few seconds on a loaded 2-core machine.
CHILD_TIMEOUT_S = 120

#: Makes the child stop inside the fsync of its temporary file, report it and wait to be killed.
PAUSE_IN_TEMP_FSYNC = textwrap.dedent(
    """
    import os, signal
    real_fsync = os.fsync
    def pausing_fsync(fd):
        real_fsync(fd)
        if ".kcm-" in os.readlink(f"/proc/self/fd/{fd}"):
            print("paused", flush=True)
            while True:
                signal.pause()
    os.fsync = pausing_fsync
    """
)

#: Runs ``kcm ARGS``; with PAUSE=1 it pauses in its temporary file's fsync (above).
CHILD = (
    "import os, sys\n"
    f"if os.environ.get('PAUSE') == '1':\n    exec({PAUSE_IN_TEMP_FSYNC!r})\n"
    "from src.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _csv_ok(data: bytes) -> bool:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return len(rows) > 1 and len({len(r) for r in rows}) == 1


def _json_ok(data: bytes) -> bool:
    return json.loads(data)["type"] == "FeatureCollection"


def _html_ok(data: bytes) -> bool:
    return data.rstrip().endswith(b"</html>") and b"kcm-briefing-frame" in data


def _png_ok(data: bytes) -> bool:
    return png_size(data) == (1280, 720)


#: format -> (extra arguments, check of a complete new file)
FORMATS: dict[str, tuple[list[str], Callable[[bytes], bool]]] = {
    "csv": ([], _csv_ok),
    "acled": ([], _csv_ok),
    "geojson": ([], _json_ok),
    "html": ([], _html_ok),
    "png": (["--size", "1280x720", "--offline"], _png_ok),
}


def _start(argv: list[str], pause: bool) -> subprocess.Popen[str]:
    env = {**os.environ, "PAUSE": "1" if pause else "0"}
    env.pop("KCM_DATA_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _kill_paused(argv: list[str]) -> None:
    """Run until the temp is complete but not yet in place, then SIGKILL."""
    proc = _start(argv, pause=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the child pauses (or exits)
        assert line.strip() == "paused", f"child exited ({proc.wait(CHILD_TIMEOUT_S)}) first"
    finally:
        proc.kill()
        proc.wait(CHILD_TIMEOUT_S)


def _kill_at(argv: list[str], delay_s: float) -> None:
    """SIGKILL after ``delay_s`` seconds unless the run finished first."""
    proc = _start(argv, pause=False)
    try:
        proc.wait(timeout=delay_s)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(CHILD_TIMEOUT_S)


def _assert_intact(target: Path, complete: Callable[[bytes], bool]) -> None:
    data = target.read_bytes()
    assert data == OLD or complete(data), data[:200]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_killed_export_keeps_the_old_file_and_the_next_write_cleans_up(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra, complete = FORMATS[fmt]
    target = tmp_path / f"view.{fmt}"
    target.write_bytes(OLD)
    argv = ["briefing", fmt, "--out", str(target), "--data", str(SMALL), *extra]

    _kill_paused(argv)
    assert target.read_bytes() == OLD  # killed just before the swap: the old file, whole
    assert len(temp_files(target)) == 1  # ... and the complete temp it never installed

    rng = random.Random(f"kill-{fmt}")
    for _ in range(2):
        _kill_at(argv, rng.uniform(0.5, 4.0))
        _assert_intact(target, complete)

    assert cli.main(argv) == 0, capsys.readouterr().err
    assert complete(target.read_bytes())
    assert temp_files(target) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


CSV_CHILD = PAUSE_IN_TEMP_FSYNC + textwrap.dedent(
    """
    import sys
    import pandas as pd
    from src.csvio import write_csv_atomic
    frame = pd.DataFrame({"event_id": [f"e{i:05d}" for i in range(50000)], "summary": "new"})
    write_csv_atomic(frame, sys.argv[1])
    """
)


def test_a_killed_csv_save_keeps_the_old_file_and_the_next_save_cleans_up(
    tmp_path: Path,
) -> None:
    import pandas as pd

    from src.csvio import write_csv_atomic

    target = tmp_path / "places.csv"
    target.write_text("event_id,summary\ne0,old\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", CSV_CHILD, str(target)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "paused"
    finally:
        proc.kill()
        proc.wait(CHILD_TIMEOUT_S)
    assert target.read_text() == "event_id,summary\ne0,old\n"
    (leftover,) = temp_files(target)
    assert leftover.stat().st_size > 500_000  # the whole new file was there, never installed

    write_csv_atomic(pd.DataFrame({"event_id": ["e1"], "summary": ["newer"]}), target)
    assert target.read_text() == "event_id,summary\ne1,newer\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["places.csv"]


# --- which leftovers the next write removes ---------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_live_writers_temp_is_never_removed(tmp_path: Path) -> None:
    target = tmp_path / "view.csv"
    fd, tmp = _open_temp(tmp_path, target.name)  # held open and locked, as during a write
    try:
        old = time.time() - 10 * STALE_AFTER_S
        os.utime(tmp, (old, old))  # even when old: the lock says its writer is alive
        assert remove_stale_temps(target) == []
        assert tmp.exists()
    finally:
        os.close(fd)
    os.utime(tmp, None)
    assert remove_stale_temps(target) == []  # unlocked, but its pid (ours) lives and it is new
    assert tmp.exists()


def test_leftovers_of_dead_or_long_gone_writers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "view.csv"
    dead = tmp_path / f".view.csv.kcm-{_dead_pid()}-0123456789ab.tmp"
    dead.write_bytes(b"half")
    reused = tmp_path / f".view.csv.kcm-{os.getpid()}-ba9876543210.tmp"
    reused.write_bytes(b"old")
    old = time.time() - 2 * STALE_AFTER_S
    os.utime(reused, (old, old))  # a living pid, but far too old to be its write
    young = tmp_path / f".view.csv.kcm-{os.getpid()}-aaaaaaaaaaaa.tmp"
    young.write_bytes(b"being written")
    other = tmp_path / f".other.csv.kcm-{_dead_pid()}-0123456789ab.tmp"
    other.write_bytes(b"another target's")
    mine = tmp_path / "view.csv.tmp"
    mine.write_bytes(b"not ours")

    assert sorted(remove_stale_temps(target)) == sorted([dead, reused])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([young.name, other.name, mine.name])
