"""Write an article's accepted drafts: its source row, any new places and the claims, all in
one conflict-checked, atomic ``store.save_many``; or nothing, with every problem listed.

The new files are validated as a whole first (a copy in a temporary folder, checked by the
same ``validate_files`` as ``kcm validate``), so a problem is reported as ``file:line: field:
message`` with the line the row would have, and nothing is written. The rows are appended
to the files' own bytes (the existing rows are never rewritten), under the header each file
has.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from src import store
from src.ingest.proposal import Article, Candidate, DraftClaim
from src.ingest.rows import FIGURE_FIELDS, article_rows
from src.schema import EVENTS, PLACES, SOURCES, TableSpec
from src.validation import validate_files

__all__ = ["IngestError", "SaveResult", "data_version", "save_article"]

_TABLES: tuple[TableSpec, ...] = (SOURCES, PLACES, EVENTS)


@dataclass
class SaveResult:
    """What a save wrote."""

    source_id: str
    event_ids: list[str]
    place_ids: list[str]
    files: list[Path] = field(default_factory=list)


class IngestError(ValueError):
    """The drafts would not validate; ``problems`` lists them as ``file:line: field: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _paths(data_dir: Path) -> dict[str, Path]:
    return {spec.name: Path(data_dir) / spec.filename for spec in _TABLES}


def _combined(versions: list[str]) -> str:
    return hashlib.sha256("\n".join(versions).encode()).hexdigest()[:16]


def data_version(data_dir: Path) -> str:
    """The version of the files a save changes, as the page remembers it when it loads."""
    return _combined(
        [loaded.version for loaded in store.load_many(list(_paths(data_dir).values()))]
    )


def _header(data: bytes | None, spec: TableSpec) -> list[str]:
    if not data:
        return list(spec.column_names)
    first = data.decode("utf-8-sig").splitlines()[0] if data.strip() else ""
    return next(csv.reader([first])) if first else list(spec.column_names)


def _with_columns(data: bytes | None, spec: TableSpec, needed: list[str]) -> bytes | None:
    """``data`` with the schema's optional columns ``needed`` added (blank in every existing
    row) where its header lacks them: an older events.csv gains ``displaced``/``missing`` the
    first time a claim states one."""
    header = _header(data, spec)
    missing = [c for c in needed if c not in header and c in spec.column_names]
    if not data or not missing:
        return data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*rows[0], *missing])
    for row in rows[1:]:
        writer.writerow([*row, *([""] * len(missing))] if row else row)
    return out.getvalue().encode("utf-8")


def _append(data: bytes | None, spec: TableSpec, rows: list[dict[str, str]]) -> bytes:
    """``data`` with ``rows`` appended under its header (created if the file is empty)."""
    header = _header(data, spec)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    text = (data or b"").decode("utf-8-sig") if data else ""
    if not text.strip():
        writer.writerow(header)
        text = ""
    elif not text.endswith("\n"):
        text += "\n"
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return (text + out.getvalue()).encode("utf-8")


def _column(data: bytes | None, name: str) -> list[str]:
    if not data:
        return []
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return [row.get(name) or "" for row in reader]


def _validate(new: dict[str, bytes], real: dict[str, Path]) -> list[str]:
    """Every problem of the new files, named as the real files."""
    with tempfile.TemporaryDirectory(prefix="kcm-ingest-") as tmp:
        paths = {}
        for name, data in new.items():
            path = Path(tmp) / real[name].name
            path.write_bytes(data)
            paths[name] = path
        result = validate_files(paths)
        names = {str(p): real[n].name for n, p in paths.items()}
        names.update({p.name: real[n].name for n, p in paths.items()})
        problems = []
        for problem in result.problems:
            shown = names.get(problem.file, Path(problem.file).name)
            problems.append(f"{shown}:{problem.line}: {problem.field}: {problem.message}")
        return problems


def save_article(
    data_dir: Path,
    article: Article,
    claims: list[DraftClaim],
    new_places: list[Candidate],
    expected_version: str | None,
) -> SaveResult:
    """Write the source, ``new_places`` and ``claims``; ``store.ConflictError`` if the files
    changed since ``expected_version`` (None: whatever is on disk now); ``IngestError`` with
    every problem if the result would not validate (nothing is written then)."""
    if not claims:
        raise IngestError(["events.csv: claims: no accepted claim to save"])
    real = _paths(Path(data_dir))
    loaded = dict(zip(real, store.load_many(list(real.values())), strict=True))
    current = _combined([loaded[name].version for name in real])
    if expected_version is not None and expected_version != current:
        raise store.ConflictError(real["events"], expected_version, current)
    data = {name: loaded[name].data for name in real}
    stated = [f for f in FIGURE_FIELDS if any(getattr(c, f) is not None for c in claims)]
    data["events"] = _with_columns(data["events"], EVENTS, stated)
    needed = [
        p
        for p in new_places
        if p.place_id is None
        and any(c.place_id is None and (c.lat, c.lon) == (p.lat, p.lon) for c in claims)
    ]
    orphans = [
        c.draft_id
        for c in claims
        if c.place_id is None
        and c.lat is not None
        and not any((c.lat, c.lon) == (p.lat, p.lon) for p in needed)
    ]
    if orphans:
        raise IngestError(
            [
                f"events.csv: place_id: draft {d} has coordinates but no place; choose a "
                "place, or pass its candidate as a new place"
                for d in orphans
            ]
        )
    rows = article_rows(
        article,
        claims,
        needed,
        source_ids=_column(data["sources"], "source_id"),
        event_ids=_column(data["events"], "event_id"),
        incident_ids=_column(data["events"], "incident_id"),
        place_ids=_column(data["places"], "place_id"),
        event_columns=tuple(_header(data["events"], EVENTS)),
    )
    new = {
        "sources": _append(data["sources"], SOURCES, [rows.source]),
        "places": _append(data["places"], PLACES, rows.places)
        if rows.places
        else data["places"] or b"",
        "events": _append(data["events"], EVENTS, rows.events),
    }
    problems = _validate(new, real)
    if problems:
        raise IngestError(problems)
    changes = {
        real[name]: (new[name], loaded[name].version)
        for name in real
        if new[name] != (loaded[name].data or b"")
    }
    store.save_many(changes)
    return SaveResult(
        source_id=rows.source["source_id"],
        event_ids=[row["event_id"] for row in rows.events],
        place_ids=[row["place_id"] for row in rows.places],
        files=sorted(changes),
    )
