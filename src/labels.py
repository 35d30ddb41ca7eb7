"""Words the app shows for the schema's values: one place for every label, so the map, the
pages, the briefing frame and the exports never word the same thing two ways.

No Streamlit; pandas only to read a row's cells. Side and event-type names are the schema's
closed lists themselves; they are re-exported here in display order for code that only needs
labels. ``date_label`` and ``figure_label`` word one claim's date and figures the same way on
the map, the pages and the exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from pandas.api.typing import NAType

from src.rows import Row, per_distinct, records
from src.schema import CLAIMANT_SIDES, EVENT_TYPES, FIGURE_COLUMNS

__all__ = [
    "EVENT_TYPE_NAMES",
    "FACET_LABELS",
    "FIGURE_NAMES",
    "PERIOD_LABELS",
    "PERIOD_TITLES",
    "SIDE_NAMES",
    "VERIFICATION_LABELS",
    "Credit",
    "Figure",
    "claims_count",
    "credits_line",
    "dataset_credits",
    "dataset_labels",
    "dataset_names",
    "date_label",
    "figure_label",
    "figure_parts",
    "figures_text",
    "verification_label",
]

#: Claimant sides and event types, in the order legends and charts list them.
SIDE_NAMES: tuple[str, ...] = CLAIMANT_SIDES
EVENT_TYPE_NAMES: tuple[str, ...] = EVENT_TYPES

VERIFICATION_LABELS: dict[str, str] = {
    "unverified": "Unverified",
    "disputed": "Disputed",
    "denied": "Denied by another party",
    "confirmed": "Confirmed",
}

#: The sidebar's and captions' name of each period (``schema.PERIODS`` holds the dates).
PERIOD_LABELS: dict[str, str] = {
    "all": "All dates",
    "background": "Background (to the Nov 2020 ceasefire)",
    "blockade": "Blockade (12 Dec 2022 – 18 Sep 2023)",
    "offensive": "Offensive (19–21 Sep 2023)",
}
#: A briefing frame's default title for each period.
PERIOD_TITLES: dict[str, str] = {
    "all": "Nagorno-Karabakh conflict: claims by the parties",
    "background": "Nagorno-Karabakh to the 2020 ceasefire: claims by the parties",
    "blockade": "The Lachin corridor blockade: claims by the parties",
    "offensive": "Azerbaijan's September 2023 offensive in Nagorno-Karabakh: claims",
}

#: Filter field -> how captions and the sidebar name it.
FACET_LABELS: dict[str, str] = {
    "datasets": "dataset",
    "sources": "source",
    "sides": "claimant side",
    "claimants": "claimant",
    "actors": "actor",
    "types": "event type",
    "places": "place",
}


def verification_label(value: str) -> str:
    """The label of a verification value (the value itself if it has none)."""
    return VERIFICATION_LABELS.get(value, value)


#: A figure cell: a count, NaN or ``pd.NA`` when blank (or None from a plain dict).
Figure = int | float | np.integer[Any] | NAType | None


def _span_text(row: Row) -> str:
    start, end = pd.Timestamp(row["date_start"]), pd.Timestamp(row["date_end"])
    fmt = {"year": "%Y", "month": "%b %Y"}.get(row.get("date_precision", "day"), "%d %b %Y")
    text = start.strftime(fmt)
    return text if end.strftime(fmt) == text else f"{text} – {end.strftime(fmt)}"


def _date_label(span: str, time_of_day: str | None, precision: str) -> str:
    return (
        f"{span} ({time_of_day}) · precision: {precision}"
        if time_of_day
        else (f"{span} · precision: {precision}")
    )


def date_label(row: Row) -> str:
    """The claim's date as precisely as it is known, never more."""
    precision = row.get("date_precision", "day")
    return _date_label(_span_text(row), row.get("time_of_day") or "", precision)


def date_labels(frame: pd.DataFrame) -> list[str]:
    """``date_label`` of every row of ``frame``, each date span formatted once (10^6 claims
    hold a few thousand)."""
    spans = per_distinct(frame, ["date_start", "date_end", "date_precision"], _span_text)
    tods = frame["time_of_day"].fillna("").tolist()
    precisions = frame["date_precision"].tolist()
    return [_date_label(*cells) for cells in zip(spans, tods, precisions, strict=True)]


