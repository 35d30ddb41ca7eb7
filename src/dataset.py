"""Loading the validated dataset into typed pandas frames for the app, exports and tools.

Loading always validates first: the app never shows a row that the validator would reject,
and a broken file stops loading with the same ``file:line: field: message`` list the CLI prints.
What validation produced is kept as a snapshot keyed by the hash of every file read
(``src.snapshot``), so the next load of the very same bytes reads the frames instead of
validating a million rows again.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from src import snapshot, store
from src.csvio import Problem, RawTable
from src.periods import FALLBACK_NOTE, builtin_frame
from src.schema import (
    ARTICLES_DATASET,
    DATASETS,
    EVENTS,
    PERIODS_TABLE,
    PLACES,
    SOURCES,
)
from src.validation import (
    Reference,
    ValidationResult,
    default_paths,
    loaded_files,
    typed_frame,
    validate_files,
    validate_table,
)

__all__ = [
    "DATA_DIR",
    "DATA_DIR_ENV",
    "REPO_ROOT",
    "DataValidationError",
    "Dataset",
    "default_data_dir",
    "load_dataset",
    "load_places",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The bundled dataset of the project.
DATA_DIR = REPO_ROOT / "data"
#: Names another dataset folder for the app and every ``kcm`` command.
DATA_DIR_ENV = "KCM_DATA_DIR"


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The dataset folder when none is given: ``KCM_DATA_DIR`` if set, else the bundled data/.

    The app, the pages and every command resolve it here, so they always agree.
    """
    env = os.environ if env is None else env
    value = env.get(DATA_DIR_ENV, "").strip()
    return Path(value) if value else DATA_DIR


