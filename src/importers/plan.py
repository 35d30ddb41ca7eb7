"""Detect, plan and apply an import: the API of ``kcm import`` and the Data page.

:func:`detect` reads a file and says what it is (format, layout, encoding, delimiter, the
column mapping, a preview). :func:`plan_import` does the whole import in memory — every row
mapped, validated against the schema, merged with the dataset's earlier import by id — and
returns the report and the bytes to write, writing nothing. :func:`apply_import` writes them
in one ``store.save_many`` (``datasets.csv`` with ``imports/<id>/{sources,places,events}.csv``):
a kill leaves the previous data whole, and a concurrent change raises ``ConflictError``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from src import store
from src.csvio import Problem, RawTable, text_frame
from src.dataset import Dataset, load_dataset
from src.importers.dates import slash_order
from src.importers.layouts import FORMATS, canonical, detect_layout, format_of, mapping_for
from src.importers.mapping import MAPPERS, Context, Mapped
from src.importers.places import PlaceMatcher
from src.importers.reading import Record, Table, read_table
from src.schema import (
    ARTICLES_DATASET,
    DATASET_ID_PATTERN,
    DATASETS,
    EVENTS,
    PLACES,
    SOURCES,
    namespaced,
)
from src.validation import Reference, default_paths, imported_paths, validate_table

__all__ = [
    "CREDITS",
    "Detection",
    "ImportError",
    "ImportPlan",
    "ImportReport",
    "apply_import",
    "detect",
    "plan_import",
]

#: The attribution each dataset's terms ask for (shown in the legend and briefing frame).
CREDITS: dict[str, tuple[str, str]] = {
    "acled": (
        "Armed Conflict Location & Event Data (ACLED); www.acleddata.com",
        "https://acleddata.com",
    ),
    "ucdp": (
        "Uppsala Conflict Data Program (UCDP) Georeferenced Event Dataset; Sundberg & "
        "Melander (2013), Journal of Peace Research 50(4)",
        "https://ucdp.uu.se",
    ),
    "kcm": ("Karabakh Conflict Map export", ""),
}
OUTLETS = {"acled": "ACLED", "ucdp": "UCDP", "kcm": "Karabakh Conflict Map"}
PREVIEW_ROWS = 5
BUNDLED_REFUSED = "'articles' is the bundled dataset; import into another dataset"


class ImportError(ValueError):
    """The file cannot be imported at all (unreadable, unknown layout, bad arguments)."""


@dataclass(frozen=True)
class Detection:
    """What a file is and how its columns map onto claims."""

    name: str
    format: str | None
    layout: str | None
    encoding: str
    delimiter: str
    header: list[str]
    hxl: bool
    rows: int
    #: source column -> claim field
    mapping: dict[str, str]
    #: columns kept verbatim in original_fields
    unmapped: list[str]
    #: the first rows as they would become claims (dicts of claim fields)
    preview: list[dict[str, str]]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """An import worked out in full, nothing written yet."""

    data_dir: Path
    detection: Detection
    dataset_id: str
    dataset_name: str
    new: int
    updated: int
    unchanged: int
    merged: int
    skipped: int
    kept: int
    places_matched: int
    places_new: int
    problems: list[Problem]
    skipped_csv: bytes
    #: path -> (bytes, the version it was read at)
    changes: dict[Path, tuple[bytes, str]]
    events: pd.DataFrame

    @property
    def imported(self) -> int:
        """Rows that became (new or updated) claims."""
        return self.new + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"{self.detection.name}: {self.detection.layout} ({self.detection.encoding}) -> "
            f"dataset {self.dataset_id!r}: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.merged} merged, {self.skipped} skipped"
            + (f"; {self.kept} earlier events not in this file kept" if self.kept else "")
            + f"; places: {self.places_matched} rows matched the gazetteer, "
            f"{self.places_new} dataset places"
        )


@dataclass(frozen=True)
class ImportReport:
    """What :func:`apply_import` wrote."""

    plan: ImportPlan
    written: dict[Path, str]

    def summary(self) -> str:
        return f"{self.plan.summary()}; wrote {len(self.written)} files"


# --- reading --------------------------------------------------------------------------------


def _bytes(source: Path | str | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, name or "upload"
    path = Path(source)
    try:
        return path.read_bytes(), name or path.name
    except IsADirectoryError as exc:
        raise ImportError(f"{path}: is a directory, not a file") from exc
    except OSError as exc:
        raise ImportError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _geojson_table(data: bytes, name: str) -> Table | None:
    """Our GeoJSON export as a table of claim rows (feature N = line N), or None."""
    head = data.lstrip()[:1]
    if head not in (b"{", b"\xef"):
        return None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return None
    items: list[dict[str, Any]] = []
    for feature in document.get("features", []):
        props = feature.get("properties") or {}
        if props.get("feature_kind") != "claim":
            continue
        coords = (feature.get("geometry") or {}).get("coordinates") or [None, None]
        items.append({**props, "lon": coords[0], "lat": coords[1]})
    items += [{**p, "lon": None, "lat": None} for p in document.get("unlocated", [])]
    header = [*EVENTS.column_names, "place_name", "location_precision", "lat", "lon"]
    records = []
    for i, item in enumerate(items, start=1):
        cells = {h: "" if item.get(h) is None else str(item.get(h)) for h in header}
        records.append(Record(i, cells, [cells[h] for h in header]))
    return Table(name, "utf-8", ",", header, records)


def _read(data: bytes, name: str) -> tuple[Table, str | None]:
    geo = _geojson_table(data, name)
    if geo is not None:
        return geo, "kcm-geojson"
    table = read_table(data, name)
    return table, detect_layout(table.header, table.hxl is not None) if table.header else None


def _context(
    table: Table,
    layout: str,
    dataset_id: str,
    dataset_name: str,
    data: Dataset,
    bbox: tuple[float, float, float, float] | None,
) -> Context:
    bundled = data.places[~data.places["place_id"].str.contains(":", regex=False)]
    date_columns = [c for c in table.header if canonical([c])[0] in ("event_date", "date_start")]
    order = (
        "dmy"
        if layout == "acled-v6-realtime"
        else slash_order(r.cells[c] for r in table.records for c in date_columns)
    )
    sources = data.sources["source_id"]
    return Context(
        dataset_id=dataset_id,
        dataset_name=dataset_name,
        source_id=namespaced(dataset_id, "source"),
        layout=layout,
        file=table.name,
        places=PlaceMatcher.from_places(dataset_id, bundled),
        slash_order=order,
        bbox=bbox,
        known_places=frozenset(bundled["place_id"]),
        known_sources=frozenset(sources[~sources.str.contains(":", regex=False)]),
        canon=dict(zip(table.header, canonical(table.header), strict=True)),
    )


def detect(
    source: Path | str | bytes, name: str | None = None, data_dir: Path | None = None
) -> Detection:
    """What ``source`` is: format, layout, encoding, delimiter, mapping and a preview
    (places matched against ``data_dir``'s gazetteer, default the app's data folder)."""
    data, name = _bytes(source, name)
    table, layout = _read(data, name)
    loaded = load_dataset(data_dir) if data_dir is not None else load_dataset()
    return _detection(table, layout, loaded)


def _detection(table: Table, layout: str | None, loaded: Dataset) -> Detection:
    name = table.name
    mapping, unmapped = mapping_for(layout, table.header) if layout else ({}, table.header)
    preview: list[dict[str, str]] = []
    problems = list(table.problems)
    if layout is None and table.header:
        problems.insert(
            0, Problem(name, 1, "-", "not a layout this importer knows (ACLED, UCDP, KCM)")
        )
    elif layout is not None:
        ctx = _context(table, layout, "preview", "Preview", loaded, None)
        mapper = MAPPERS[format_of(layout)]
        for record in table.records[:PREVIEW_ROWS]:
            mapped = mapper(record.cells, record.line, ctx)
            preview.append(mapped.claim or {"problem": "; ".join(map(str, mapped.problems))})
    notes = []
    if table.hxl is not None:
        notes.append("a row of HXL hashtags under the header was skipped")
    if table.dropped_blank_columns:
        notes.append(f"{table.dropped_blank_columns} empty trailing header column(s) dropped")
    if table.crlf:
        notes.append("CRLF line ends")
    return Detection(
        name=name,
        format=format_of(layout) if layout else None,
        layout=layout,
        encoding=table.encoding,
        delimiter=table.delimiter,
        header=table.header,
        hxl=table.hxl is not None,
        rows=len(table.records),
        mapping=mapping,
        unmapped=unmapped,
        preview=preview,
        problems=problems,
        notes=notes,
    )


# --- planning -------------------------------------------------------------------------------


def dataset_slug(name: str) -> str:
    """A dataset id from a name ("ACLED Armenia 2018–2020" -> ``acled_armenia_2018_2020``)."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")
    return slug or "dataset"