def figure_label(value: Figure) -> str:
    """A claimed figure, with blank kept distinct from zero."""
    if value is None or pd.isna(value):
        return "not stated"
    return str(int(value))


#: How each figure column is named next to its value ("killed: 3").
FIGURE_NAMES: dict[str, str] = {
    "fatalities": "killed",
    "injured": "injured",
    "displaced": "displaced",
    "missing": "missing",
}
assert tuple(FIGURE_NAMES) == FIGURE_COLUMNS
#: Figures named on every claim, "not stated" when blank; the others only where stated, so a
#: shelling claim is not padded with "displaced: not stated, missing: not stated".
ALWAYS_NAMED: tuple[str, ...] = ("fatalities", "injured")


def figure_parts(row: Row) -> list[tuple[str, str]]:
    """(name, value as claimed) of each figure a claim shows, in ``FIGURE_COLUMNS`` order:
    killed and injured always, displaced and missing where the claim states them."""
    parts = []
    for column in FIGURE_COLUMNS:
        text = figure_label(row.get(column))
        if column in ALWAYS_NAMED or text != "not stated":
            parts.append((FIGURE_NAMES[column], text))
    return parts


def figures_text(row: Row) -> str:
    """The figures as claimed, in words ("killed: 3, injured: not stated"), with the figures
    note: the one wording of the tables, the details panel and the chart tooltips."""
    text = ", ".join(f"{name}: {value}" for name, value in figure_parts(row))
    note = row.get("figures_note") or ""
    return f"{text} ({note})" if note else text


def _dataset_counts(datasets: pd.DataFrame, events: pd.DataFrame) -> list[tuple[Row, int]]:
    """Each dataset row with how many of ``events`` belong to it, in ``datasets`` order;
    an id the events carry that ``datasets`` lacks is listed by its id (never dropped)."""
    counts = events["dataset"].value_counts()
    rows: list[tuple[Row, int]] = [
        (row, int(counts.get(row["dataset_id"], 0))) for row in records(datasets)
    ]
    listed = set(datasets["dataset_id"])
    rows += [
        ({"dataset_id": d, "name": str(d), "credit": ""}, int(n))
        for d, n in counts.items()
        if d not in listed
    ]
    return rows


def claims_count(n: int) -> str:
    """``1 claim``, ``1,204 claims``."""
    return f"{n:,} claim{'' if n == 1 else 's'}"


def dataset_labels(datasets: pd.DataFrame, events: pd.DataFrame) -> dict[str, str]:
    """dataset id -> "name · N claims", for the sidebar's dataset filter."""
    return {
        str(row["dataset_id"]): f"{row['name']} · {claims_count(n)}"
        for row, n in _dataset_counts(datasets, events)
    }


class Credit(NamedTuple):
    """One dataset shown: its id, name, how many claims of the view are from it, its credit."""

    dataset_id: str
    name: str
    claims: int
    credit: str


def dataset_credits(datasets: pd.DataFrame, shown: pd.DataFrame) -> list[Credit]:
    """Each dataset with a claim in ``shown``, in ``datasets`` order: what the map legend and
    the briefing frame name and credit, as the datasets' terms require."""
    return [
        Credit(str(row["dataset_id"]), str(row["name"]), n, str(row.get("credit") or ""))
        for row, n in _dataset_counts(datasets, shown)
        if n
    ]


def credits_line(credits: Sequence[Credit]) -> str:
    """The credits in one line: "Articles (5), 120 claims — …; ACLED …, 40 claims — data: …"."""
    return "; ".join(
        f"{c.name}, {claims_count(c.claims)}" + (f" — {c.credit}" if c.credit else "")
        for c in credits
    )


def dataset_names(datasets: pd.DataFrame) -> dict[str, str]:
    """dataset id -> its name ("ACLED Armenia 2018–2020"), for captions and filters in words."""
    return dict(zip(datasets["dataset_id"], datasets["name"], strict=True))
