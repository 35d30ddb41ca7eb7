"""Validation of the dataset's CSV files against ``src.schema``, reporting every problem.

The checks are pandera schemas generated from the column specs, so the rules live in one place
and a failure comes back with the row's line number and the column, which is exactly what an
editor of the CSV needs: ``events.csv:14: date_end: before date_start``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from src.csvio import Problem, RawTable, display_path, read_raw
from src.geo.gazetteer import Gazetteer, GazetteerError
from src.schema import (
    ALL_PERIOD,
    ARTICLES_DATASET,
    DATASETS,
    EVENT_TAXONOMY,
    EVENTS,
    IMPORTED_TABLES,
    IMPORTS_FOLDER,
    LINE_KINDS,
    PERIODS_TABLE,
    PLACES,
    STATED_DISTANCES,
    TABLES,
    TEXT_CONTROLS_ALLOWED,
    Column,
    TableSpec,
    split_list,
)

_REQUIRED = "required (must not be blank)"

#: A row-level rule: (column to blame, test on the frame -> one bool per row, message).
RowRule = tuple[str, Callable[[pd.DataFrame], Iterable[bool]], str]


@dataclass(frozen=True)
class Reference:
    """What a column's values must resolve to: ``lookup`` returns the canonical id of a value
    or raises LookupError with a sentence for the user (its ``str``)."""

    label: str
    lookup: Callable[[str], str]

    @classmethod
    def ids(cls, label: str, known: Collection[str]) -> Reference:
        """A reference to a set of ids, e.g. the source_ids of sources.csv."""
        pool = frozenset(known)

        def lookup(value: str) -> str:
            if value not in pool:
                raise LookupError(f"unknown {label} {value!r}")
            return value

        return cls(label, lookup)

    def problem(self, value: str) -> str | None:
        """Why ``value`` does not resolve, or None if it does."""
        try:
            self.lookup(value)
        except LookupError as exc:
            return str(exc.args[0]) if exc.args and isinstance(exc.args[0], str) else str(exc)
        return None

    def resolve(self, value: str) -> str | None:
        """The canonical id of ``value``, or None."""
        try:
            return self.lookup(value)
        except LookupError:
            return None


References = Mapping[str, Reference]


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ASCII_INT = re.compile(r"[0-9]+")
_ASCII_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
#: C0 controls and DEL, except the ones text may hold (``TEXT_CONTROLS_ALLOWED``).
_CONTROL = re.compile(
    "["
    + "".join(
        re.escape(chr(c)) for c in [*range(0x20), 0x7F] if chr(c) not in TEXT_CONTROLS_ALLOWED
    )
    + "]"
)


def _is_iso_date(value: str) -> bool:
    """YYYY-MM-DD in ASCII digits, a real day (not 20230919, 2023-W38-2 or 2023-02-30)."""
    if _ISO_DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_int(value: str) -> bool:
    return _ASCII_INT.fullmatch(value.strip()) is not None


def _is_float(value: str) -> bool:
    """A finite decimal number in ASCII (Python's float() also takes '٣', '1_0' and 'nan')."""
    return _ASCII_FLOAT.fullmatch(value.strip()) is not None and math.isfinite(float(value))


def _foreign_digits(value: str) -> bool:
    return any(ch.isdigit() and not ch.isascii() for ch in value)


def _not_a(what: str) -> Callable[[str], str]:
    return lambda v: f"{v!r} is not {what}"


def _digit_hint(describe: Callable[[str], str]) -> Callable[[str], str]:
    """``describe``, naming non-ASCII digits (Arabic-Indic, full-width …) when the value has
    them: they look right in an editor but no number, date or id admits them."""

    def worded(v: str) -> str:
        text = describe(v)
        return f"{text} (write digits as ASCII 0-9)" if _foreign_digits(v) else text

    return worded


def _control_text(value: str) -> str:
    found = _CONTROL.search(value)
    code = ord(found.group()) if found else 0
    return f"contains control character U+{code:04X}; only tab and line breaks are allowed"


@dataclass(frozen=True)
class _Rule:
    """A per-cell test (blank cells are left to the 'required' check) and how to word a
    failing value."""

    test: Callable[[str], bool]
    describe: Callable[[str], str]


def _number(v: str) -> float | None:
    """The value of an ASCII int or float cell, None if it is not one (reported elsewhere)."""
    return float(v) if _is_float(v) else None


def _range_test(col: Column) -> Callable[[str], bool]:
    lo = -math.inf if col.minimum is None else col.minimum
    hi = math.inf if col.maximum is None else col.maximum

    def test(v: str) -> bool:
        x = _number(v)
        if x is None:
            return True  # reported as "not a number"
        return (x > lo if col.minimum_exclusive else x >= lo) and x <= hi

    return test


def _range_text(col: Column) -> str:
    if col.minimum is not None and col.maximum is not None:
        return f"out of range [{col.minimum:g}, {col.maximum:g}]"
    if col.minimum is not None:
        return f"not {'>' if col.minimum_exclusive else '>='} {col.minimum:g}"
    return f"not <= {col.maximum:g}"


def _int_rule(col: Column) -> tuple[Callable[[str], bool], Callable[[str], str]]:
    """Whole numbers in ASCII digits within the column's bounds, as one rule and one message
    ("2^63" and "-1" are both simply not a figure the column admits)."""
    lo = 0 if col.minimum is None else int(col.minimum)
    hi = col.maximum
    bounds = f">= {lo}" if hi is None else f"from {lo} to {int(hi)}"

    def test(v: str) -> bool:
        if not _is_int(v):
            return False
        n = int(v.strip())
        return n >= lo and (hi is None or n <= hi)

    return test, _not_a(f"a whole number {bounds} (blank = not stated)")


def _date_rules(col: Column) -> list[tuple[Callable[[str], bool], Callable[[str], str]]]:
    """ISO dates, then the column's window (a year like 0001 or 9999 breaks every chart)."""
    rules: list[tuple[Callable[[str], bool], Callable[[str], str]]] = [
        (_is_iso_date, _not_a("an ISO date (YYYY-MM-DD)"))
    ]
    earliest, latest = col.earliest, col.latest
    if earliest is not None:
        first = earliest.isoformat()
        rules.append(
            (
                lambda v: not _is_iso_date(v) or v >= first,
                lambda v: f"{v!r} is before {first}, the earliest date allowed",
            )
        )
    if latest is not None:
        last = latest.isoformat()
        rules.append(
            (
                lambda v: not _is_iso_date(v) or v <= last,
                lambda v: f"{v!r} is after {last}, the latest date allowed",
            )
        )
    return rules


def _value_rules(col: Column) -> list[_Rule]:
    """Rules on what a value *is* (type, closed list, pattern, range); a column's ``hint``
    words all of their failures the same way."""
    rules: list[tuple[Callable[[str], bool], Callable[[str], str]]] = []
    if col.kind == "choice":
        allowed = set(col.allowed)
        listed = ", ".join(col.allowed) if len(col.allowed) <= 9 else "the list in src/schema.py"
        rules.append((lambda v: v in allowed, lambda v: f"{v!r} is not one of {listed}"))
    elif col.kind == "date":
        rules += _date_rules(col)
    elif col.kind == "int":
        rules.append(_int_rule(col))
    elif col.kind == "bool":
        rules.append((lambda v: v in ("true", "false"), lambda v: f"{v!r} is not true or false"))
    elif col.kind == "float":
        rules.append((_is_float, _not_a("a number")))
        if col.minimum is not None or col.maximum is not None:
            rules.append((_range_test(col), lambda v: f"{v!r} is {_range_text(col)}"))
    if col.pattern:
        pattern = re.compile(col.pattern)
        rules.append(
            (
                lambda v: pattern.fullmatch(v) is not None,
                lambda v: f"{v!r} does not match {col.pattern}",
            )
        )
    if col.hint:
        rules = [(test, _not_a(col.hint)) for test, _ in rules]
    return [_Rule(test, _digit_hint(describe)) for test, describe in rules]


def _column_rules(col: Column, ref: Reference | None) -> list[_Rule]:
    rules = _value_rules(col)
    # text is kept as written ("losses > 200", "-20 °C nights"): every output escapes it, and
    # the CSV exports neutralise formula starters; only invisible control characters are refused
    rules.append(_Rule(lambda v: _CONTROL.search(v) is None, _control_text))
    if col.max_words is not None:
        limit = col.max_words
        rules.append(
            _Rule(
                lambda v: len(v.split()) <= limit,
                lambda v: f"{len(v.split())} words; quotes are at most {limit} words",
            )
        )
    if ref is not None:
        well_formed = [r.test for r in _value_rules(col)]

        def items(v: str) -> list[str]:
            return split_list(v, col.name) if col.kind == "list" else [v]

        def test(v: str) -> bool:
            # a malformed value is already reported; an unknown well-formed one is reported here
            if not all(t(v) for t in well_formed):
                return True
            return all(ref.problem(item) is None for item in items(v))

        def describe(v: str) -> str:
            return "; ".join(p for item in items(v) if (p := ref.problem(item)) is not None)

        rules.append(_Rule(test, describe))
    return rules


def _map_distinct(cells: pd.Series, test: Callable[[str], bool]) -> np.ndarray:
    """``test`` of every cell, called once per distinct value."""
    codes, distinct = pd.factorize(cells)
    return np.array([bool(test(v)) for v in distinct.tolist()] + [False], dtype=bool)[codes]


def _span_rule(start: str, end: str) -> RowRule:
    """``end`` must not be before ``start`` (blank or malformed dates are reported elsewhere)."""

    def test(df: pd.DataFrame) -> np.ndarray:
        both = _map_distinct(df[start], _is_iso_date) & _map_distinct(df[end], _is_iso_date)
        later = (df[start] > df[end]).to_numpy(dtype=bool)
        return np.asarray(~(both & later), dtype=bool)

    return (end, test, f"before {start}")


def _row_rules(spec: TableSpec, refs: References) -> list[RowRule]:
    """Rules spanning several columns of a row."""
    rules: list[RowRule] = []
    if spec is EVENTS:
        rules.append(_span_rule("date_start", "date_end"))
        rules.append(
            (
                "sub_event_type",
                lambda df: [
                    t not in EVENT_TAXONOMY or s == "" or s in EVENT_TAXONOMY[t]
                    for t, s in zip(
                        df["event_type"].tolist(), df["sub_event_type"].tolist(), strict=True
                    )
                ],
                "does not belong to the row's event_type",
            )
        )
    if spec is PLACES:
        rules.append(
            (
                "waypoints",
                lambda df: [
                    (k in LINE_KINDS) == (len(split_list(w, "waypoints")) >= 2)
                    for k, w in zip(df["kind"], df["waypoints"], strict=True)
                ],
                "roads and corridors need 2+ waypoints; other places none",
            )
        )
    if spec is PERIODS_TABLE:
        rules.append(_span_rule("start", "end"))
        rules.append(
            (
                "start",
                lambda df: (
                    (df["period_id"].str.strip() != ALL_PERIOD)
                    | ((df["start"].str.strip() == "") & (df["end"].str.strip() == ""))
                ),
                f"the {ALL_PERIOD!r} period has no bounds: leave start and end blank",
            )
        )
    places = refs.get("from_place")
    if spec is STATED_DISTANCES and places is not None:

        def distinct(df: pd.DataFrame) -> list[bool]:
            ends = zip(df["from_place"], df["to_place"], strict=True)
            return [(a := places.resolve(f)) is None or a != places.resolve(t) for f, t in ends]

        rules.append(("to_place", distinct, "is the same place as from_place"))
    return rules


Describers = dict[tuple[str, str], Callable[[str], str]]


class _Distinct:
    """The distinct values of the column checked last, factorized once for all its rules:
    pandera runs each rule on the same column's array, one after the other."""

    def __init__(self) -> None:
        self._array: object = None
        self._found: tuple[np.ndarray, list[str]] = (np.empty(0, dtype=np.intp), [])

    def of(self, cells: pd.Series) -> tuple[np.ndarray, list[str]]:
        """(one code per cell, the distinct values as Python strings)."""
        if cells.array is not self._array:
            codes, distinct = pd.factorize(cells)
            # tolist converts in one C call; iterating an Arrow-backed Index is ~8x slower
            self._array, self._found = cells.array, (codes, distinct.tolist())
        return self._found


def _per_distinct(
    test: Callable[[str], bool], distinct: _Distinct
) -> Callable[[pd.Series], pd.Series]:
    """A cell rule as a column check that tests each distinct value once (blank passes: that
    is the 'required' check's business). Most columns repeat a few values over 10^5 rows, so
    this is what makes validation take seconds; failures are the same cells, with their lines.
    """

    def check(cells: pd.Series) -> pd.Series:
        codes, values = distinct.of(cells)
        ok = [v == "" or bool(test(v)) for v in values]
        return pd.Series(np.array([*ok, True], dtype=bool)[codes], index=cells.index)

    return check


def build_schema(
    spec: TableSpec, refs: References | None = None
) -> tuple[pa.DataFrameSchema, Describers]:
    """The pandera schema for one table, and how to word each element check's failures.

    ``refs`` maps a column to what its values must resolve to (ids of another table, or
    gazetteer names).
    """
    refs = refs or {}
    describers: Describers = {}
    columns: dict[str, pa.Column] = {}
    for col in spec.columns:
        checks: list[pa.Check] = []
        if col.required:
            checks.append(pa.Check(lambda s: s.str.strip() != "", error=_REQUIRED, name=_REQUIRED))
        distinct = _Distinct()
        for i, rule in enumerate(_column_rules(col, refs.get(col.name))):
            key = f"rule {i}"
            describers[(col.name, key)] = rule.describe
            checks.append(pa.Check(_per_distinct(rule.test, distinct), error=key, name=key))
        columns[col.name] = pa.Column(
            pd.StringDtype(), checks=checks, unique=col.unique, nullable=False, required=True
        )
    frame_checks = [
        pa.Check(
            (lambda df, t=test: pd.Series(list(t(df)), index=df.index)),
            error=f"{column}: {message}",
            name=f"{column}: {message}",
        )
        for column, test, message in _row_rules(spec, refs)
    ]
    schema = pa.DataFrameSchema(columns, checks=frame_checks, strict=False, coerce=False)
    return schema, describers


def _problems_from(err: pa.errors.SchemaErrors, name: str, describers: Describers) -> list[Problem]:
    problems: list[Problem] = []
    for case in err.failure_cases.itertuples(index=False):
        line = int(case.index) if pd.notna(case.index) else 1
        check = str(case.check)
        if case.column is None or pd.isna(case.column) or case.schema_context == "DataFrameSchema":
            if ": " in check:
                column, message = check.split(": ", 1)
            else:
                column, message = str(case.column or "-"), check
        else:
            column, message = str(case.column), check
            value = case.failure_case
            describe = describers.get((column, check))
            if check == "field_uniqueness":
                message = f"duplicate value {value!r}"
            elif check == "column_in_dataframe":
                message, line = "required column is missing", 1
            elif describe is not None and value is not None and pd.notna(value):
                message = describe(str(value))
        problems.append(Problem(name, line, column, message))
    return problems


def validate_table(spec: TableSpec, raw: RawTable, refs: References | None = None) -> list[Problem]:
    """Every problem of one CSV file, in file order."""
    name = display_path(raw.path)
    problems = list(raw.problems)
    if not raw.header:
        return problems
    absent = [c.name for c in spec.columns if c.may_be_absent and c.name not in raw.header]
    if absent:
        raw.frame = raw.frame.assign(**{c: "" for c in absent}).astype("string")
    missing = [c for c in spec.column_names if c not in raw.header and c not in absent]
    problems += [Problem(name, 1, c, "required column is missing") for c in missing]
    extra = [c for c in raw.header if c and c not in spec.column_names]  # blank: read_raw's
    problems += [Problem(name, 1, c, "unknown column") for c in extra]
    if missing or raw.frame.empty:
        return problems
    schema, describers = build_schema(spec, refs)
    try:
        schema.validate(raw.frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += _problems_from(err, name, describers)
    order = {name: i for i, name in enumerate(spec.column_names)}
    unique = dict.fromkeys(problems)  # a row-level rule fails once per column in pandera
    return sorted(unique, key=lambda p: (p.line, order.get(p.field, -1)))


def typed_frame(spec: TableSpec, raw: pd.DataFrame) -> pd.DataFrame:
    """Convert a validated all-text frame to the column kinds the schema declares."""
    out = pd.DataFrame(index=raw.index)
    for col in spec.columns:
        text = raw[col.name].astype("string").str.strip()
        blank_is_na = text.mask(text == "")
        if col.kind == "int":
            out[col.name] = pd.to_numeric(blank_is_na, errors="raise").astype("Int64")
        elif col.kind == "float":
            out[col.name] = pd.to_numeric(blank_is_na, errors="raise").astype(float)
        elif col.kind == "date":
            out[col.name] = pd.to_datetime(text, format="%Y-%m-%d")
        elif col.kind == "bool":
            out[col.name] = text == "true"
        else:
            out[col.name] = text.astype(object).astype(str)
    return out.reset_index(names="line")


def _ids(raws: Mapping[str, RawTable], table: str, column: str) -> set[str] | None:
    """The ids a table defines, or None if it could not be read (absent, not UTF-8, no such
    column …): that is reported on the table itself, not again on every row citing it."""
    raw = raws.get(table)
    if raw is None or column not in raw.header or column not in raw.frame.columns:
        return None
    return {str(v).strip() for v in raw.frame[column] if str(v).strip()}


def place_reference(raw_places: RawTable) -> Reference | None:
    """Place *names* as the gazetteer resolves them (aliases, spellings), or None if the
    gazetteer cannot be built (places.csv has problems of its own, reported there)."""
    if raw_places.problems or not raw_places.header or raw_places.frame.empty:
        return None
    try:
        gazetteer = Gazetteer.from_frame(typed_frame(PLACES, raw_places.frame))
    except (GazetteerError, KeyError, ValueError):
        return None
    return gazetteer_reference(gazetteer)


def gazetteer_reference(gazetteer: Gazetteer) -> Reference:
    """A Reference resolving names through ``gazetteer.lookup`` to place_ids."""

    def lookup(value: str) -> str:
        place_id = gazetteer.lookup(value).place_id  # PlaceNotFound is a LookupError
        assert place_id is not None  # gazetteer answers always name their place
        return place_id

    return Reference("place", lookup)


def stated_distance_refs(
    places: Reference | None, source_ids: Collection[str] | None
) -> dict[str, Reference]:
    """What stated_distances.csv refers to: gazetteer names and sources.csv's ids."""
    refs: dict[str, Reference] = {}
    if places is not None:
        refs["from_place"] = refs["to_place"] = places
    if source_ids is not None:
        refs["source_id"] = Reference.ids("source", source_ids)
    return refs


@dataclass
class ValidationResult:
    """The raw tables and everything wrong with them."""

    tables: dict[str, RawTable]
    problems: list[Problem]
    #: Each imported dataset's tables (dataset_id -> table name -> raw), in datasets.csv order.
    imports: dict[str, dict[str, RawTable]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_files(paths: Mapping[str, Path]) -> ValidationResult:
    """Validate every table of ``paths`` together, including references between them.

    An optional table (stated_distances) whose file does not exist is simply absent.
    """
    raws: dict[str, RawTable] = {}
    for spec in TABLES:
        path = paths.get(spec.name)
        if path is None or (spec.optional and not path.exists()):
            continue
        raws[spec.name] = read_raw(path)
    place_ids = _ids(raws, "places", "place_id")
    source_ids = _ids(raws, "sources", "source_id")

    def ids(column: str, label: str, known: set[str] | None) -> dict[str, Reference]:
        return {} if known is None else {column: Reference.ids(label, known)}

    refs: dict[str, References] = {
        "sources": {},
        "places": ids("waypoints", "waypoint", place_ids),
        "events": {
            **ids("place_id", "place", place_ids),
            **ids("source_ids", "source", source_ids),
        },
    }
    if "stated_distances" in raws:
        places = place_reference(raws["places"]) if "places" in raws else None
        refs["stated_distances"] = stated_distance_refs(places, source_ids)
    refs["events"] = {**refs["events"], "dataset": Reference.ids("dataset", {ARTICLES_DATASET})}
    refs["datasets"] = refs["periods"] = {}
    problems: list[Problem] = []
    for spec in TABLES:
        if spec.name in raws:
            problems += validate_table(spec, raws[spec.name], refs[spec.name])
    imports: dict[str, dict[str, RawTable]] = {}
    datasets = raws.get("datasets")
    if datasets is not None and "events" in paths:
        data_dir = Path(paths["events"]).parent
        for dataset_id in _dataset_rows(datasets, problems):
            found, found_problems = _validate_import(
                data_dir, dataset_id, place_ids or set(), source_ids or set()
            )
            imports[dataset_id] = found
            problems += found_problems
    return ValidationResult(raws, problems, imports)


def _dataset_rows(raw: RawTable, problems: list[Problem]) -> list[str]:
    """The well-formed dataset ids of datasets.csv, in order (the others are reported
    by the table's own validation); ``articles`` is the bundled data, never an import."""
    if "dataset_id" not in raw.frame.columns:
        return []
    pattern = re.compile(DATASETS.column("dataset_id").pattern or "")
    rows: list[str] = []
    for line, value in zip(raw.frame.index.tolist(), raw.frame["dataset_id"], strict=True):
        dataset_id = str(value).strip()
        if dataset_id == ARTICLES_DATASET:
            message = "'articles' is the bundled dataset; an import needs another id"
            problems.append(Problem(display_path(raw.path), int(line), "dataset_id", message))
        elif pattern.fullmatch(dataset_id) and dataset_id not in rows:
            rows.append(dataset_id)
    return rows


def loaded_files(data_dir: Path) -> dict[str, Path]:
    """Every file a load of ``data_dir`` may read, by name: the bundled tables (by table
    name), then each ``imports/<folder>/`` table (by relative path), folders in name order:
    what the snapshot key and the data version hash.

    Found without parsing ``datasets.csv`` (a malformed one is the validation's to report,
    line by line), so every imports folder counts, listed or not: no change to any file the
    load could read leaves a snapshot stale.
    """
    files = dict(default_paths(data_dir))
    folder = Path(data_dir) / IMPORTS_FOLDER
    if folder.is_dir():
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            for path in imported_paths(data_dir, sub.name).values():
                files[path.relative_to(data_dir).as_posix()] = path
    return files


def imported_paths(data_dir: Path, dataset_id: str) -> dict[str, Path]:
    """Where an imported dataset's tables live: ``imports/<dataset_id>/<table>.csv``."""
    folder = Path(data_dir) / IMPORTS_FOLDER / dataset_id
    return {spec.name: folder / spec.filename for spec in IMPORTED_TABLES}


def _namespace_rule(raw: RawTable, dataset_id: str, columns: tuple[str, ...]) -> list[Problem]:
    """Ids of an imported table must be the dataset's own (``<dataset_id>:…``)."""
    name, prefix = display_path(raw.path), f"{dataset_id}:"
    problems = []
    for column in columns:
        if column not in raw.frame.columns:
            continue
        for line, value in zip(raw.frame.index.tolist(), raw.frame[column], strict=True):
            text = str(value).strip()
            if text and not text.startswith(prefix):
                message = f"{text!r} is not an id of dataset {dataset_id!r} ({prefix}…)"
                problems.append(Problem(name, int(line), column, message))
    return problems


def _validate_import(
    data_dir: Path, dataset_id: str, place_ids: set[str], source_ids: set[str]
) -> tuple[dict[str, RawTable], list[Problem]]:
    """One imported dataset's tables, validated against the bundled ids plus its own."""
    paths = imported_paths(data_dir, dataset_id)
    raws = {name: read_raw(path) for name, path in paths.items()}
    own_places = _ids(raws, "places", "place_id") or set()
    own_sources = _ids(raws, "sources", "source_id") or set()
    refs: dict[str, References] = {
        "sources": {},
        "places": {"waypoints": Reference.ids("waypoint", place_ids | own_places)},
        "events": {
            "place_id": Reference.ids("place", place_ids | own_places),
            "source_ids": Reference.ids("source", source_ids | own_sources),
            "dataset": Reference.ids("dataset", {dataset_id}),
        },
    }
    problems: list[Problem] = []
    for spec in IMPORTED_TABLES:
        raw = raws[spec.name]
        problems += validate_table(spec, raw, refs[spec.name])
        if not raw.problems:
            own = {"sources": ("source_id",), "places": ("place_id",)}
            problems += _namespace_rule(raw, dataset_id, own.get(spec.name, ("event_id",)))
    return raws, problems


def default_paths(data_dir: Path) -> dict[str, Path]:
    """Where each table of a dataset folder lives."""
    return {spec.name: Path(data_dir) / spec.filename for spec in TABLES}


def resolve_paths(args: Iterable[str], data_dir: Path) -> dict[str, Path]:
    """Map command-line paths (directories, or files named like the tables) onto the tables."""
    paths = default_paths(data_dir)
    # the longest table name first, so "stated_distances" is never taken for another table
    by_name = sorted(TABLES, key=lambda spec: -len(spec.name))
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            paths = default_paths(path)
            continue
        for spec in by_name:
            if spec.name in path.name:
                paths[spec.name] = path
                break
        else:
            raise ValueError(f"{arg}: cannot tell which table this is (name it *events*.csv, …)")
    return paths