def _resolve_dataset(data: Dataset, requested: str | None, fmt: str, file: str) -> tuple[str, str]:
    """(dataset_id, name): an existing dataset by id or name, else a new one. A dataset holds
    one format: importing UCDP rows into an ACLED dataset is refused."""
    if requested:
        dataset_id = requested if re.fullmatch(DATASET_ID_PATTERN, requested) else None
        dataset_id, name = dataset_id or dataset_slug(requested), requested
    else:
        stem = dataset_slug(Path(file).stem)
        dataset_id = stem if stem.startswith(f"{fmt}_") else f"{fmt}_{stem}"
        name = f"{OUTLETS.get(fmt, fmt.upper())} {Path(file).stem}"
    for row in data.datasets.to_dict("records"):
        if (requested or dataset_id) in (row["dataset_id"], row["name"]):
            if row["dataset_id"] == ARTICLES_DATASET:
                raise ImportError(BUNDLED_REFUSED)
            if row["kind"] != fmt:
                raise ImportError(
                    f"dataset {row['dataset_id']!r} holds {row['kind']} rows; import this "
                    f"{fmt} file into another dataset (--dataset NAME)"
                )
            return str(row["dataset_id"]), str(row["name"])
    return dataset_id, name


def _frame(rows: list[dict[str, str]], columns: tuple[str, ...], index: list[int]) -> pd.DataFrame:
    """The claims as the all-text frame ``validate_table`` checks (a missing cell is blank)."""
    return text_frame(list(columns), [[row.get(c) or "" for c in columns] for row in rows], index)