class DataValidationError(ValueError):
    """The data files do not match the schema; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the data files:\n{shown}{more}")


@dataclass(frozen=True)
class Dataset:
    """The three tables, typed, plus a short fingerprint naming this version of the data.

    ``sources``, ``places`` and ``events`` hold the bundled rows and every imported dataset's;
    ``datasets`` lists the datasets (always the ``articles`` row first), and each event's
    ``dataset`` names its row there. ``periods`` holds the period presets (``periods.csv``, or
    the built-in ones with ``periods_note`` saying so; ``src.periods.periods_of`` reads it).
    """

    sources: pd.DataFrame
    places: pd.DataFrame
    events: pd.DataFrame
    version: str
    datasets: pd.DataFrame = dataclasses.field(
        default_factory=lambda: articles_dataset_frame(0).drop(columns="line")
    )
    periods: pd.DataFrame = dataclasses.field(
        default_factory=lambda: builtin_frame().drop(columns="line")
    )
    #: Why the presets are the built-in ones (no periods.csv), or blank.
    periods_note: str = ""


#: The tables whose bytes make up ``Dataset.version`` (the short hash the app shows).
_VERSIONED = (SOURCES, PLACES, EVENTS)


#: The credit line of the bundled articles (no terms ask for more).
ARTICLES_CREDIT = "Claims extracted from news articles (see Sources); coded by this project"


def articles_dataset_frame(n_sources: int) -> pd.DataFrame:
    """The ``articles`` row of ``Dataset.datasets``, typed like datasets.csv."""
    raw = pd.DataFrame([{c: "" for c in DATASETS.column_names}]).astype("string")
    raw.loc[0, ["dataset_id", "name", "kind", "credit"]] = [
        ARTICLES_DATASET,
        f"Articles ({n_sources})",
        "articles",
        ARTICLES_CREDIT,
    ]
    raw.loc[0, "rows"] = ""
    return typed_frame(DATASETS, raw)


def _typed_all(spec_name: str, result: ValidationResult) -> pd.DataFrame:
    """A table's bundled rows followed by every imported dataset's, typed."""
    spec = {"sources": SOURCES, "places": PLACES, "events": EVENTS}[spec_name]
    parts = [typed_frame(spec, result.tables[spec_name].frame)]
    for tables in result.imports.values():
        if not tables[spec_name].frame.empty:
            parts.append(typed_frame(spec, tables[spec_name].frame))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


#: What ``files_stamp`` says of each file: its name, inode, size and modification time (ns).
FilesStamp = tuple[tuple[str, int, int, int], ...]


def files_stamp(data_dir: Path) -> FilesStamp:
    """A few ``stat`` calls that change whenever a file a load reads does (an atomic save
    replaces the file: a new inode), or a save's journal appears: the key a process caches
    its loaded dataset under, cheap enough to check on every run (a hash is not)."""
    stamp = []
    paths = {**loaded_files(Path(data_dir)), "journal": Path(data_dir) / store.JOURNAL_NAME}
    for name, path in paths.items():
        try:
            st = path.stat()
        except OSError:  # absent (periods.csv, datasets.csv may be): that is a state too
            stamp.append((name, 0, -1, 0))
        else:
            stamp.append((name, st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def load_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """Validate and load sources, places and events, the bundled ones and every dataset that
    ``datasets.csv`` lists; raise DataValidationError if anything's off.

    The snapshot of an earlier load of exactly these files (every byte hashed, imports
    included) stands in for the validation; any other case validates and refreshes it.
    """
    if (Path(data_dir) / store.JOURNAL_NAME).exists():
        store.recover(Path(data_dir))  # a save killed half-way: finish it before reading
    paths = default_paths(data_dir)
    hashed = loaded_files(Path(data_dir))
    # the version names the data the app shows: the bundled tables' bytes (as it always has),
    # then the dataset list and every imported file, so an import gives a new version
    # periods.csv last: a folder without it keeps the version it had before the file existed
    names = [spec.name for spec in _VERSIONED] + [DATASETS.name] + sorted(set(hashed) - set(paths))
    names.append(PERIODS_TABLE.name)
    with ThreadPoolExecutor(1) as pool:  # hash the files while the snapshot is mapped in
        hashing = pool.submit(snapshot.digest_files, hashed, names)
        stored = snapshot.read_snapshot(Path(data_dir), _SNAPSHOT)
        digests, version = hashing.result()
    key = snapshot.snapshot_key(digests)
    if stored is not None and stored.key == key:
        frames = stored.frames
    else:
        del stored
        frames = _validated_frames(paths)
        after, version = snapshot.digest_files(hashed, names)
        if after == digests:  # not edited while we validated: the frames are of these bytes
            snapshot.write_snapshot(Path(data_dir), key, frames)
    return Dataset(
        sources=frames["sources"],
        places=frames["places"],
        events=frames["events"],
        version=version,
        datasets=frames["datasets"].drop(columns="line"),
        periods=frames["periods"].drop(columns="line"),
        periods_note="" if paths[PERIODS_TABLE.name].exists() else FALLBACK_NOTE,
    )


#: The tables a snapshot holds: the merged bundled + imported ones, the dataset list and the
#: period presets.
_SNAPSHOT = (*_VERSIONED, DATASETS, PERIODS_TABLE)


def _validated_frames(paths: Mapping[str, Path]) -> dict[str, pd.DataFrame]:
    """Validate every file and type the tables (the one way frames are made from the CSVs):
    the bundled rows followed by each listed dataset's, the dataset list and the period
    presets (``line`` kept, like every snapshot table)."""
    result = validate_files(paths)
    if not result.ok:
        raise DataValidationError(result.problems)
    frames = {name: _typed_all(name, result) for name in ("sources", "places", "events")}
    events = frames["events"]
    events["dataset"] = events["dataset"].mask(events["dataset"] == "", ARTICLES_DATASET)
    datasets = articles_dataset_frame(len(result.tables["sources"].frame))
    datasets.loc[0, "rows"] = len(result.tables["events"].frame)
    if "datasets" in result.tables and not result.tables["datasets"].frame.empty:
        listed = typed_frame(DATASETS, result.tables["datasets"].frame)
        datasets = pd.concat([datasets, listed], ignore_index=True)
    frames["datasets"] = datasets
    periods = result.tables.get(PERIODS_TABLE.name)
    frames["periods"] = (
        builtin_frame() if periods is None else typed_frame(PERIODS_TABLE, periods.frame)
    )
    return frames


def load_places(path: Path = DATA_DIR / PLACES.filename) -> pd.DataFrame:
    """Validate and load the gazetteer alone (the geocoder needs nothing else)."""
    from src.csvio import read_raw

    raw: RawTable = read_raw(path)
    place_ids = (
        {str(v) for v in raw.frame["place_id"]} if "place_id" in raw.frame.columns else set()
    )
    problems = validate_table(PLACES, raw, {"waypoints": Reference.ids("waypoint", place_ids)})
    if problems:
        raise DataValidationError(problems)
    return typed_frame(PLACES, raw.frame)
