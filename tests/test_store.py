"""The save primitive of import (#10) and add-article (#11): conflicts are raised, never
silently overwritten, and a multi-file save killed at any moment leaves the old or the new set."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from src import store
from src.store import ABSENT, ConflictError, StoreError

ROOT = Path(__file__).resolve().parent.parent
OLD = {"events.csv": b"event_id\ne0\n", "sources.csv": b"source_id\na000\n"}
NEW = {"events.csv": b"event_id\ne0\ne1\n" * 2000, "sources.csv": b"source_id\na000\na001\n"}


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, data in OLD.items():
        (folder / name).write_bytes(data)
    return folder


def _contents(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OLD}


def test_load_gives_the_bytes_and_their_version(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    loaded = store.load(folder / "events.csv")
    assert loaded.data == OLD["events.csv"]
    assert loaded.version == store.version_of(OLD["events.csv"]) != ABSENT
    assert store.load(folder / "nothing.csv").version == ABSENT


def test_save_replaces_at_the_expected_version_and_refuses_a_stale_one(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    path = folder / "events.csv"
    loaded = store.load(path)
    version = store.save(path, b"event_id\ne9\n", loaded.version)
    assert path.read_bytes() == b"event_id\ne9\n"
    assert version == store.load(path).version
    with pytest.raises(ConflictError, match=r"events\.csv changed since you loaded it") as exc:
        store.save(path, b"event_id\nlost\n", loaded.version)  # the version before ours
    assert "changed at 20" in str(exc.value)  # when (the file's mtime, UTC)
    assert path.read_bytes() == b"event_id\ne9\n"


def test_creating_needs_absent_and_a_taken_name_is_a_conflict(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    store.save(folder / "new.csv", b"x\n", ABSENT)
    with pytest.raises(ConflictError, match="created by someone else"):
        store.save(folder / "new.csv", b"y\n", ABSENT)
    assert (folder / "new.csv").read_bytes() == b"x\n"


def test_a_conflict_in_one_file_writes_none(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    events, sources = store.load_many([folder / "events.csv", folder / "sources.csv"])
    (folder / "sources.csv").write_bytes(b"source_id\nedited elsewhere\n")
    with pytest.raises(ConflictError, match=r"sources\.csv"):
        store.save_many(
            {
                events.path: (NEW["events.csv"], events.version),
                sources.path: (NEW["sources.csv"], sources.version),
            }
        )
    assert (folder / "events.csv").read_bytes() == OLD["events.csv"]
    assert sorted(os.listdir(folder)) == [".kcm-store.lock", "events.csv", "sources.csv"]


def test_files_of_two_folders_are_not_one_save(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    with pytest.raises(ValueError, match="one folder"):
        store.save_many({tmp_path / "x": (b"", ABSENT), tmp_path / "b" / "y": (b"", ABSENT)})


def test_a_directory_in_place_of_the_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "events.csv").mkdir()
    with pytest.raises(StoreError, match="is a directory"):
        store.load(tmp_path / "events.csv")


# --- concurrency ------------------------------------------------------------------------------


def test_threads_that_reload_on_conflict_all_land(tmp_path: Path) -> None:
    """Eight editors append their own lines at once: every line lands, none is overwritten."""
    path = tmp_path / "events.csv"
    path.write_bytes(b"event_id\n")
    conflicts = []
    start = threading.Barrier(8)

    def editor(n: int) -> None:
        start.wait()
        for i in range(10):
            while True:
                loaded = store.load(path)
                assert loaded.data is not None
                try:
                    store.save(path, loaded.data + f"t{n}-{i}\n".encode(), loaded.version)
                    break
                except ConflictError:
                    conflicts.append(n)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    lines = path.read_text().splitlines()
    assert sorted(lines[1:]) == sorted(f"t{n}-{i}" for n in range(8) for i in range(10))


SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from src import store
    path, version, text = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    sys.stdin.readline()  # start together
    try:
        store.save(path, text.encode(), version)
        print("saved")
    except store.ConflictError as exc:
        print("conflict:", exc)
    """
)


def test_two_processes_saving_the_same_version_one_lands_one_conflicts(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(b"event_id\ne0\n")
    version = store.load(path).version
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path), version, f"event_id\nfrom-{n}\n"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    outs = [p.communicate("go\n", timeout=120)[0].strip() for p in procs]
    assert sorted(o.split(":")[0] for o in outs) == ["conflict", "saved"], outs
    winner = outs.index("saved")
    assert path.read_text() == f"event_id\nfrom-{winner}\n"
    assert "changed since you loaded it" in outs[1 - winner]


# --- kills --------------------------------------------------------------------------------------

