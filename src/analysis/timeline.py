"""Claims over time: how long each claim's date really is, chart lanes, and a day-by-day list.

A claim dated "September 2023" or "19 or 20 September" must not be drawn as one exact instant,
so each claim becomes a span ``[span_start, span_end)`` covering everything its date could
mean: whole days (end exclusive), narrowed to a part of the day where the article gives one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd

from src.labels import date_label, verification_label
from src.rows import Row, records
from src.schema import CLAIMANT_SIDES, TIME_OF_DAY_HOURS, TIMES_OF_DAY, split_list

#: A clock time in the data (``HH:MM``) is drawn this far either side: reports round times.
CLOCK_SLACK = timedelta(minutes=15)
_TIME_ORDER = {"": 0, **{name: i for i, name in enumerate(TIMES_OF_DAY, start=1)}}
LANE_SEP = "|"


def claim_span(row: Row) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The instants a claim's date may denote: whole days, or the part of one day it names."""
    start = pd.Timestamp(row["date_start"]).normalize()
    end = pd.Timestamp(row["date_end"]).normalize() + pd.Timedelta(days=1)
    tod = (row.get("time_of_day") or "").strip()
    if tod and start + pd.Timedelta(days=1) == end:
        if tod in TIME_OF_DAY_HOURS:
            lo, hi = TIME_OF_DAY_HOURS[tod]
            return start + pd.Timedelta(hours=lo), start + pd.Timedelta(hours=hi)
        try:
            clock = time.fromisoformat(tod)
        except ValueError:
            return start, end
        at = pd.Timestamp(datetime.combine(start.date(), clock))
        return at - CLOCK_SLACK, at + CLOCK_SLACK
    return start, end


def assign_lanes(frame: pd.DataFrame) -> pd.Series[int]:
    """Per claimant side, the first free lane for each span so no two overlapping spans share."""
    lanes = pd.Series(0, index=frame.index, dtype=int)
    for _, rows in frame.groupby("claimant_side", sort=False):
        ends: list[pd.Timestamp] = []
        for idx, row in rows.sort_values(["span_start", "span_end", "event_id"]).iterrows():
            for lane, last_end in enumerate(ends):
                if last_end <= row["span_start"]:
                    ends[lane] = row["span_end"]
                    lanes.at[idx] = lane
                    break
            else:
                ends.append(row["span_end"])
                lanes.at[idx] = len(ends) - 1
    return lanes


def lane_key(side: str, lane: int) -> str:
    """A sortable y value: side order, side name, lane; the axis shows the name on lane 0."""
    order = CLAIMANT_SIDES.index(side) if side in CLAIMANT_SIDES else len(CLAIMANT_SIDES)
    return f"{order}{LANE_SEP}{side}{LANE_SEP}{lane:03d}"


def timeline_frame(
    events: pd.DataFrame,
    place_names: Mapping[str, str],
    headlines: Mapping[str, str],
) -> pd.DataFrame:
    """Chart rows: one per claim with its span, midpoint, lane and every tooltip field."""
    columns = [
        "event_id",
        "incident_id",
        "claimant",
        "claimant_side",
        "event_type",
        "sub_event_type",
        "verification",
        "status",
        "place",
        "sources",
        "summary",
        "date_text",
        "date_precision",
        "span_start",
        "span_end",
        "mid",
        "lane",
        "lane_key",
    ]
    if events.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for row in records(events):
        start, end = claim_span(row)
        rows.append(
            {
                "event_id": row["event_id"],
                "incident_id": row["incident_id"],
                "claimant": row["claimant"],
                "claimant_side": row["claimant_side"],
                "event_type": row["event_type"],
                "sub_event_type": row["sub_event_type"],
                "verification": row["verification"],
                "status": verification_label(row["verification"]),
                "place": place_names.get(row["place_id"], "no place given")
                if row["place_id"]
                else "no place given",
                "sources": "; ".join(
                    f"{s}: {headlines.get(s, 'unknown source')}"
                    for s in split_list(row["source_ids"])
                ),
                "summary": row["summary"],
                "date_text": date_label(row),
                "date_precision": row["date_precision"],
                "span_start": start,
                "span_end": end,
                "mid": start + (end - start) / 2,
            }
        )
    out = pd.DataFrame(rows)
    out["lane"] = assign_lanes(out)
    out["lane_key"] = [
        lane_key(s, n) for s, n in zip(out["claimant_side"], out["lane"], strict=True)
    ]
    return out[columns]


