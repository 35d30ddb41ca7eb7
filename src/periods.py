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
    "Fitted",
    "Period",
    "builtin_frame",
    "builtin_periods",
    "day_text",
    "fit_range",
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


@dataclass(frozen=True)
class Fitted:
    """A date range fitted inside a period, with what had to be changed said in words."""

    start: date
    end: date
    notices: tuple[str, ...] = ()


def day_text(day: date) -> str:
    """A day as the sidebar and notices write it: 19 Sep 2023."""
    return f"{day.day} {day:%b %Y}"


def fit_range(
    label: str,
    lo: date,
    hi: date,
    date_from: date | None,
    date_to: date | None,
    names: tuple[str, str] = ("from=", "to="),
) -> Fitted:
    """``date_from``/``date_to`` (a link's or the date inputs') as a range inside the period
    ``label`` spanning ``lo``..``hi``. A day outside the period is not clamped to its nearest
    edge (``from`` after the end would become a one-day window on the period's last day, a
    view nobody asked for): it is left out, the period's own bound used, and a notice names
    the value, what was done and how to get that day. ``names`` prefix the values in notices
    (the link's ``from=``, the inputs' "From ")."""
    notes: list[str] = []
    start, end = lo, hi
    span = f"the period {label}, which runs {day_text(lo)} – {day_text(hi)}"
    if date_from is not None:
        if lo <= date_from <= hi:
            start = date_from
        elif date_from > hi:
            notes.append(
                f"Ignored {names[0]}{date_from.isoformat()}: it is after the end of {span}; the "
                f"range starts at its first day, {day_text(lo)}. Choose a period that "
                "includes that day (e.g. All dates) to start there."
            )
        else:
            notes.append(
                f"{names[0]}{date_from.isoformat()} is before the start of {span}: the range "
                f"starts at its first day, {day_text(lo)}."
            )
    if date_to is not None:
        if lo <= date_to <= hi:
            end = date_to
        elif date_to < lo:
            notes.append(
                f"Ignored {names[1]}{date_to.isoformat()}: it is before the start of {span}; the "
                f"range ends at its last day, {day_text(hi)}. Choose a period that "
                "includes that day (e.g. All dates) to end there."
            )
        else:
            notes.append(
                f"{names[1]}{date_to.isoformat()} is after the end of {span}: the range ends at "
                f"its last day, {day_text(hi)}."
            )
    if start > end:  # both inside the period but reversed (typed inputs)
        notes.append(
            f"{names[0]}{start.isoformat()} is after {names[1]}{end.isoformat()}: the range is "
            f"the one day {day_text(start)}."
        )
        end = start
    return Fitted(start, end, tuple(notes))


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
