"""A validated dataset's typed frames, kept on disk so a restart does not re-validate every row.

Validating a million CSV rows takes minutes; mapping the frames it produced back into memory
takes milliseconds. The snapshot is only ever a copy of what validation produced from exactly
these bytes: its key is the SHA-256 of every file the load read (plus the schema, so a new
column or rule invalidates it), stored in each file's metadata and checked on every read with
the columns and the Arrow structure (offsets, UTF-8). A file edited by hand changes the key, so
nothing stale is served; a damaged, partial or foreign snapshot is ignored, and the next
validated load rebuilds it. Each table is one uncompressed Arrow IPC file under ``DIR/cache/``
(written atomically by ``csvio.atomic_write_bytes``), memory-mapped when read: the text columns
stay in the page cache, shared by every app process on the machine, instead of being copied.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from src.csvio import atomic_write_bytes
from src.schema import TABLES, TableSpec

__all__ = [
    "FORMAT",
    "Snapshot",
    "digest_files",
    "read_snapshot",
    "snapshot_key",
    "snapshot_path",
    "write_snapshot",
]

log = logging.getLogger(__name__)

#: Bumped when what a snapshot holds changes (its layout or the frames' dtypes).
FORMAT = 1
#: Where a dataset folder's snapshots live (beside the geocode cache, gitignored).
CACHE_DIR = "cache"
_KEY = b"kcm_snapshot"


def snapshot_key(digests: Mapping[str, str | None]) -> str:
    """The snapshot key: every file's digest (None: absent), the schema and the format."""
    digest = hashlib.sha256(f"kcm-snapshot {FORMAT}\n{TABLES!r}\n".encode())
    for name in sorted(digests):
        digest.update(f"{name}={digests[name]}\n".encode())
    return digest.hexdigest()


def _feed(path: Path, digest: hashlib._Hash) -> str | None:
    """Hash a regular file's bytes into ``digest`` (memory-mapped: no copy) and return "";
    None if there is no file, or what else is there (never opened: a FIFO would block)."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(mode):
        return f"not a regular file ({stat.filemode(mode)})"
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > 0:
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    digest.update(mapped)  # one call: hashlib releases the GIL for it
    except FileNotFoundError:
        return None
    except OSError as exc:  # unreadable: validation reports it; the key just differs
        return f"unreadable ({exc.strerror})"
    return ""


def digest_files(
    paths: Mapping[str, Path], version_of: Iterable[str]
) -> tuple[dict[str, str | None], str]:
    """(what the snapshot key covers, the data version), reading each byte once.

    The version is the SHA-256 of the ``version_of`` tables' bytes in that order, shortened,
    as the app has always shown it; other files (stated_distances) get a digest each. An
    absent file is None.
    """
    version = hashlib.sha256()
    ordered = list(version_of)
    found: dict[str, str | None] = {n: _feed(paths[n], version) for n in ordered}
    for name in sorted(set(paths) - set(ordered)):
        own = hashlib.sha256()
        fed = _feed(paths[name], own)
        found[name] = own.hexdigest() if fed == "" else fed
    full = version.hexdigest()
    found["version"] = full
    return found, full[:12]


def snapshot_path(data_dir: Path, spec: TableSpec) -> Path:
    return Path(data_dir) / CACHE_DIR / f"snapshot.{spec.name}.arrow"


def write_snapshot(data_dir: Path, key: str, frames: Mapping[str, pd.DataFrame]) -> bool:
    """Store each frame under the key; False (and a log line) if the folder is not writable:
    the app still works, it just validates again next time."""
    try:
        for name, frame in frames.items():
            spec = next(s for s in TABLES if s.name == name)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            table = table.replace_schema_metadata({**table.schema.metadata, _KEY: key})
            sink = pa.BufferOutputStream()
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            atomic_write_bytes(snapshot_path(data_dir, spec), memoryview(sink.getvalue()))
    except OSError as exc:
        log.warning("snapshot of %s not written (%s); the next load validates again", data_dir, exc)
        return False
    return True


def _read_one(path: Path, columns: list[str]) -> tuple[bytes, pd.DataFrame] | None:
    try:
        # not closed here: the frame's text columns point into the mapping, which lives as
        # long as they do
        table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
        key = (table.schema.metadata or {}).get(_KEY)
        if key is None or table.column_names != columns:
            return None  # not ours, or made under another schema
        table.validate(full=True)  # offsets in bounds, valid UTF-8: a damaged file fails here
        frame: pd.DataFrame = table.to_pandas()
    except FileNotFoundError:
        return None
    except (OSError, pa.ArrowException, ValueError) as exc:
        log.warning("snapshot %s unreadable (%s): validating the CSV files again", path, exc)
        return None
    return key, frame


def read_snapshot(data_dir: Path, specs: Iterable[TableSpec]) -> Snapshot | None:
    """Every table's frame, if each snapshot file is there, intact, of the schema's columns
    and made under one key. The caller compares that key with the files' (``snapshot_key``)."""
    frames: dict[str, pd.DataFrame] = {}
    keys = set()
    for spec in specs:
        found = _read_one(snapshot_path(data_dir, spec), ["line", *spec.column_names])
        if found is None:
            return None
        keys.add(found[0])
        frames[spec.name] = found[1]
    if len(keys) != 1:
        return None  # a set from two loads (one killed half-way through writing)
    return Snapshot(keys.pop().decode(), frames)


@dataclass(frozen=True)
class Snapshot:
    """The frames of one snapshot and the key they were stored under."""

    key: str
    frames: dict[str, pd.DataFrame]
