"""The validated-frames snapshot (src/snapshot.py): a warm load gives exactly what validation
gives, and anything stale, damaged, foreign or half-written is never served."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from src import dataset, snapshot
from src.csvio import temp_files
from src.dataset import Dataset, load_dataset
from src.schema import EVENTS, PLACES, SOURCES

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "valid"
SPECS = (SOURCES, PLACES, EVENTS)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the small fixture without any snapshot."""
    target = tmp_path / "data"
    shutil.copytree(SMALL, target, ignore=shutil.ignore_patterns(snapshot.CACHE_DIR))
    return target


def _no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_paths: object) -> None:
        raise AssertionError("validated although the snapshot should have been used")

    monkeypatch.setattr(dataset, "validate_files", refuse)


def _assert_same(a: Dataset, b: Dataset) -> None:
    for spec in SPECS:
        pd.testing.assert_frame_equal(getattr(a, spec.name), getattr(b, spec.name))
        assert list(getattr(a, spec.name).dtypes) == list(getattr(b, spec.name).dtypes)
    assert a.version == b.version


def test_warm_load_equals_validated_load_and_skips_validation(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = load_dataset(folder)
    for spec in SPECS:
        assert snapshot.snapshot_path(folder, spec).is_file()
    _no_validation(monkeypatch)
    _assert_same(cold, load_dataset(folder))


def test_version_is_still_the_hash_of_the_three_files(folder: Path) -> None:
    data = load_dataset(folder)
    digest = hashlib.sha256()
    for spec in SPECS:
        digest.update((folder / spec.filename).read_bytes())
    assert data.version == digest.hexdigest()[:12]


def test_editing_a_csv_invalidates_the_snapshot(folder: Path) -> None:
    load_dataset(folder)
    events = folder / EVENTS.filename
    text = events.read_text(encoding="utf-8")
    first = pd.read_csv(events, dtype=str, keep_default_na=False)["summary"].iloc[0]
    events.write_text(text.replace(first, "Edited by hand after the snapshot", 1), "utf-8")
    fresh = load_dataset(folder)
    assert fresh.events["summary"].iloc[0] == "Edited by hand after the snapshot"
    stored = snapshot.read_snapshot(folder, SPECS)
    assert stored is not None
    assert stored.frames["events"]["summary"].iloc[0] == "Edited by hand after the snapshot"


def test_editing_stated_distances_invalidates_it_too(tmp_path: Path) -> None:
    folder = tmp_path / "bundled"
    shutil.copytree(dataset.DATA_DIR, folder, ignore=shutil.ignore_patterns(snapshot.CACHE_DIR))
    load_dataset(folder)
    path = folder / "stated_distances.csv"
    path.write_text(path.read_text(encoding="utf-8") + "a000,Nowhere,Yerevan,5,km,,x,\n", "utf-8")
    with pytest.raises(dataset.DataValidationError):
        load_dataset(folder)  # the unresolvable place is reported, not hidden by the snapshot


@pytest.mark.parametrize("damage", ["truncate", "garble", "empty", "foreign"])
def test_a_damaged_or_foreign_snapshot_is_ignored_and_rebuilt(
    folder: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = load_dataset(folder)
    path = snapshot.snapshot_path(folder, EVENTS)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garble":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]))
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # the sources table stored under the events name, with the right key
        shutil.copy(snapshot.snapshot_path(folder, SOURCES), path)
    again = load_dataset(folder)
    _assert_same(cold, again)
    _no_validation(monkeypatch)  # rebuilt: the next load uses it
    _assert_same(cold, load_dataset(folder))


def test_a_snapshot_made_under_another_schema_is_not_used(folder: Path) -> None:
    data = load_dataset(folder)
    stored = snapshot.read_snapshot(folder, SPECS)
    assert stored is not None
    narrower = {s.name: getattr(data, s.name).drop(columns="notes") for s in SPECS}
    snapshot.write_snapshot(folder, stored.key, narrower)
    assert snapshot.read_snapshot(folder, SPECS) is None  # columns differ from the schema
    assert "notes" in load_dataset(folder).events.columns


#: Loads a folder, dying by SIGKILL just before the events snapshot would be renamed in place.
KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    real_replace = os.replace
    def dying_replace(src, dst, *a, **k):
        if str(dst).endswith("snapshot.events.arrow"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(src, dst, *a, **k)
    os.replace = dying_replace
    from pathlib import Path
    from src.dataset import load_dataset
    load_dataset(Path(sys.argv[1]))
    """
)


def test_a_killed_snapshot_write_leaves_no_half_file_served(folder: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(folder)], cwd=ROOT, timeout=120, check=False
    )
    assert proc.returncode == -9
    target = snapshot.snapshot_path(folder, EVENTS)
    assert not target.exists()
    (leftover,) = temp_files(target)  # the complete temp, never installed
    assert leftover.stat().st_size > 0
    reference = load_dataset(SMALL)
    loaded = load_dataset(folder)  # validates (no events snapshot), writes it, cleans up
    for spec in SPECS:
        pd.testing.assert_frame_equal(getattr(reference, spec.name), getattr(loaded, spec.name))
    assert target.is_file()
    assert temp_files(target) == []
