"""Validation of the dataset's three CSV files against ``src.schema``, reporting every problem.

The checks are pandera schemas generated from the column specs, so the rules live in one place
and a failure comes back with the row's line number and the column, which is exactly what an
editor of the CSV needs: ``events.csv:14: date_end: before date_start``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from src.csvio import Problem, RawTable, display_path, read_raw
from src.schema import (
    EVENT_TAXONOMY,
    EVENTS,
    FORMULA_PREFIXES,
    LINE_KINDS,
    LIST_SEPARATORS,
    PLACES,
    QUOTE_MAX_WORDS,
    SOURCES,
    Column,
    TableSpec,
)

_HTML = re.compile(r"[<>]")


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def _is_int(value: str) -> bool:
    return re.fullmatch(r"\d+", value) is not None


def _is_float(value: str) -> bool:
    try:
        return pd.notna(float(value)) and value.strip().lower() not in ("inf", "-inf", "nan")
    except ValueError:
        return False


def _element_check(test: Callable[[str], bool], message: str) -> pa.Check:
    """A per-cell check that leaves blank cells to the 'required' check."""
    return pa.Check(
        lambda v: v == "" or bool(test(v)),
        element_wise=True,
        error=message,
        name=message,
    )


def _split(value: str, column: str) -> list[str]:
    sep = LIST_SEPARATORS.get(column, ";")
    return [part.strip() for part in value.split(sep)] if value.strip() else []


def _column_checks(col: Column, refs: dict[str, set[str]]) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if col.required:
        checks.append(
            pa.Check(lambda s: s.str.strip() != "", error="must not be blank", name="required")
        )
    if col.kind == "choice":
        allowed = set(col.allowed)
        listed = ", ".join(col.allowed) if len(col.allowed) <= 9 else "see src/schema.py"
        checks.append(_element_check(lambda v: v in allowed, f"not one of ({listed})"))
    elif col.kind == "date":
        checks.append(_element_check(_is_iso_date, "not an ISO date (YYYY-MM-DD)"))
    elif col.kind == "int":
        checks.append(_element_check(_is_int, "not a whole number >= 0 (blank = not stated)"))
    elif col.kind == "bool":
        checks.append(_element_check(lambda v: v in ("true", "false"), "not true or false"))
    elif col.kind == "float":
        checks.append(_element_check(_is_float, "not a number"))
        lo, hi = col.minimum, col.maximum
        checks.append(
            _element_check(
                lambda v: not _is_float(v) or lo <= float(v) <= hi,
                f"out of range [{lo:g}, {hi:g}]",
            )
        )
    elif col.kind in ("text", "id", "list"):
        checks.append(
            _element_check(
                lambda v: not v.startswith(FORMULA_PREFIXES),
                "starts with a spreadsheet formula character (= + - @)",
            )
        )
        checks.append(
            _element_check(lambda v: _HTML.search(v) is None, "contains HTML markup (< or >)")
        )
    if col.pattern:
        pattern = re.compile(col.pattern)
        checks.append(
            _element_check(
                lambda v: pattern.fullmatch(v) is not None, f"does not match {col.pattern}"
            )
        )
    ref = refs.get(col.name)
    if ref is not None:
        if col.kind == "list":
            checks.append(
                _element_check(
                    lambda v, c=col.name: all(p in ref for p in _split(v, c)),
                    f"refers to an unknown {col.name.rstrip('s')}",
                )
            )
        else:
            checks.append(_element_check(lambda v: v in ref, f"unknown {col.name}"))
    return checks


def _row_checks(spec: TableSpec, refs: dict[str, set[str]]) -> list[tuple[str, Callable, str]]:
    """Rules spanning several columns of a row: (column to blame, test on the frame, message)."""
    rules: list[tuple[str, Callable, str]] = []
    if spec is EVENTS:
        rules.append(
            (
                "date_end",
                lambda df: (
                    ~(
                        df["date_start"].map(_is_iso_date)
                        & df["date_end"].map(_is_iso_date)
                        & (df["date_start"] > df["date_end"])
                    )
                ),
                "before date_start",
            )
        )
        rules.append(
            (
                "sub_event_type",
                lambda df: [
                    t not in EVENT_TAXONOMY or s in EVENT_TAXONOMY[t]
                    for t, s in zip(df["event_type"], df["sub_event_type"], strict=True)
                ],
                "does not belong to the row's event_type",
            )
        )
        rules.append(
            (
                "quote",
                lambda df: df["quote"].map(lambda q: len(q.split()) <= QUOTE_MAX_WORDS),
                f"longer than {QUOTE_MAX_WORDS} words",
            )
        )
    if spec is PLACES:
        rules.append(
            (
                "waypoints",
                lambda df: [
                    (k in LINE_KINDS) == (len(_split(w, "waypoints")) >= 2)
                    for k, w in zip(df["kind"], df["waypoints"], strict=True)
                ],
                "roads and corridors need 2+ waypoints; other places none",
            )
        )
    return rules


def build_schema(spec: TableSpec, refs: dict[str, set[str]] | None = None) -> pa.DataFrameSchema:
    """The pandera schema for one table; ``refs`` maps a column to the ids it must resolve to."""
    refs = refs or {}
    columns = {
        col.name: pa.Column(
            pd.StringDtype(),
            checks=_column_checks(col, refs),
            unique=col.unique,
            nullable=False,
            required=True,
        )
        for col in spec.columns
    }
    frame_checks = [
        pa.Check(
            (lambda df, t=test: pd.Series(list(t(df)), index=df.index)),
            error=f"{column}: {message}",
            name=f"{column}: {message}",
        )
        for column, test, message in _row_checks(spec, refs)
    ]
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, coerce=False)


def _problems_from(err: pa.errors.SchemaErrors, name: str) -> list[Problem]:
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
            if check == "field_uniqueness":
                message = f"duplicate value {value!r}"
            elif check == "column_in_dataframe":
                message, line = "required column is missing", 1
            elif check != "must not be blank" and value is not None and pd.notna(value):
                message = f"{check}: {value!r}"
        problems.append(Problem(name, line, column, message))
    return problems


def validate_table(
    spec: TableSpec, raw: RawTable, refs: dict[str, set[str]] | None = None
) -> list[Problem]:
    """Every problem of one CSV file, in file order."""
    name = display_path(raw.path)
    problems = list(raw.problems)
    if not raw.header:
        return problems
    missing = [c for c in spec.column_names if c not in raw.header]
    problems += [Problem(name, 1, c, "required column is missing") for c in missing]
    extra = [c for c in raw.header if c not in spec.column_names]
    problems += [Problem(name, 1, c, "unknown column") for c in extra]
    if missing or raw.frame.empty:
        return problems
    try:
        build_schema(spec, refs).validate(raw.frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems += _problems_from(err, name)
    order = {name: i for i, name in enumerate(spec.column_names)}
    unique = dict.fromkeys(problems)  # a row-level rule fails once per column in pandera
    return sorted(unique, key=lambda p: (p.line, order.get(p.field, -1)))


def _ids(raw: RawTable, column: str) -> set[str]:
    if column not in raw.frame.columns:
        return set()
    return {str(v).strip() for v in raw.frame[column] if str(v).strip()}


@dataclass
class ValidationResult:
    """The three raw tables and everything wrong with them."""

    tables: dict[str, RawTable]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_files(paths: dict[str, Path]) -> ValidationResult:
    """Validate sources, places and events together, including references between them."""
    raws = {spec.name: read_raw(paths[spec.name]) for spec in (SOURCES, PLACES, EVENTS)}
    place_ids = _ids(raws["places"], "place_id")
    source_ids = _ids(raws["sources"], "source_id")
    refs = {
        "sources": {},
        "places": {"waypoints": place_ids},
        "events": {"place_id": place_ids, "source_ids": source_ids},
    }
    problems: list[Problem] = []
    for spec in (SOURCES, PLACES, EVENTS):
        problems += validate_table(spec, raws[spec.name], refs[spec.name])
    return ValidationResult(raws, problems)


def default_paths(data_dir: Path) -> dict[str, Path]:
    return {spec.name: data_dir / spec.filename for spec in (SOURCES, PLACES, EVENTS)}


def resolve_paths(args: Iterable[str], data_dir: Path) -> dict[str, Path]:
    """Map command-line paths (directories, or files named like the tables) onto the tables."""
    paths = default_paths(data_dir)
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            paths = default_paths(path)
            continue
        for spec in (SOURCES, PLACES, EVENTS):
            if spec.name in path.name:
                paths[spec.name] = path
                break
        else:
            raise ValueError(f"{arg}: cannot tell which table this is (name it *events*.csv, …)")
    return paths