def _csv(frame: pd.DataFrame, columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    frame.reindex(columns=list(columns)).fillna("").to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _read_csv(data: bytes | None, columns: tuple[str, ...]) -> pd.DataFrame:
    if not data:
        return pd.DataFrame(columns=list(columns), dtype="string")
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False)
    return frame.reindex(columns=list(columns)).fillna("").astype("string")


def _skipped_csv(table: Table, lines: Mapping[int, list[str]], reasons: dict[int, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["line", "problem", *table.header])
    for line in sorted(lines):
        writer.writerow([line, reasons.get(line, ""), *lines[line]])
    return buffer.getvalue().encode("utf-8")


def _merge_monadic(first: dict[str, str], other: dict[str, str]) -> None:
    """Fold another actor's row of a monadic ACLED event into the event (both actors kept)."""
    actor = other.get("actor1", "")
    if actor and actor not in (first["actor1"], first["actor2"]):
        if not first["actor2"]:
            first["actor2"] = actor
        else:
            fields = json.loads(first["original_fields"] or "{}")
            fields.setdefault("more_actors", []).append(actor)
            first["original_fields"] = json.dumps(fields, ensure_ascii=False)
    if first["original_fields"] != other["original_fields"] and other["original_fields"]:
        fields = json.loads(first["original_fields"] or "{}")
        theirs = json.loads(other["original_fields"])
        for key, value in theirs.items():
            if key not in fields:
                fields[key] = value
            elif fields[key] != value and key.lower() not in ("actor1",):
                fields[f"{key} ({actor})"] = value
        first["original_fields"] = json.dumps(fields, ensure_ascii=False)


def _among(ids: pd.Series, pool: pd.Series) -> pd.Series:
    """``ids.isin(pool)`` through a hash table of Python strings: on Arrow-backed strings
    ``isin`` converts every value of ``pool`` to a scalar in Python (3 s at 10^5 ids, not 0.2)."""
    return ids.astype(object).isin(pool.astype(object))


def _compare(old: pd.DataFrame, new: pd.DataFrame) -> tuple[int, int]:
    """(updated, unchanged): rows of ``new`` whose event id ``old`` has, differing or not."""
    if old.empty or new.empty:
        return 0, 0
    columns = list(EVENTS.column_names)
    earlier = old.drop_duplicates("event_id").set_index("event_id", drop=False)
    present = new[_among(new["event_id"], earlier.index.to_series())]
    if present.empty:
        return 0, 0
    before = earlier.loc[present["event_id"], columns].reset_index(drop=True)
    after = present[columns].reset_index(drop=True)
    same = np.ones(len(after), dtype=bool)
    for column in columns:  # column by column in Arrow: no copy of every cell to Python
        same &= (before[column] == after[column]).to_numpy(dtype=bool)
    return int((~same).sum()), int(same.sum())


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``S,W,N,E`` in degrees; ImportError naming what is wrong."""
    parts = [p.strip() for p in text.split(",")]
    try:
        south, west, north, east = (float(p) for p in parts)
    except ValueError as exc:
        raise ImportError(f"--bbox {text!r}: give four numbers S,W,N,E") from exc
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ImportError(f"--bbox {text!r}: need -90 <= S < N <= 90 and -180 <= W < E <= 180")
    return south, west, north, east


@dataclass
class _Collected:
    """The claims of one file's records, and every record not taken with why."""

    claims: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    merged: int = 0
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[int, list[str]] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)

    def skip(self, record: Record, why: list[Problem]) -> None:
        self.problems.extend(why)
        self.skipped[record.line] = record.raw
        self.reasons[record.line] = "; ".join(f"{p.field}: {p.message}" for p in why)


