"""On-disk cache of earlier *online* geocoder answers, so the app stays offline-first.

A name the gazetteer lacks is geocoded online at most once (when online lookups are enabled);
afterwards the answer — with the service that gave it and when — is served from
``data/cache/geocode.sqlite`` (gitignored) even without a network.

Rules that keep the cache honest:

* Keys are ``normalize(query)``, so "Xankəndi" and "xankendi" share one entry.
* Only genuine answers are stored. A found place is a positive entry; a service that answered
  "nothing matches" is a *negative* entry (``found`` false) with its time and service, so it
  can be told apart and expire. Timeouts, outages, rate limits and rejected (out-of-region)
  answers are never written: they say nothing about the place.
* The store is SQLite (standard library) in WAL mode: every ``put`` is one upsert in its own
  transaction, so concurrent writers (several ``kcm geo`` processes, threads) lose nothing,
  and a process killed mid-write leaves every committed answer readable.
* Nothing read back is trusted blindly: a row with coordinates out of range, NaN, a ``found``
  that is not 0/1, undecodable text or a missing field is logged and treated as a miss.
* A damaged database (not SQLite, truncated, another program's schema) is reported, renamed
  ``geocode.sqlite.corrupt-<time>`` and replaced by a fresh one; a lookup never crashes on it.
* The JSON file of earlier versions (``geocode.json`` beside the database) is imported once,
  its valid entries kept, then renamed ``geocode.json.imported``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from src.geo.normalize import normalize

__all__ = [
    "DEFAULT_CACHE_PATH",
    "CacheEntry",
    "CacheError",
    "GeocodeCache",
    "InvalidEntry",
    "utc_now_iso",
]


log = logging.getLogger(__name__)
T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_PATH = REPO_ROOT / "data" / "cache" / "geocode.sqlite"
#: Name of the cache file beside a dataset (``DIR/cache/...``).
CACHE_FILENAME = DEFAULT_CACHE_PATH.name
#: The JSON cache of earlier versions, recognised by its ``format`` field.
LEGACY_FORMAT = "kcm-geocode-cache"
#: ``PRAGMA application_id`` of our databases ("KCMG"): tells them from other SQLite files.
APPLICATION_ID = 0x4B434D47
SCHEMA_VERSION = 1
#: How long a writer waits for another one's transaction before giving up (ms).
BUSY_TIMEOUT_MS = 15_000

_SCHEMA = """
CREATE TABLE entries (
    key TEXT PRIMARY KEY NOT NULL,
    query TEXT NOT NULL,
    found INTEGER NOT NULL CHECK (found IN (0, 1)),
    service TEXT NOT NULL,
    retrieved_at TEXT NOT NULL,
    lat REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    address TEXT NOT NULL DEFAULT '',
    kind TEXT
) STRICT
"""
_COLUMNS: tuple[str, ...] = (
    "key",
    "query",
    "found",
    "service",
    "retrieved_at",
    "lat",
    "lon",
    "address",
    "kind",
)
_UPSERT = (
    f"INSERT INTO entries ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
    "ON CONFLICT(key) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "key")
)
#: SQLite primary result codes that mean "this file is damaged or not a database".
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
#: … and that we may read but not write here (permissions, a read-only folder).
_NOT_WRITABLE_CODES = {3, 8, 14}  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601 with an explicit offset, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class CacheError(OSError):
    """The cache could not be opened or written. An OSError, so callers that already survive
    a failing disk (the chain keeps the answer and warns) survive this too."""


class InvalidEntry(ValueError):
    """A stored (or offered) entry that must not be served: says which field and why."""


class _WrongSchema(Exception):
    """A readable SQLite file that is not (this version of) our cache."""


def _real(value: Any, field_name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidEntry(f"{field_name} is not a number: {value!r}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidEntry(f"{field_name} {number!r} is outside [{low:g}, {high:g}]")
    return number


def _text(value: Any, field_name: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidEntry(f"{field_name} is not text: {value!r}")
    if required and not value.strip():
        raise InvalidEntry(f"{field_name} is empty")
    return value


def _found(value: Any) -> bool:
    """Only a real boolean (or SQLite's 0/1) counts; the string "false" is no hit."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise InvalidEntry(f"found is not a boolean: {value!r}")


@dataclass(frozen=True)
class CacheEntry:
    """One cached online answer. ``found`` False is a negative answer: the service had none."""

    query: str
    found: bool
    service: str
    retrieved_at: str
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    kind: str | None = None

    @property
    def key(self) -> str:
        return normalize(self.query)

    @classmethod
    def positive(
        cls,
        query: str,
        *,
        service: str,
        lat: float,
        lon: float,
        address: str = "",
        kind: str | None = None,
        retrieved_at: str | None = None,
    ) -> CacheEntry:
        return cls(
            query=query,
            found=True,
            service=service,
            retrieved_at=retrieved_at or utc_now_iso(),
            lat=float(lat),
            lon=float(lon),
            address=address,
            kind=kind,
        )

    @classmethod
    def negative(cls, query: str, *, service: str, retrieved_at: str | None = None) -> CacheEntry:
        return cls(
            query=query,
            found=False,
            service=service,
            retrieved_at=retrieved_at or utc_now_iso(),
        )

    def age_seconds(self, now: datetime | None = None) -> float:
        """Seconds since the service answered (0 if the stored time is unreadable)."""
        try:
            then = datetime.fromisoformat(self.retrieved_at)
        except ValueError:
            return 0.0
        if then.tzinfo is None:
            then = then.replace(tzinfo=UTC)
        return ((now or datetime.now(UTC)) - then).total_seconds()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CacheEntry:
        """A checked entry from stored fields; InvalidEntry names the first bad field.

        Whatever a disk, an old version or a hand edit left behind, an entry built here has
        real coordinates on the globe (if found), text where text belongs and a parseable time.
        """
        missing = [f for f in ("query", "found", "service", "retrieved_at") if f not in data]
        if missing:
            raise InvalidEntry(f"missing field(s): {', '.join(missing)}")
        found = _found(data["found"])
        retrieved_at = _text(data["retrieved_at"], "retrieved_at")
        try:
            datetime.fromisoformat(retrieved_at)
        except ValueError as exc:
            raise InvalidEntry(f"retrieved_at is not an ISO time: {retrieved_at!r}") from exc
        address = data.get("address")
        kind = data.get("kind")
        return cls(
            query=_text(data["query"], "query"),
            found=found,
            service=_text(data["service"], "service"),
            retrieved_at=retrieved_at,
            lat=_real(data.get("lat"), "lat", -90.0, 90.0) if found else None,
            lon=_real(data.get("lon"), "lon", -180.0, 180.0) if found else None,
            address="" if address is None else _text(address, "address", required=False),
            kind=_text(kind, "kind") if kind else None,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CacheEntry:
        """An entry of the old JSON cache (same fields), checked like a database row."""
        if not isinstance(data, dict):
            raise InvalidEntry(f"not an object: {data!r}")
        return cls.from_mapping(data)

    def checked(self) -> CacheEntry:
        """This entry if it may be stored; InvalidEntry (a ValueError) otherwise."""
        if not self.key:
            raise InvalidEntry(f"cannot cache an empty query: {self.query!r}")
        try:
            return CacheEntry.from_mapping(self.__dict__)
        except InvalidEntry as exc:
            raise InvalidEntry(f"cannot cache {self.query!r}: {exc}") from exc

    def row(self) -> tuple[Any, ...]:
        return (
            self.key,
            self.query,
            int(self.found),
            self.service,
            self.retrieved_at,
            self.lat,
            self.lon,
            self.address,
            self.kind,
        )


def _decode(raw: bytes) -> str | bytes:
    """SQLite text as str; undecodable bytes stay bytes so validation rejects that row
    instead of the whole query raising."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _code(exc: BaseException | None) -> int | None:
    """SQLite's primary result code of an sqlite3 error (None for anything else)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, _WrongSchema) or _code(exc) in _CORRUPT_CODES


def _stamp() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}"


def _unused(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3`` … if something is already there."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


class GeocodeCache:
    """The SQLite database of cached online answers; safe to share between threads and
    processes.

    ``path`` is the database file. A path ending in ``.json`` (the old cache's name) means the
    database beside it with the ``.sqlite`` suffix, and that JSON file is imported once.
    """

    def __init__(self, path: Path = DEFAULT_CACHE_PATH) -> None:
        path = Path(path)
        if path.suffix == ".json":
            path = path.with_suffix(".sqlite")
        self.path = path
        self.legacy_path = path.with_suffix(".json")
        self._lock = threading.Lock()
        self._checked = False
        self._unusable_reported = False

    @staticmethod
    def key(query: str) -> str:
        return normalize(query)

    # --- opening ------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # explicit BEGIN IMMEDIATE … COMMIT below
            check_same_thread=False,
        )
        conn.text_factory = _decode
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Pragmas for every connection; once per instance, first the checks that touch
        nothing (so another program's database is never converted), then the schema and the
        JSON import in one transaction."""
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not self._checked:
            # One read transaction: its statements see one snapshot. Read one by one, another
            # process's schema committing in between looked like "a table but no
            # application_id", another program's database, and a live cache was set aside.
            conn.execute("BEGIN")
            try:
                check = conn.execute("PRAGMA quick_check").fetchall()
                if check != [("ok",)]:
                    raise _WrongSchema(f"integrity check failed: {check[:3]}")
                self._is_new(conn)
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")
        self._ensure_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        if self._checked:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            if self._is_new(conn):  # asked again under the write lock: one creator wins
                conn.execute(_SCHEMA)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            retire = self._import_legacy(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if retire is not None:
            self._retire_legacy(retire)
        self._checked = True

    def _ensure_wal(self, conn: sqlite3.Connection) -> None:
        """Switch the file to WAL (a persistent setting, so normally a no-op read). The switch
        needs the file to itself and SQLite answers "locked" at once instead of waiting when
        another process has it open, so a new database shared at once is retried here."""
        if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            return
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
                break
            except sqlite3.OperationalError as exc:
                if _code(exc) not in _BUSY_CODES or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        if mode.lower() != "wal":
            log.warning("geocode cache %s: WAL mode unavailable (%s)", self.path, mode)

    def _is_new(self, conn: sqlite3.Connection) -> bool:
        """True for an empty (new or zero-byte) database, False for our cache; _WrongSchema
        for anything else."""
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
        if app_id == 0 and version == 0 and not tables:
            return True
        if app_id != APPLICATION_ID:
            raise _WrongSchema(f"not a geocode cache (application_id {app_id:#x})")
        if version != SCHEMA_VERSION:
            raise _WrongSchema(f"unknown cache schema version {version}")
        columns = tuple(str(r[1]) for r in conn.execute("PRAGMA table_info(entries)"))
        if columns != _COLUMNS:
            raise _WrongSchema(f"entries table has columns {columns}, expected {_COLUMNS}")
        return False

    def _import_legacy(self, conn: sqlite3.Connection) -> str | None:
        """Copy the valid entries of an old JSON cache into the open transaction; the suffix
        to rename it with afterwards (None: no file). Entries already in the database win."""
        legacy = self.legacy_path
        try:
            raw = legacy.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("old geocode cache %s cannot be read (%s); not imported", legacy, exc)
            return None
        try:
            document = json.loads(raw.decode("utf-8"))
            if not isinstance(document, dict) or document.get("format") != LEGACY_FORMAT:
                raise ValueError(f"not a {LEGACY_FORMAT} file")
            entries = document["entries"]
            if not isinstance(entries, dict):
                raise ValueError("its entries are not an object")
        except (ValueError, KeyError, RecursionError) as exc:
            log.warning("old geocode cache %s is unreadable (%s); nothing imported", legacy, exc)
            return f".corrupt-{_stamp()}"
        kept = 0
        for key, value in entries.items():
            try:
                entry = CacheEntry.from_json(value).checked()
            except InvalidEntry as exc:
                log.warning("old geocode cache %s: entry %r skipped: %s", legacy, key, exc)
                continue
            conn.execute(
                f"INSERT INTO entries ({', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT(key) DO NOTHING",
                entry.row(),
            )
            kept += 1
        log.warning(
            "imported %d of %d entries of the old geocode cache %s into %s",
            kept,
            len(entries),
            legacy,
            self.path,
        )
        return ".imported"

    def _retire_legacy(self, suffix: str) -> None:
        """Rename the old JSON aside (kept, never deleted) once its import has committed."""
        legacy = self.legacy_path
        try:
            target = _unused(legacy.with_name(legacy.name + suffix))
            os.replace(legacy, target)
        except FileNotFoundError:
            pass  # another process imported and retired it first
        except OSError as exc:
            log.warning("could not rename imported %s aside: %s", legacy, exc)

    def _set_aside(self, reason: BaseException) -> None:
        """Move a damaged database (and its WAL) out of the way, so a fresh one can start."""
        aside = _unused(self.path.with_name(f"{self.path.name}.corrupt-{_stamp()}"))
        log.warning(
            "geocode cache %s is unreadable (%s); moving it to %s", self.path, reason, aside
        )
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm", "-journal"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                try:
                    os.replace(side, aside.with_name(aside.name + suffix))
                except OSError as exc:
                    log.warning("could not move %s aside: %s", side, exc)
        self._checked = False

    def _open(self) -> sqlite3.Connection:
        """A connection with pragmas set and the schema checked, or an sqlite3/_WrongSchema
        error; a CacheError if the path cannot hold a database at all."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"geocode cache {self.path} cannot be created: {exc}") from exc
        if self.path.is_dir():
            raise CacheError(f"geocode cache {self.path} is a directory, not a database")
        conn = self._connect()
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _run(self, operation: Callable[[sqlite3.Connection], T]) -> T:
        """``operation`` on a fresh connection. A corrupt database is set aside once and the
        operation retried on a new one; any other failure is a CacheError naming the file."""
        for attempt in (1, 2):
            try:
                with closing(self._open()) as conn:
                    return operation(conn)
            except (sqlite3.Error, _WrongSchema) as exc:
                if attempt == 1 and _is_corrupt(exc):
                    try:
                        self._set_aside(exc)
                    except OSError as move_error:
                        raise CacheError(
                            f"geocode cache {self.path} is unreadable ({exc}) "
                            f"and cannot be moved aside: {move_error}"
                        ) from exc
                    continue
                raise CacheError(f"geocode cache {self.path}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        """``query`` through :meth:`_run`; if the database cannot be opened for writing (a
        read-only folder or file), read its main file as immutable instead, so earlier answers
        still serve (SQLite cannot even read a WAL database read-only without its -shm file,
        which such a folder cannot hold; answers only in a left-over WAL are not seen)."""
        try:
            return self._run(query)
        except CacheError as exc:
            if _code(exc.__cause__) not in _NOT_WRITABLE_CODES or not self.path.is_file():
                raise  # a busy or damaged database is not read behind the writers' backs
            try:
                conn = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                    uri=True,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    check_same_thread=False,
                )
                conn.text_factory = _decode
                with closing(conn):
                    if self._is_new(conn):
                        raise exc
                    return query(conn)
            except (sqlite3.Error, _WrongSchema):
                raise exc from None

    def _exists(self) -> bool:
        return self.path.exists() or self.legacy_path.exists()

    # --- the public API -------------------------------------------------------------------------

    def get(self, query: str) -> CacheEntry | None:
        """The cached answer for ``query`` (positive or negative), or None if never asked.

        Never raises for a bad store: an unusable database or an invalid row is logged and
        answered as a miss, so the caller falls back to the gazetteer's suggestions.
        """
        key = self.key(query)
        if not key:
            return None
        with self._lock:
            if not self._exists():
                return None  # do not create a database just to find it empty
            try:
                row = self._read(
                    lambda conn: conn.execute(
                        f"SELECT {', '.join(_COLUMNS)} FROM entries WHERE key = ?", (key,)
                    ).fetchone()
                )
            except OSError as exc:
                self._report_unusable(exc)
                return None
        if row is None:
            return None
        return self._entry(row)

    def _entry(self, row: tuple[Any, ...]) -> CacheEntry | None:
        fields = dict(zip(_COLUMNS, row, strict=True))
        try:
            return CacheEntry.from_mapping(fields)
        except InvalidEntry as exc:
            log.warning(
                "geocode cache %s: ignoring invalid entry %r: %s", self.path, fields["key"], exc
            )
            return None

    def _report_unusable(self, exc: OSError) -> None:
        if not self._unusable_reported:
            log.warning("%s; answering without the cache", exc)
            self._unusable_reported = True

    def put(self, entry: CacheEntry) -> None:
        """Store ``entry``: one upsert in one transaction, durable when this returns.

        Raises ValueError for an entry that must not be stored (empty query, coordinates
        off the globe …) and CacheError (an OSError) if the database cannot be written; then
        the database is unchanged.
        """
        row = entry.checked().row()

        def upsert(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(_UPSERT, row)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        with self._lock:
            self._run(upsert)

    def entries(self) -> dict[str, CacheEntry]:
        """Every valid entry by key (invalid rows are logged and left out)."""
        with self._lock:
            if not self._exists():
                return {}
            try:
                rows = self._read(
                    lambda conn: conn.execute(
                        f"SELECT {', '.join(_COLUMNS)} FROM entries"
                    ).fetchall()
                )
            except OSError as exc:
                self._report_unusable(exc)
                return {}
        found = {str(row[0]): self._entry(row) for row in rows}
        return {key: entry for key, entry in found.items() if entry is not None}

    def __len__(self) -> int:
        return len(self.entries())
