"""Reading and writing the dataset's CSV files without losing or inventing anything.

Every cell is read as text (no NA guessing, no number coercion) and every row keeps the line
number it started on in the file, so a validation error can name ``file:line``. Writes go to a
temporary file that replaces the target only once it is complete; a write killed half-way
leaves the old target and a recognisable temp, which the next write to that target removes.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import re
import secrets
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located precisely enough to fix it by hand."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass
class RawTable:
    """A CSV file as text: ``frame`` is indexed by the line each row starts on."""

    path: Path
    header: list[str]
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


#: The longest field read (16 MiB): far above any real quote or summary (the longest is a few
#: hundred characters), low enough that a runaway unclosed quote is reported, not swallowed.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024


def _unreadable(path: Path, name: str) -> Problem | None:
    """Why ``path`` cannot be read as a file at all, or None if it can be tried."""
    if path.is_dir():
        return Problem(name, 0, "-", "is a directory, not a file")
    if not path.exists():
        return Problem(name, 0, "-", "file not found")
    if not path.is_file():
        return Problem(name, 0, "-", "is not a regular file")
    return None


def _read_text(path: Path, name: str) -> str | Problem:
    """The file's text (a leading byte-order mark dropped), or the problem reading it."""
    unreadable = _unreadable(path, name)
    if unreadable is not None:
        return unreadable
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Problem(name, 0, "-", "file not found")
    except IsADirectoryError:
        return Problem(name, 0, "-", "is a directory, not a file")
    except PermissionError:
        return Problem(name, 0, "-", "cannot be read (permission denied)")
    except UnicodeDecodeError as exc:
        return Problem(name, 0, "-", f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        return Problem(name, 0, "-", f"cannot be read ({exc.strerror or exc})")


def _header_problems(name: str, header: list[str]) -> list[Problem]:
    """Blank and repeated column names: either would make the columns ambiguous."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for i, column in enumerate(header, start=1):
        if not column:
            what = "a trailing delimiter?" if i == len(header) else "fill in its name"
            problems.append(Problem(name, 1, "-", f"column {i} has no name ({what})"))
        elif column in first:
            problems.append(
                Problem(name, 1, column, f"duplicate column (columns {first[column]} and {i})")
            )
        else:
            first[column] = i
    return problems


def _empty(name: str) -> Problem:
    return Problem(name, 1, "-", "file is empty (no header row)")


def _csv_error(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"a field is longer than {FIELD_SIZE_LIMIT // (1024 * 1024)} MiB (unclosed quote?)"
    return f"malformed CSV: {exc}"


def read_raw(path: Path) -> RawTable:
    """Read a CSV as strings; rows with the wrong number of fields become problems, not data.

    Whatever is wrong with the file itself (absent, a directory, unreadable, not UTF-8, a blank
    or repeated column name) is a problem at line 0 or 1, never an exception, and leaves an
    empty frame so no check runs on ambiguous columns.
    """
    name = display_path(path)
    text = _read_text(path, name)
    if isinstance(text, Problem):
        return RawTable(path, [], pd.DataFrame(), [text])

    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if not header:
                header = [h.strip() for h in record]
            elif not (record and record[0].strip()) and not any(c.strip() for c in record):
                pass  # blank line (a first cell with text settles it at once)
            elif len(record) != len(header):
                problems.append(
                    Problem(
                        name,
                        start,
                        "-",
                        f"row has {len(record)} fields, the header has {len(header)}",
                    )
                )
            else:
                rows.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, "-", _csv_error(exc)))
    if not header:
        return RawTable(path, [], pd.DataFrame(), [*problems, _empty(name)])
    if not any(header):
        blank = Problem(name, 1, "-", "the header row has no column names")
        return RawTable(path, [], pd.DataFrame(), [*problems, blank])
    ambiguous = _header_problems(name, header)
    if ambiguous:
        return RawTable(path, header, pd.DataFrame(), ambiguous + problems)
    return RawTable(path, header, text_frame(header, rows, lines), problems)


def text_frame(header: list[str], rows: list[list[str]], lines: list[int]) -> pd.DataFrame:
    """Rows of text cells as a frame of ``string`` columns indexed by ``line``, built column by
    column through Arrow (a frame of the lists, then ``astype``, checks every cell in Python)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    dtype = pd.StringDtype("pyarrow")
    data = {
        h: pd.array(pa.array(c, type=pa.large_string()), dtype=dtype)
        for h, c in zip(header, columns, strict=True)
    }
    return pd.DataFrame(data, index=pd.Index(lines, name="line"), columns=header)


#: Temporary files: ``.<target>.kcm-<pid>-<random>.tmp`` next to the target, so a person can
#: tell whose they are and the next write to the same target can find its predecessors' leftovers.
TEMP_MARK = ".kcm-"
TEMP_SUFFIX = ".tmp"
_TEMP_TAIL = re.compile(r"(?P<pid>\d+)-[0-9a-f]{12}" + re.escape(TEMP_SUFFIX))
#: A temp whose pid is alive is still removed once this old: the pid was reused (a real write
#: takes milliseconds; the bytes are complete before the temp is opened).
STALE_AFTER_S = 600.0


def temp_files(target: Path) -> list[Path]:
    """Every temporary file that a write to ``target`` made (live or left behind by a kill)."""
    target = Path(target)
    prefix = f".{target.name}{TEMP_MARK}"
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return [
        target.parent / n
        for n in names
        if n.startswith(prefix) and _TEMP_TAIL.fullmatch(n[len(prefix) :])
    ]


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _writer_gone(tmp: Path, now: float) -> bool:
    """Whether nobody is writing ``tmp`` any more: its lock is free (writers hold one for the
    file's whole life) and its pid is dead or the file is too old to be that pid's."""
    match = _TEMP_TAIL.search(tmp.name)
    if match is None:
        return False
    try:
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return False  # a live writer holds it
        if not _pid_alive(int(match.group("pid"))):
            return True
        return now - os.fstat(fd).st_mtime > STALE_AFTER_S
    finally:
        os.close(fd)


def remove_stale_temps(target: Path) -> list[Path]:
    """Delete what killed writes to ``target`` left behind; never a live writer's file."""
    now = time.time()
    removed = []
    for tmp in temp_files(target):
        if _writer_gone(tmp, now):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed.append(tmp)
    return removed


def _open_temp(directory: Path, name: str) -> tuple[int, Path]:
    """A new, exclusively created temporary file next to the target, opened for writing and
    locked (so :func:`remove_stale_temps` knows its writer is alive until it closes it).

    Created with mode 0o666 so the umask decides its permissions, as for any new file (mkstemp
    would make it 0600, and ``os.replace`` would hand that mode on to the target).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = directory / f".{name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, tmp
    raise FileExistsError(f"no free temporary name for {name} in {directory}")


def atomic_write_bytes(
    path: Path, data: bytes | memoryview, *, check: Callable[[Path], object] | None = None
) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never a mix.

    The temporary file lives in the target directory (``os.replace`` is atomic only within
    one filesystem) and is removed if anything fails before the swap; temps that killed
    earlier writes left are removed first. An existing target keeps its permission bits; a
    new one gets the umask's default. ``check`` is called with the complete temporary file
    before the swap: if it raises, the target stays untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = _open_temp(path.parent, path.name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            if check is not None:
                check(tmp)
            os.replace(tmp, path)  # still locked: nobody takes it for a leftover meanwhile
        _fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable (the directory entry, not just the data, must reach the disk)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(
    path: Path, text: str, *, check: Callable[[Path], object] | None = None
) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text (newlines written as given)."""
    atomic_write_bytes(path, text.encode("utf-8"), check=check)


def write_csv_atomic(
    frame: pd.DataFrame, path: Path, *, check: Callable[[Path], object] | None = None
) -> None:
    """Write ``frame`` to ``path`` so a reader never sees half a file, even on a crash."""
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"), check=check)
