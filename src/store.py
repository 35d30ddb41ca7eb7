"""Conflict-checked, all-or-nothing saves of the dataset's files, for the features that edit
them (import, #10; add article, #11).

:func:`load` returns a file's bytes with a version (their SHA-256); :func:`save` and
:func:`save_many` write only if every file is still at the version the caller loaded, else
raise :class:`ConflictError` ("changed since you loaded it"), so two sessions never silently
overwrite each other. Saves in one folder are serialised by an exclusive ``fcntl.flock`` on
``.kcm-store.lock`` there (one lock per folder, because one save may span several files).
A save may also span subfolders of one ``root`` (an import writes ``datasets.csv`` and
``imports/<id>/*.csv`` together): the lock, the journal and the new files are then in ``root``.

A save of several files (events.csv with sources.csv) survives a kill at any moment as the old
set or the new set, never a mix:

1. each new file is written to ``.<name>.kcm-txn-<id>.new`` and fsynced;
2. a journal ``.kcm-store.journal`` naming them is written atomically: the commit point;
3. the new files replace the old ones in a fixed order, then the journal is deleted.

The next :func:`load`, :func:`save` or :func:`recover` in that folder finishes a journal it
finds (step 3 again: the new files are complete) and deletes new files no journal names (a
save killed before its commit point: the old set stands). Readers that open the files some
other way see the same guarantee once anything has called :func:`recover`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from src.csvio import atomic_write_bytes, remove_stale_temps

__all__ = [
    "ABSENT",
    "ConflictError",
    "Loaded",
    "StoreError",
    "load",
    "load_many",
    "recover",
    "save",
    "save_many",
    "version_of",
]

#: The version of a file that does not exist (pass it to create one).
ABSENT = "absent"
LOCK_NAME = ".kcm-store.lock"
JOURNAL_NAME = ".kcm-store.journal"
_NEW = re.compile(r"\.(?P<name>.+)\.kcm-txn-[0-9a-f]{16}\.new")


class StoreError(RuntimeError):
    """A save could not be made or an earlier one could not be finished."""


class ConflictError(StoreError):
    """The file changed on disk since the caller loaded it; nothing was written."""

    def __init__(self, path: Path, expected: str, current: str) -> None:
        self.path, self.expected, self.current = path, expected, current
        if current == ABSENT:
            when = "it has been deleted since you loaded it"
        else:
            try:
                stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                when = f"it was changed at {stamp:%Y-%m-%d %H:%M:%S} UTC"
            except OSError:
                when = "it was changed"
            if expected == ABSENT:
                when = "it was created by someone else since you looked"
        super().__init__(
            f"{path.name} changed since you loaded it ({when}); nothing was saved. "
            "Reload it, redo your change and save again."
        )


@dataclass(frozen=True)
class Loaded:
    """A file's bytes (``None`` if absent) and the version to hand back to :func:`save`."""

    path: Path
    data: bytes | None
    version: str


def version_of(data: bytes | None) -> str:
    """The version token of some file contents (``ABSENT`` for no file)."""
    return ABSENT if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise StoreError(f"{path} is a directory, not a file") from exc


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's store lock (blocking); a finished or rolled-back state inside."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _recover_locked(folder)
        yield
    finally:
        os.close(fd)  # releases the lock


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _recover_locked(folder: Path) -> None:
    journal = folder / JOURNAL_NAME
    named: set[str] = set()
    try:
        entries = json.loads(journal.read_bytes())["files"]
    except FileNotFoundError:
        entries = []
    except (ValueError, KeyError, TypeError) as exc:
        # The journal is written atomically, so a torn one means outside interference.
        raise StoreError(f"{journal} is unreadable ({exc}); inspect the folder by hand") from exc
    for entry in entries:
        target, new = folder / entry["name"], folder / entry["new"]
        named.add(entry["new"])
        if new.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, target)
            if target.parent != folder:
                _fsync_dir(target.parent)
        elif version_of(_read(target)) != entry["version"]:
            raise StoreError(
                f"cannot finish the save recorded in {journal}: {new.name} is gone and "
                f"{target.name} is not the saved version; inspect the folder by hand"
            )
    if entries:
        _fsync_dir(folder)
        journal.unlink()
        _fsync_dir(folder)
    remove_stale_temps(journal)  # a journal killed while being written: not committed
    for name in os.listdir(folder):  # new files of saves killed before their commit point
        if _NEW.fullmatch(name) and name not in named:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()


