"""Import bench: a synthetic ACLED export of 10k and 100k rows, imported and loaded.

Run from the repository root:

    .venv/bin/python -m bench.bench_import              # 10k and 100k rows
    .venv/bin/python -m bench.bench_import --rows 5000  # other sizes

For each size it writes an ACLED "current" CSV (500 locations, a fifth of the rows at
gazetteer places with agreeing coordinates, notes with quotes and commas) into a temporary
copy of the bundled data folder, then times ``plan_import`` (read, map, validate, merge),
``apply_import`` (the atomic save), a re-import of the same file (every row unchanged), the
validation alone (``validate_files``: reading and checking every row), the cold
``load_dataset`` (no snapshot: validating and typing everything, as the first start after an
import does) and the warm one (the snapshot of the same bytes, as every later start does).
Prints figures; asserts only that every row was imported.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from src import snapshot
from src.dataset import DATA_DIR, load_dataset
from src.importers import apply_import, plan_import
from src.validation import default_paths, validate_files

HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
TYPES = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Strategic developments", "Looting/property destruction"),
    ("Protests", "Peaceful protest"),
]
KNOWN = [("Khankendi", 39.8153, 46.7519), ("Shusha", 39.7583, 46.7483), ("Goris", 39.5111, 46.3386)]
SOURCES = ["Ministry of Defence of Azerbaijan", "APA; Trend", "Armenpress", "RFE/RL"]


def synthetic_acled(rows: int, seed: int = 10) -> bytes:
    """An ACLED export of ``rows`` distinct events around Nagorno-Karabakh."""
    rng = random.Random(seed)
    places = [(f"Village {i}", 39.3 + rng.random(), 46.2 + rng.random()) for i in range(500)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for i in range(rows):
        name, lat, lon = rng.choice(KNOWN) if i % 5 == 0 else rng.choice(places)
        etype, sub = rng.choice(TYPES)
        day = f"2020-{rng.randint(9, 11):02d}-{rng.randint(1, 28):02d}"
        writer.writerow(
            [
                f"AZE{i:06d}", day, "2020", "1", "Political violence", etype, sub,
                "Military Forces of Azerbaijan (2003-)", "", "1",
                "Military Forces of Armenia (2018-)", "", "1", "11", "", "31",
                "Caucasus and Central Asia", "Azerbaijan", "Khojavend", "", "", name,
                f"{lat:.4f}", f"{lon:.4f}", "1", rng.choice(SOURCES), "National",
                f'On {day}, "shelling" near {name}, fatalities <{i % 10}; & more.',
                str(i % 4), "", "1602000000",
            ]
        )  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def _timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    """Run ``fn``, printing its wall-clock and CPU time: on a shared machine the CPU time
    (this process's user + system) says what the step costs, the wall time what it took."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {label:<28} {wall:8.2f} s  (CPU {used:6.2f} s)")
    return result


def bench(rows: int) -> None:
    print(f"{rows} rows")
    with tempfile.TemporaryDirectory(prefix="kcm-bench-import-") as tmp:
        data_dir = Path(tmp) / "data"
        shutil.copytree(DATA_DIR, data_dir)
        source = Path(tmp) / f"acled_{rows}.csv"
        source.write_bytes(_timed("write synthetic CSV", synthetic_acled, rows))
        print(f"  {'file size':<28} {source.stat().st_size / 1e6:8.1f} MB")
        plan = _timed("plan_import", plan_import, data_dir, source, "bench")
        assert plan.new == rows, plan.summary()
        _timed("apply_import (atomic save)", apply_import, plan)
        again = _timed("re-import plan (unchanged)", plan_import, data_dir, source, "bench")
        assert again.unchanged == rows, again.summary()
        result = _timed("validate_files (validation)", validate_files, default_paths(data_dir))
        assert result.ok, result.problems[:5]
        shutil.rmtree(data_dir / snapshot.CACHE_DIR, ignore_errors=True)
        data = _timed("load_dataset cold (validate)", load_dataset, data_dir)
        assert len(data.events) == rows + 120
        data = _timed("load_dataset warm (snapshot)", load_dataset, data_dir)
        assert len(data.events) == rows + 120


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_import")
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    for rows in args.rows:
        bench(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
