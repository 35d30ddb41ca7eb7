"""The SQLite geocode cache under concurrency, kills, damaged files, hostile rows and the
upgrade from the JSON cache. No network: only the offline gazetteer and stored rows."""

from __future__ import annotations

import json
import logging
import math
import multiprocessing
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from src.dataset import load_places
from src.geo.cache import APPLICATION_ID, SCHEMA_VERSION, CacheEntry, GeocodeCache
from src.geo.chain import build_chain
from src.geo.gazetteer import Gazetteer, PlaceNotFound
from src.geo.result import GeoResult, Provenance

REPO = Path(__file__).resolve().parents[1]
FIXTURE_PLACES = REPO / "tests" / "fixtures" / "geo" / "places.csv"
PYTHON = sys.executable


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_frame(load_places(FIXTURE_PLACES))


def martakert(lat: float = 40.21, lon: float = 46.81) -> CacheEntry:
    return CacheEntry.positive("Martakert", service="nominatim", lat=lat, lon=lon)


def warnings_of(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


# --- several processes at once -------------------------------------------------------------


def _write_many(path: str, writer: int, count: int, start: Any) -> None:
    cache = GeocodeCache(Path(path))
    start.wait()  # all writers begin together, so their transactions really overlap
    for i in range(count):
        cache.put(
            CacheEntry.positive(
                f"place {writer} {i}", service="nominatim", lat=40 + i / 100, lon=46 + writer / 10
            )
        )


def test_four_processes_lose_no_entry(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    writers, per_writer = 4, 50
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(writers)
    procs = [
        ctx.Process(target=_write_many, args=(str(path), w, per_writer, start))
        for w in range(writers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0] * writers

    entries = GeocodeCache(path).entries()
    expected = {f"place {w} {i}" for w in range(writers) for i in range(per_writer)}
    assert {entry.query for entry in entries.values()} == expected  # 200 of 200, 0 lost
    assert len(entries) == writers * per_writer
    assert entries["place 3 49"].lat == pytest.approx(40.49)


# --- killed while writing ------------------------------------------------------------------

_WRITER = """
import sys
import tempfile
import traceback
from pathlib import Path
from src.geo.cache import CacheEntry, GeocodeCache

cache = GeocodeCache(Path(sys.argv[1]))
i = 0
while True:
    cache.put(CacheEntry.positive(f"{sys.argv[2]} {i}", service="nominatim", lat=40, lon=46))
    print(i, flush=True)  # printed only once the put has committed
    i += 1
"""


def _run_and_kill(path: Path, prefix: str, after_lines: int) -> list[int]:
    """Start a writer, SIGKILL it after it reported ``after_lines`` commits; every index it
    reported as committed."""
    proc = subprocess.Popen(
        [PYTHON, "-c", _WRITER, str(path), prefix],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    committed: list[int] = []
    for line in proc.stdout:
        committed.append(int(line))
        if len(committed) >= after_lines:
            break
    proc.send_signal(signal.SIGKILL)
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, err
    committed.extend(int(line) for line in rest.split())
    return committed


def test_kill_during_writes_keeps_every_committed_entry(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    rng = random.Random(9)
    reported: list[str] = []
    for run in range(5):
        committed = _run_and_kill(path, f"run{run}", after_lines=rng.randint(1, 40))
        assert committed, "the writer committed nothing before the kill"
        reported += [f"run{run} {i}" for i in committed]

    cache = GeocodeCache(path)
    queries = {entry.query for entry in cache.entries().values()}
    assert set(reported) <= queries
    assert all(cache.get(query) is not None for query in reported)
    cache.put(martakert())  # still writable after five kills
    assert cache.get("Martakert") is not None
    # The last connection checkpoints the WAL: nothing is left beside the database.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["geocode.sqlite"]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# --- damaged files -------------------------------------------------------------------------


def _valid_database(path: Path) -> bytes:
    cache = GeocodeCache(path)
    for i in range(40):
        cache.put(CacheEntry.positive(f"filler {i}", service="nominatim", lat=40, lon=46))
    return path.read_bytes()


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _truncated(path: Path) -> None:
    data = _valid_database(path)
    path.write_bytes(data[: len(data) // 2])


def _header_only(path: Path) -> None:
    path.write_bytes(_valid_database(path)[:100])


def _other_program(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.commit()


def _future_version(path: Path) -> None:
    _valid_database(path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def _other_columns(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, answer TEXT)")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.commit()


SET_ASIDE: dict[str, Callable[[Path], None]] = {
    "garbage bytes": _garbage,
    "truncated": _truncated,
    "header only": _header_only,
    "another program's database": _other_program,
    "newer schema version": _future_version,
    "wrong columns": _other_columns,
}


@pytest.mark.parametrize("damage", SET_ASIDE.values(), ids=SET_ASIDE.keys())
def test_damaged_database_is_reported_set_aside_and_rebuilt(
    tmp_path: Path, gaz: Gazetteer, caplog: pytest.LogCaptureFixture, damage: Any
) -> None:
    path = tmp_path / "geocode.sqlite"
    damage(path)
    damaged = path.read_bytes()
    chain = build_chain(gaz, env={}, cache=path)

    assert chain.lookup("Khankendi").place_id == "stepanakert"  # gazetteer first, untouched
    with pytest.raises(PlaceNotFound):
        chain.lookup("Martakert")  # a miss, never a traceback
    assert str(path) in warnings_of(caplog)
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("geocode.sqlite.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == damaged  # kept for inspection, not deleted

    GeocodeCache(path).put(martakert())  # a fresh database took its place
    assert chain.lookup("Martakert").provenance.source == "cache"


def test_zero_byte_file_is_an_empty_cache(tmp_path: Path, gaz: Gazetteer) -> None:
    path = tmp_path / "geocode.sqlite"
    path.write_bytes(b"")
    cache = GeocodeCache(path)
    assert cache.get("Martakert") is None
    cache.put(martakert())
    assert build_chain(gaz, env={}, cache=path).lookup("Martakert").lat == 40.21
    assert not [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


def _under_a_file(path: Path) -> Path:
    path.write_text("a file where the cache folder should be")
    return path / "geocode.sqlite"


UNUSABLE: dict[str, Callable[[Path], Path]] = {
    "a directory at the path": _directory,
    "the path under a file": _under_a_file,
}


@pytest.mark.parametrize("make", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_path_answers_from_the_gazetteer(
    tmp_path: Path, gaz: Gazetteer, make: Any
) -> None:
    path = make(tmp_path / "geocode.sqlite")
    chain = build_chain(gaz, env={}, cache=path)
    assert chain.lookup("Khankendi").place_id == "stepanakert"
    with pytest.raises(PlaceNotFound):
        chain.lookup("Martakert")
    with pytest.raises(OSError, match=re.escape(str(path))):
        GeocodeCache(path).put(martakert())
    assert GeocodeCache(path).entries() == {}


def _as_unprivileged_user(check: Callable[[], None]) -> None:
    """Run ``check`` where a read-only folder really is read-only: as is, or, for root (who
    writes anywhere, as in CI containers), in a forked child that has dropped to ``nobody``."""
    if os.geteuid() != 0:
        check()
        return
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            check()
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the check failed as user nobody (see stderr)"


def test_read_only_folder_answers_from_the_gazetteer_and_the_cache(
    gaz: Gazetteer, caplog: pytest.LogCaptureFixture
) -> None:
    # Not tmp_path: its parents are private to the user running pytest, which nobody cannot enter.
    folder = Path(tempfile.mkdtemp(prefix="kcm-readonly-")) / "cache"
    folder.mkdir()
    folder.parent.chmod(0o755)
    good, damaged = folder / "geocode.sqlite", folder / "damaged.sqlite"
    GeocodeCache(good).put(martakert())
    damaged.write_bytes(os.urandom(2048))  # and it cannot even be moved aside
    for path in (good, damaged):
        path.chmod(0o644)
    folder.chmod(0o555)

    def check() -> None:
        chain = build_chain(gaz, env={}, cache=good)
        assert chain.lookup("Khankendi").place_id == "stepanakert"
        assert chain.lookup("Martakert").provenance.source == "cache"  # read-only, still served
        with pytest.raises(OSError, match=re.escape(str(good))):
            GeocodeCache(good).put(CacheEntry.negative("Nowhere", service="nominatim"))

        chain = build_chain(gaz, env={}, cache=damaged)
        with pytest.raises(PlaceNotFound):
            chain.lookup("Martakert")
        with pytest.raises(OSError, match=re.escape(str(damaged))):
            GeocodeCache(damaged).put(martakert())
        assert str(damaged) in warnings_of(caplog)
        assert sorted(p.name for p in folder.iterdir()) == ["damaged.sqlite", "geocode.sqlite"]

    try:
        _as_unprivileged_user(check)
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder.parent)


# --- rows that must never be served ----------------------------------------------------------


def _loose_database(path: Path) -> sqlite3.Connection:
    """Our schema without its types and checks, as another tool or a hand edit might leave."""
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE entries (key, query, found, service, retrieved_at, lat, lon, address, kind)"
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return conn


NOW = "2023-09-19T10:00:00+00:00"
GOOD = {
    "key": "martakert",
    "query": "Martakert",
    "found": 1,
    "service": "nominatim",
    "retrieved_at": NOW,
    "lat": 40.21,
    "lon": 46.81,
    "address": "Aghdara",
    "kind": None,
}
BAD_ROWS: dict[str, dict[str, Any]] = {
    "lat 999": {"lat": 999.0},
    "lat -90.5": {"lat": -90.5},
    "lon -500": {"lon": -500.0},
    "lon 180.01": {"lon": 180.01},
    "lat NaN (stored as NULL)": {"lat": math.nan},
    "lon inf": {"lon": math.inf},
    "lat as text": {"lat": "40.2"},
    "lat missing": {"lat": None},
    'found "false"': {"found": "false"},
    'found "true"': {"found": "true"},
    "found 2": {"found": 2},
    "found 1.0": {"found": 1.0},
    "found NULL": {"found": None},
    "query NULL": {"query": None},
    "service empty": {"service": ""},
    "retrieved_at not a time": {"retrieved_at": "yesterday"},
    "query invalid UTF-8": {"query": b"Martak\xffert"},
    "address invalid UTF-8": {"address": b"\xc3("},
    "kind a number": {"kind": 7},
}


def _insert(conn: sqlite3.Connection, row: dict[str, Any]) -> None:
    values = [row[c] for c in GOOD]
    marks = ", ".join("CAST(? AS TEXT)" if isinstance(v, bytes) else "?" for v in values)
    conn.execute(f"INSERT INTO entries VALUES ({marks})", values)


@pytest.mark.parametrize("change", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_invalid_row_is_a_logged_miss(
    tmp_path: Path, gaz: Gazetteer, caplog: pytest.LogCaptureFixture, change: dict[str, Any]
) -> None:
    path = tmp_path / "geocode.sqlite"
    with closing(_loose_database(path)) as conn:
        _insert(conn, {**GOOD, **change})
        _insert(conn, {**GOOD, "key": "askeran", "query": "Askeran"})
        conn.commit()
    cache = GeocodeCache(path)

    assert cache.get("Martakert") is None
    assert "invalid entry 'martakert'" in warnings_of(caplog)
    assert str(path) in warnings_of(caplog)
    with pytest.raises(PlaceNotFound):
        build_chain(gaz, env={}, cache=path).lookup("Martakert")
    assert cache.get("Askeran") is not None  # the valid row next to it is still served
    assert set(cache.entries()) == {"askeran"}


def test_negative_row_never_carries_coordinates(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    with closing(_loose_database(path)) as conn:
        _insert(conn, {**GOOD, "found": 0, "lat": 999.0})
        conn.commit()
    entry = GeocodeCache(path).get("Martakert")
    assert entry is not None
    assert (entry.found, entry.lat, entry.lon) == (False, None, None)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(math.nan, 46.8), (40.2, math.inf), (91.0, 46.8), (40.2, -180.5)],
)
def test_put_refuses_coordinates_off_the_globe(tmp_path: Path, lat: float, lon: float) -> None:
    cache = GeocodeCache(tmp_path / "geocode.sqlite")
    with pytest.raises(ValueError, match="cannot cache 'Martakert'"):
        cache.put(martakert(lat, lon))
    assert cache.get("Martakert") is None


def _no_constants(name: str) -> Any:
    raise AssertionError(f"bare {name} in JSON output")


def test_cli_json_never_prints_nan(tmp_path: Path) -> None:
    from io import StringIO

    from src.geo.__main__ import main

    path = tmp_path / "geocode.sqlite"
    with closing(_loose_database(path)) as conn:
        _insert(conn, {**GOOD, "lat": math.nan})
        # a name GeoNames' regional layer lacks, so the cache answers it
        _insert(conn, {**GOOD, "key": "hadrut", "query": "Hadrut"})
        conn.commit()
    base = ["--places", str(FIXTURE_PLACES), "--cache", str(path), "--json"]
    out, err = StringIO(), StringIO()
    assert main(["lookup", "Martakert", *base], stdout=out, stderr=err, env={}) == 1
    assert "NaN" not in out.getvalue()
    out = StringIO()
    assert main(["lookup", "Hadrut", *base], stdout=out, stderr=err, env={}) == 0
    data = json.loads(out.getvalue(), parse_constant=_no_constants)
    assert data["provenance"]["source"] == "cache"  # the valid row is served, as JSON
    assert (data["lat"], data["lon"]) == (40.21, 46.81)


def test_result_json_refuses_nan() -> None:
    result = GeoResult("x", None, math.nan, 46.0, None, "near", Provenance("cache"))
    with pytest.raises(ValueError, match="not JSON compliant"):
        result.to_json()


# --- the upgrade from geocode.json ---------------------------------------------------------


def _legacy(path: Path, entries: dict[str, Any]) -> None:
    document = {"format": "kcm-geocode-cache", "version": 1, "entries": entries}
    path.write_text(json.dumps(document), encoding="utf-8")


def test_old_json_cache_is_imported_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    legacy = tmp_path / "geocode.json"
    _legacy(
        legacy,
        {
            "martakert": {**GOOD, "found": True},
            "nowhere": {
                "query": "Nowhere",
                "found": False,
                "service": "photon",
                "retrieved_at": NOW,
                "lat": None,
                "lon": None,
            },
            "far": {**GOOD, "query": "Far", "lat": 999.0, "found": True},
            "fake": {**GOOD, "query": "Fake", "found": "false"},
            "broken": "not an object",
        },
    )
    original = legacy.read_bytes()
    cache = GeocodeCache(tmp_path / "geocode.sqlite")

    hit = cache.get("Martakert")
    assert hit is not None
    assert (hit.lat, hit.lon, hit.service, hit.retrieved_at) == (40.21, 46.81, "nominatim", NOW)
    negative = cache.get("Nowhere")
    assert negative is not None
    assert negative.found is False
    assert set(cache.entries()) == {"martakert", "nowhere"}  # invalid ones left behind
    assert "imported 2 of 5 entries" in warnings_of(caplog)
    assert not legacy.exists()
    assert (tmp_path / "geocode.json.imported").read_bytes() == original

    # Once only: a newer answer is not overwritten by the old file on the next open.
    cache.put(martakert(40.3, 46.9))
    again = GeocodeCache(tmp_path / "geocode.sqlite").get("Martakert")
    assert again is not None
    assert again.lat == 40.3


def test_old_json_path_names_the_database_beside_it(tmp_path: Path, gaz: Gazetteer) -> None:
    legacy = tmp_path / "geocode.json"
    _legacy(legacy, {"martakert": {**GOOD, "found": True}})
    chain = build_chain(gaz, env={}, cache=legacy)  # an old --cache value keeps working
    assert chain.lookup("Martakert").provenance.source == "cache"
    assert (tmp_path / "geocode.sqlite").exists()
    assert (tmp_path / "geocode.json.imported").exists()


def test_database_entries_win_over_the_old_json(tmp_path: Path) -> None:
    GeocodeCache(tmp_path / "geocode.sqlite").put(martakert(40.3, 46.9))
    _legacy(tmp_path / "geocode.json", {"martakert": {**GOOD, "found": True}})
    entry = GeocodeCache(tmp_path / "geocode.sqlite").get("Martakert")
    assert entry is not None
    assert entry.lat == 40.3


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"format": "kcm-geocode-cache", "entries": {"a\xff": 1}}',
        b"[1, 2]",
        b"[" * 200_000,
    ],
    ids=["not JSON", "invalid UTF-8", "not the cache format", "nested too deep"],
)
def test_unreadable_old_json_is_set_aside_without_a_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    legacy = tmp_path / "geocode.json"
    legacy.write_bytes(content)
    cache = GeocodeCache(tmp_path / "geocode.sqlite")
    assert cache.get("Martakert") is None
    assert str(legacy) in warnings_of(caplog)
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("geocode.json.corrupt-")]
    assert [p.read_bytes() for p in aside] == [content]
    cache.put(martakert())
    assert cache.get("Martakert") is not None