def lane_domain(frame: pd.DataFrame) -> list[str]:
    """The y domain: every lane key in the frame, sides in schema order."""
    return sorted(frame["lane_key"].unique()) if len(frame) else []


# --- chronology ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChronologyEntry:
    event_id: str
    incident_id: str
    time_of_day: str
    claimant: str
    claimant_side: str
    what: str
    place: str
    source_ids: tuple[str, ...]
    status: str
    summary: str


@dataclass(frozen=True)
class DayGroup:
    """The claims sharing one date as precisely as the articles give it."""

    label: str
    start: date
    end: date
    entries: tuple[ChronologyEntry, ...] = field(default=())


def group_label(row: Row) -> str:
    """A single day in full ("Tuesday 19 September 2023"); a span as the articles date it."""
    start, end = pd.Timestamp(row["date_start"]), pd.Timestamp(row["date_end"])
    if row["date_precision"] == "day" and start == end:
        return f"{start:%A %d %B %Y}"
    text = date_label({**row, "time_of_day": ""}).split(" · ")[0]
    if row["date_precision"] == "day":
        return f"{text} (exact day not given)" if (end - start).days <= 7 else text
    return f"{text} ({row['date_precision']})"


def chronology(events: pd.DataFrame, place_names: Mapping[str, str]) -> list[DayGroup]:
    """The claims grouped by date, oldest first; within a date by time of day, then claim id."""
    groups: dict[tuple[date, date, str], list[ChronologyEntry]] = {}
    bounds: dict[tuple[date, date, str], tuple[date, date, str]] = {}
    ordered = events.assign(
        _t=events["time_of_day"].map(lambda t: _TIME_ORDER.get(t, 5))
    ).sort_values(["date_start", "date_end", "_t", "event_id"])
    for row in records(ordered):
        label = group_label(row)
        start, end = row["date_start"].date(), row["date_end"].date()
        key = (start, end, label)
        bounds[key] = (start, end, label)
        groups.setdefault(key, []).append(
            ChronologyEntry(
                event_id=row["event_id"],
                incident_id=row["incident_id"],
                time_of_day=row["time_of_day"],
                claimant=row["claimant"],
                claimant_side=row["claimant_side"],
                what=row["sub_event_type"],
                place=place_names.get(row["place_id"], "no place given")
                if row["place_id"]
                else "no place given",
                source_ids=tuple(split_list(row["source_ids"])),
                status=verification_label(row["verification"]),
                summary=row["summary"],
            )
        )
    return [
        DayGroup(label=bounds[k][2], start=bounds[k][0], end=bounds[k][1], entries=tuple(v))
        for k, v in sorted(groups.items(), key=lambda kv: kv[0])
    ]


# --- zoom presets ----------------------------------------------------------------------------

#: Preset x ranges for the chart; None = the filters' whole window.
ZOOMS: dict[str, tuple[datetime, datetime] | None] = {
    "window": None,
    "offensive": (datetime(2023, 9, 18, 18), datetime(2023, 9, 21, 0)),
}
ZOOM_LABELS: dict[str, str] = {
    "window": "Whole filtered period",
    "offensive": "Hours of 19–20 Sep 2023",
}


def zoom_domain(zoom: str, start: date, end: date) -> tuple[datetime, datetime]:
    """The x range for a preset, given the filter window [start, end] (days, inclusive)."""
    preset = ZOOMS.get(zoom)
    if preset is not None:
        return preset
    lo = datetime.combine(start, time())
    hi = datetime.combine(end, time()) + timedelta(days=1)
    pad = max((hi - lo) / 50, timedelta(hours=2))
    return lo - pad, hi + pad