def _collect(
    table: Table,
    ctx: Context,
    mapper: Callable[[dict[str, str], int, Context], Mapped],
    *,
    monadic: bool,
) -> _Collected:
    """Map every record; identical rows and repeated ids are skipped, except that a monadic
    ACLED file's rows of one event are merged into it."""
    got = _Collected(problems=list(table.problems), skipped=dict(table.bad_rows))
    got.reasons = {p.line: f"{p.field}: {p.message}" for p in table.problems}
    seen_raw: dict[tuple[str, ...], int] = {}
    for record in table.records:
        key = tuple(record.raw)
        if key in seen_raw:
            why = f"duplicate of line {seen_raw[key]}"
            got.skip(record, [Problem(table.name, record.line, "-", why)])
            continue
        seen_raw[key] = record.line
        mapped = mapper(record.cells, record.line, ctx)
        if mapped.problems:
            got.skip(record, mapped.problems)
            continue
        event_id = mapped.claim["event_id"]
        if event_id in got.claims:
            if monadic:
                _merge_monadic(got.claims[event_id], mapped.claim)
                got.merged += 1
                continue
            why = f"repeats event id {mapped.original_id!r} of line {got.lines[event_id]}"
            got.skip(record, [Problem(table.name, record.line, "event_id", why)])
            continue
        got.claims[event_id] = mapped.claim
        got.lines[event_id] = record.line
    return got