def recover(folder: Path) -> None:
    """Finish or roll back a save that was killed in ``folder`` (a no-op when there was none)."""
    with _locked(Path(folder)):
        pass


def _one_folder(paths: Sequence[Path]) -> Path:
    folders = {p.parent.resolve() for p in paths}
    if len(folders) != 1:
        raise ValueError(f"one save spans one folder, not {len(folders)}")
    return folders.pop()


def _under(root: Path, paths: Sequence[Path]) -> Path:
    """``root``, resolved, once every path is checked to lie in it or below it."""
    base = Path(root).resolve()
    for path in paths:
        if not path.resolve().is_relative_to(base) or path.resolve() == base:
            raise ValueError(f"{path} is not inside {base}")
    return base


def _folder_of(paths: Sequence[Path], root: Path | None) -> Path:
    return _one_folder(paths) if root is None else _under(root, paths)


def load_many(paths: Sequence[Path], root: Path | None = None) -> list[Loaded]:
    """Several files of one folder (or below ``root``) as one consistent set (no save
    half-way through)."""
    paths = [Path(p) for p in paths]
    with _locked(_folder_of(paths, root)):
        out = []
        for path in paths:
            data = _read(path)
            out.append(Loaded(path, data, version_of(data)))
        return out


def load(path: Path) -> Loaded:
    """One file with its version."""
    return load_many([Path(path)])[0]


def save_many(
    changes: Mapping[Path, tuple[bytes, str]], root: Path | None = None
) -> dict[Path, str]:
    """Write ``{path: (data, expected_version)}`` of one folder (or of any folders below
    ``root``) all together, or nothing.

    Raises :class:`ConflictError` (writing nothing) if any file is no longer at its expected
    version. Returns each file's new version. Existing files keep their permission bits.
    """
    changes = {Path(p): change for p, change in changes.items()}
    paths = sorted(changes)  # the fixed order of the replacements
    if not paths:
        return {}
    folder = _folder_of(paths, root)
    with _locked(folder):
        for path in paths:
            current = version_of(_read(path))
            if current != changes[path][1]:
                raise ConflictError(path, changes[path][1], current)
        txn = secrets.token_hex(8)
        written: list[dict[str, str]] = []
        try:
            for path in paths:
                name = path.resolve().relative_to(folder).as_posix()
                new = folder / f".{name.replace('/', '~')}.kcm-txn-{txn}.new"
                data = changes[path][0]
                path.parent.mkdir(parents=True, exist_ok=True)
                _write_new(new, data, path)
                written.append({"name": name, "new": new.name, "version": version_of(data)})
            _fsync_dir(folder)
            document = json.dumps({"txn": txn, "files": written}, indent=1).encode()
        except BaseException:
            for entry in written:
                (folder / entry["new"]).unlink(missing_ok=True)
            raise
        atomic_write_bytes(folder / JOURNAL_NAME, document)  # the commit point
        _recover_locked(folder)  # step 3: the very code that finishes a killed save
    return {path: version_of(changes[path][0]) for path in paths}


def _write_new(new: Path, data: bytes, target: Path) -> None:
    fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(new, target.stat().st_mode & 0o7777)
    except BaseException:
        new.unlink(missing_ok=True)
        raise


def save(path: Path, data: bytes, expected_version: str) -> str:
    """Replace one file if it is still at ``expected_version``; returns the new version."""
    path = Path(path)
    return save_many({path: (data, expected_version)})[path]
