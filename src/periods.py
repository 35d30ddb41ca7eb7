"""The period presets: named date windows an analyst keeps in ``periods.csv``, not in code.

The sidebar's period control, the ``period=`` link parameter, the briefing caption and
``kcm briefing --period`` all read the presets of the loaded data folder, so adding a row
("Exodus (24 Sep – 1 Oct 2023)") is all it takes to offer a new window. A folder made before
the file existed still loads: it gets the built-in presets (``schema.PERIODS``) and a note
saying so. ``all`` (no bounds) is always offered, first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from src.labels import PERIOD_LABELS
from src.rows import records
from src.schema import ALL_PERIOD, PERIODS, PERIODS_TABLE
from src.validation import typed_frame

__all__ = [
    "FALLBACK_NOTE",
    "Period",
    "builtin_frame",
    "builtin_periods",
    "labels_of",
    "periods_of",
]

#: Shown where the period control is when the data folder has no periods.csv.
FALLBACK_NOTE = (
    "This data folder has no periods.csv: the period control offers the built-in presets "
    f"({', '.join(PERIODS)}). Add the file to name windows of your own."
)


@dataclass(frozen=True)
class Period:
    """One preset: its id (in links), its label (in the sidebar and captions) and its
    inclusive bounds, ``None`` where open (the data's own first or last date)."""

    period_id: str
    label: str
    start: date | None = None
    end: date | None = None
    notes: str = ""


def builtin_frame() -> pd.DataFrame:
    """The built-in presets as a typed periods frame, as if read from a file (``line`` 0:
    from none)."""
    raw = pd.DataFrame(
        [
            {
                "period_id": pid,
                "label": PERIOD_LABELS[pid],
                "start": lo.isoformat() if lo else "",
                "end": hi.isoformat() if hi else "",
                "notes": "built in",
            }
            for pid, (lo, hi) in PERIODS.items()
        ],
        columns=list(PERIODS_TABLE.column_names),
        index=[0] * len(PERIODS),
    ).astype("string")
    return typed_frame(PERIODS_TABLE, raw)


def _day(value: pd.Timestamp | None) -> date | None:
    return None if value is None or pd.isna(value) else value.date()


def periods_of(frame: pd.DataFrame) -> dict[str, Period]:
    """period_id -> Period of a typed periods frame, in file order with ``all`` first (added
    as "All dates" if the file leaves it out: every view starts there)."""
    found = {
        str(r["period_id"]): Period(
            str(r["period_id"]),
            str(r["label"]),
            _day(r["start"]),
            _day(r["end"]),
            str(r.get("notes") or ""),
        )
        for r in records(frame)
    }
    first = found.pop(ALL_PERIOD, Period(ALL_PERIOD, PERIOD_LABELS[ALL_PERIOD]))
    return {ALL_PERIOD: first, **found}


def builtin_periods() -> dict[str, Period]:
    """The built-in presets, as :func:`periods_of` gives them."""
    return periods_of(builtin_frame())


def labels_of(periods: Mapping[str, Period]) -> dict[str, str]:
    """period_id -> label, for widgets' ``format_func``."""
    return {pid: p.label for pid, p in periods.items()}