def plan_import(
    data_dir: Path,
    source: Path | str | bytes,
    dataset: str | None = None,
    fmt: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    name: str | None = None,
    today: str | None = None,
) -> ImportPlan:
    """The whole import of ``source`` into ``data_dir`` worked out, nothing written.

    Raises :class:`ImportError` when the file cannot be imported at all (unreadable, not a
    known layout, not the ``fmt`` asked for); row problems are in the plan instead.
    """
    data_dir = Path(data_dir)
    raw, name = _bytes(source, name)
    table, layout = _read(raw, name)
    if layout is None:
        first = table.problems[0] if table.problems else None
        why = str(first) if first else f"{name}:1: -: not a layout this importer knows"
        raise ImportError(why if first else f"{why} (ACLED, UCDP or KCM)")
    detected = format_of(layout)
    fmt_family = "kcm" if detected == "kcm-geojson" else detected
    if fmt is not None and fmt not in (*FORMATS, fmt_family) and fmt != fmt_family:
        raise ImportError(f"--format {fmt!r}: not one of acled, ucdp, kcm")
    if fmt is not None and fmt != fmt_family:
        raise ImportError(f"{name}: --format {fmt} given, but the file is {layout}")
    data = load_dataset(data_dir)
    dataset_id, dataset_name = _resolve_dataset(data, dataset, fmt_family, name)
    if dataset_id == ARTICLES_DATASET:
        raise ImportError(BUNDLED_REFUSED)
    detection = _detection(table, layout, data)
    ctx = _context(table, layout, dataset_id, dataset_name, data, bbox)

    got = _collect(table, ctx, MAPPERS[detected], monadic=layout == "acled-monadic")
    # validate the claims as the loader will, naming the imported file's lines
    paths = imported_paths(data_dir, dataset_id)
    datasets_path = default_paths(data_dir)["datasets"]
    loaded = store.load_many([datasets_path, *paths.values()], root=data_dir)
    versions = {item.path: item.version for item in loaded}
    contents = {item.path: item.data for item in loaded}
    old_places = _read_csv(contents[paths["places"]], PLACES.column_names)
    old_events = _read_csv(contents[paths["events"]], EVENTS.column_names)
    place_rows = {str(r["place_id"]): dict(r) for _, r in old_places.iterrows()}
    place_rows.update(ctx.places.places)
    frame = _frame(list(got.claims.values()), EVENTS.column_names, list(got.lines.values()))
    refs = {
        "place_id": Reference.ids("place", set(ctx.known_places) | set(place_rows)),
        "source_ids": Reference.ids("source", set(ctx.known_sources) | {ctx.source_id}),
        "dataset": Reference.ids("dataset", {dataset_id}),
    }
    frame_problems = validate_table(
        EVENTS, RawTable(Path(name), list(EVENTS.column_names), frame), refs
    )
    bad_lines = {p.line for p in frame_problems}
    by_line = {record.line: record for record in table.records}
    for line in sorted(bad_lines):
        got.skip(by_line[line], [p for p in frame_problems if p.line == line])
    frame = frame[~frame.index.isin(bad_lines)]

    # merge with the earlier import of this dataset, by event id
    updated, unchanged = _compare(old_events, frame)
    kept_old = old_events[~_among(old_events["event_id"], frame["event_id"])]
    events = pd.concat([kept_old, frame.reset_index(drop=True)], ignore_index=True)
    used = set(events["place_id"])
    place_frame = pd.DataFrame(
        [row for pid, row in place_rows.items() if pid in used], columns=list(PLACES.column_names)
    )
    stamp = today or datetime.now(UTC).date().isoformat()
    credit, url = CREDITS[fmt_family]
    source_row = {
        "source_id": ctx.source_id,
        "file": name,
        "headline": dataset_name,
        "published": stamp,
        "outlet": OUTLETS[fmt_family],
        "notes": f"{credit}. Imported {stamp} from {name} ({layout}).",
    }
    old_datasets = _read_csv(contents[datasets_path], DATASETS.column_names)
    dataset_row = {
        "dataset_id": dataset_id,
        "name": dataset_name,
        "kind": fmt_family,
        "credit": credit,
        "url": url,
        "file": name,
        "format": layout,
        "imported": stamp,
        "rows": str(len(events)),
        "notes": "",
    }
    if (old_datasets["dataset_id"] == dataset_id).any():
        index = old_datasets.index[old_datasets["dataset_id"] == dataset_id][0]
        for column in ("name", "notes", "credit", "url"):
            if str(old_datasets.at[index, column]):
                dataset_row[column] = str(old_datasets.at[index, column])
        old_datasets.loc[index, list(dataset_row)] = list(dataset_row.values())
        datasets_frame = old_datasets
    else:
        datasets_frame = pd.concat([old_datasets, pd.DataFrame([dataset_row])], ignore_index=True)
    changes = {
        datasets_path: (_csv(datasets_frame, DATASETS.column_names), versions[datasets_path]),
        paths["sources"]: (
            _csv(pd.DataFrame([source_row]), SOURCES.column_names),
            versions[paths["sources"]],
        ),
        paths["places"]: (_csv(place_frame, PLACES.column_names), versions[paths["places"]]),
        paths["events"]: (_csv(events, EVENTS.column_names), versions[paths["events"]]),
    }
    got.problems.sort(key=lambda p: p.line)
    return ImportPlan(
        data_dir=data_dir,
        detection=detection,
        dataset_id=dataset_id,
        dataset_name=dataset_name,
        new=len(frame) - updated - unchanged,
        updated=updated,
        unchanged=unchanged,
        merged=got.merged,
        skipped=len(got.skipped),
        kept=len(kept_old),
        places_matched=int((~events["place_id"].str.contains(":", regex=False)).sum()),
        places_new=len([p for p in ctx.places.places if p in used]),
        problems=got.problems,
        skipped_csv=_skipped_csv(table, got.skipped, got.reasons),
        changes=changes,
        events=events,
    )


def apply_import(plan: ImportPlan) -> ImportReport:
    """Write the plan in one atomic, conflict-checked step (``store.save_many``)."""
    if plan.imported == 0:
        raise ImportError(f"{plan.detection.name}: no row could be imported; nothing written")
    written = store.save_many(plan.changes, root=plan.data_dir)
    return ImportReport(plan, written)