#: Saves NEW over OLD; PAUSE names the call to stop in (its Nth time), to be killed there.
KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from src import store
    folder, where, nth = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    calls = {"fsync": 0, "replace": 0}
    real = {"fsync": os.fsync, "replace": os.replace}
    def pausing(name):
        def call(*args):
            calls[name] += 1
            if name == where and calls[name] == nth:
                print("paused", flush=True)
                while True:
                    signal.pause()
            return real[name](*args)
        return call
    if where != "none":
        os.fsync, os.replace = pausing("fsync"), pausing("replace")
    loaded = store.load_many([folder / "events.csv", folder / "sources.csv"])
    new = {"events.csv": b"event_id\\ne0\\ne1\\n" * 2000,
           "sources.csv": b"source_id\\na000\\na001\\n"}
    print("started", flush=True)
    store.save_many({f.path: (new[f.path.name], f.version) for f in loaded})
    print("saved", flush=True)
    """
)


def _killed_save(folder: Path, where: str, nth: int) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(folder), where, str(nth)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    said = proc.stdout.readline().strip()
    proc.send_signal(signal.SIGKILL)
    proc.wait(60)
    return said


# fsync calls: 1-2 the new files, 3 the folder, 4 the journal's temp (then its replace is
# replace 1), 5 the folder; replace 2 and 3 install events.csv and sources.csv.
@pytest.mark.parametrize(
    ("where", "nth", "expect"),
    [
        ("fsync", 1, OLD),  # first new file written, not yet durable
        ("fsync", 2, OLD),  # both new files written, no journal
        ("fsync", 4, OLD),  # journal written, not yet in place
        ("replace", 1, OLD),  # journal about to be put in place: not committed
        ("replace", 2, NEW),  # committed; no file replaced yet
        ("replace", 3, NEW),  # events.csv new, sources.csv old: the mix recovery undoes
    ],
)
def test_a_save_killed_at_each_step_leaves_the_old_or_the_new_set(
    tmp_path: Path, where: str, nth: int, expect: dict[str, bytes]
) -> None:
    folder = _folder(tmp_path)
    assert _killed_save(folder, where, nth) == "paused"
    files = store.load_many([folder / "events.csv", folder / "sources.csv"])  # recovers
    assert {f.path.name: f.data for f in files} == expect
    assert sorted(os.listdir(folder)) == [".kcm-store.lock", "events.csv", "sources.csv"]


def test_saves_killed_at_random_moments_never_leave_a_mix(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    rng = random.Random("store-kills")
    for _ in range(4):
        for name, data in OLD.items():
            (folder / name).write_bytes(data)
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED, str(folder), "none", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "started"
        try:
            proc.wait(timeout=rng.uniform(0.0, 0.05))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        proc.wait(60)
        store.recover(folder)
        assert _contents(folder) in (OLD, NEW)
        assert sorted(os.listdir(folder)) == [".kcm-store.lock", "events.csv", "sources.csv"]


#: Saves the files under NEW_DIR over the same files in DATA_DIR, killed where the first of them
#: is in place and the second not yet (a mix on disk, journal committed).
KILLED_DATASET_SAVE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from src import store
    folder, new_dir = Path(sys.argv[1]), Path(sys.argv[2])
    names = ["events.csv", "sources.csv"]
    real, calls = os.replace, [0]
    def replace(*args):
        calls[0] += 1
        if calls[0] == 3:
            print("paused", flush=True)
            while True:
                signal.pause()
        return real(*args)
    os.replace = replace
    loaded = store.load_many([folder / n for n in names])
    store.save_many({f.path: ((new_dir / f.path.name).read_bytes(), f.version) for f in loaded})
    """
)


def test_the_dashboard_loader_finishes_a_killed_save_before_reading(tmp_path: Path) -> None:
    from src.dataset import load_dataset

    folder, new_dir = tmp_path / "data", tmp_path / "new"
    shutil.copytree(ROOT / "tests" / "fixtures" / "valid", folder)
    new_dir.mkdir()
    events = (folder / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (new_dir / "events.csv").write_text("".join(events[:-1]), encoding="utf-8")  # one row less
    (new_dir / "sources.csv").write_bytes((folder / "sources.csv").read_bytes() + b"\n")
    before = len(load_dataset(folder).events)

    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_DATASET_SAVE, str(folder), str(new_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "paused"
    proc.send_signal(signal.SIGKILL)
    proc.wait(60)
    assert (folder / store.JOURNAL_NAME).exists()  # killed after its commit point

    assert len(load_dataset(folder).events) == before - 1
    assert not (folder / store.JOURNAL_NAME).exists()
    for name in ("events.csv", "sources.csv"):
        assert (folder / name).read_bytes() == (new_dir / name).read_bytes()


def test_files_stamp_changes_when_a_loaded_file_is_replaced_and_only_then(data_dir):
    from src.dataset import files_stamp

    before = files_stamp(data_dir)
    assert files_stamp(data_dir) == before
    (data_dir / "notes.txt").write_text("not a data file")
    assert files_stamp(data_dir) == before
    places = data_dir / "places.csv"
    new = data_dir / ".places.csv.new"
    new.write_bytes(places.read_bytes())  # the same bytes, a new file: a save happened
    new.replace(places)
    assert files_stamp(data_dir) != before
