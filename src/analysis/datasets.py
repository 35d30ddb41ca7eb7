"""The Data page's tables and words: the datasets present, what a file was detected as, and
an import's report. Pure (no Streamlit), so the page only lays these out.

The importers (``src.importers``) do the work; this module only words their results for an
analyst: every count, every row-level problem as ``file:line: field: message``, nothing
summarised away.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from src.csvio import Problem
from src.dataset import Dataset
from src.importers import Detection, ImportPlan, parse_bbox
from src.importers import ImportError as NotImportable

__all__ = [
    "DATASET_COLUMNS",
    "MAX_PROBLEMS_SHOWN",
    "PlanKey",
    "datasets_table",
    "detection_facts",
    "digest",
    "mapping_table",
    "parse_bbox_text",
    "plan_counts",
    "preview_problems",
    "preview_table",
    "problems_text",
]

#: The datasets table's columns, as the page heads them.
DATASET_COLUMNS: dict[str, str] = {
    "name": "Dataset",
    "dataset_id": "Id",
    "kind": "Kind",
    "claims": "Claims loaded",
    "credit": "Credit",
    "file": "Imported file",
    "format": "Layout",
    "imported": "Imported on",
}
#: Row-level problems listed on the page; all of them are in the downloadable list.
MAX_PROBLEMS_SHOWN = 200
#: The claim fields a preview shows first, in this order (the rest follow).
PREVIEW_FIRST = (
    "event_id",
    "original_id",
    "date_start",
    "date_end",
    "place_id",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "claimant",
    "claimant_side",
    "fatalities",
    "verification",
    "summary",
)


@dataclass(frozen=True)
class PlanKey:
    """What a planned import depends on: when any of it changes, the plan is redone."""

    digest: str
    dataset: str
    fmt: str
    bbox: str


def digest(data: bytes) -> str:
    """A short fingerprint of a file's bytes (keys the page's plan to the file it checked)."""
    return hashlib.sha256(data).hexdigest()[:16]


def datasets_table(data: Dataset) -> pd.DataFrame:
    """One row per dataset: name, id, kind, the claims loaded from it, credit, file, layout
    and import date (blank where the dataset does not say)."""
    counts = data.events["dataset"].value_counts()
    frame = data.datasets.copy()
    frame["claims"] = frame["dataset_id"].map(counts).fillna(0).astype(int)
    for column in DATASET_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame["imported"] = [
        "" if pd.isna(v) or v == "" else pd.Timestamp(v).strftime("%d %b %Y")
        for v in frame["imported"]
    ]
    out = frame[list(DATASET_COLUMNS)].rename(columns=DATASET_COLUMNS)
    return out.fillna("").reset_index(drop=True)


def detection_facts(detection: Detection) -> list[tuple[str, str]]:
    """(label, value) pairs saying what the file is: format, layout, encoding, delimiter,
    rows, and the reader's notes (HXL row skipped, CRLF, trailing columns dropped)."""
    delimiter = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
        detection.delimiter, repr(detection.delimiter)
    )
    facts = [
        ("File", detection.name),
        ("Format", detection.format or "not recognised"),
        ("Layout", detection.layout or "not recognised"),
        ("Encoding", detection.encoding),
        ("Delimiter", delimiter),
        ("Data rows", f"{detection.rows:,}"),
        ("HXL hashtag row", "yes (skipped)" if detection.hxl else "no"),
    ]
    facts += [("Note", note) for note in detection.notes]
    return facts


def mapping_table(detection: Detection) -> pd.DataFrame:
    """Every column of the file and what becomes of it: a claim field, or kept verbatim in
    the claim's original fields (nothing is dropped)."""
    rows = [
        {"File column": column, "Becomes": detection.mapping[column]}
        for column in detection.header
        if column in detection.mapping
    ]
    mapped = {r["File column"] for r in rows}
    rows += [
        {"File column": column, "Becomes": "kept as written in original_fields"}
        for column in detection.unmapped
        if column not in mapped
    ]
    return pd.DataFrame(rows, columns=["File column", "Becomes"])


def preview_table(detection: Detection) -> pd.DataFrame:
    """The first rows that become claims, the main fields first (rows that would be skipped
    are in ``preview_problems``)."""
    frame = pd.DataFrame([row for row in detection.preview if "problem" not in row])
    if frame.empty:
        return frame
    first = [c for c in PREVIEW_FIRST if c in frame.columns]
    return frame[first + [c for c in frame.columns if c not in first]].fillna("")


def preview_problems(detection: Detection) -> list[str]:
    """Why each previewed row that would be skipped is skipped (``file:line: field: …``)."""
    return [row["problem"] for row in detection.preview if "problem" in row]


def plan_counts(plan: ImportPlan) -> list[tuple[str, int, str]]:
    """(label, count, help) of what an import would do, in the report's order."""
    return [
        ("New", plan.new, "rows whose original id is not in the dataset yet"),
        ("Updated", plan.updated, "same original id, changed values: updated in place"),
        ("Unchanged", plan.unchanged, "same original id and values as already imported"),
        ("Merged", plan.merged, "repeated rows of one event (monadic export) merged into it"),
        ("Skipped", plan.skipped, "rows not taken; each is listed below with the reason"),
        ("Kept", plan.kept, "earlier events of this dataset not in this file: kept"),
    ]


def problems_text(problems: Sequence[Problem], limit: int = MAX_PROBLEMS_SHOWN) -> str:
    """The row-level problems, one ``file:line: field: message`` a line, the first ``limit``
    and then how many more (the page offers them all as a download)."""
    lines = [str(p) for p in problems[:limit]]
    more = len(problems) - limit
    if more > 0:
        lines.append(f"… and {more:,} more (download the full list)")
    return "\n".join(lines)


def parse_bbox_text(text: str) -> tuple[float, float, float, float] | None:
    """The page's optional "S,W,N,E" box: None when blank; ``ValueError`` with the reason
    when malformed (the importers' own check, so the page and ``--bbox`` agree)."""
    if not text.strip():
        return None
    try:
        return parse_bbox(text.strip())
    except NotImportable as exc:
        raise ValueError(str(exc).replace("--bbox ", "")) from exc
