"""The existing incident a draft may belong to: claims of the dataset at the same place whose
dates overlap the draft's, of the same event type, best first (same sub-type and start day).

A draft joins an incident so that its figures stand side by side with the earlier accounts
of the same happening; it is a suggestion the analyst confirms or clears, never a merge.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

__all__ = ["IncidentIndex"]

#: At most this many candidate incidents per draft.
MAX_CANDIDATES = 5


class IncidentIndex:
    """The dataset's located claims, for candidate lookups by place, day and type."""

    def __init__(self, events: pd.DataFrame) -> None:
        cols = ["incident_id", "place_id", "date_start", "date_end", "event_type", "sub_event_type"]
        frame = events[[c for c in cols if c in events.columns]]
        frame = frame[frame["place_id"].fillna("").astype(str) != ""]
        self._by_place = {str(k): g for k, g in frame.groupby(frame["place_id"].astype(str))}

    def candidates(
        self, place_id: str | None, start: date, end: date, event_type: str, sub_type: str
    ) -> list[str]:
        """Incident ids of same-place, overlapping, same-type claims, best first."""
        if not place_id or place_id not in self._by_place:
            return []
        group = self._by_place[place_id]
        starts = pd.to_datetime(group["date_start"]).dt.date
        ends = pd.to_datetime(group["date_end"]).dt.date
        hit = group[(starts <= end) & (ends >= start) & (group["event_type"] == event_type)]
        if hit.empty:
            return []
        score = (hit["sub_event_type"] != sub_type).astype(int) * 2 + (
            pd.to_datetime(hit["date_start"]).dt.date != start
        ).astype(int)
        ranked = hit.assign(_score=score).sort_values(["_score", "incident_id"])
        return list(dict.fromkeys(ranked["incident_id"].astype(str)))[:MAX_CANDIDATES]

    def best(
        self, candidates: list[str], place_id: str | None, start: date, sub_type: str
    ) -> str | None:
        """The candidate to propose: one of the same sub-type starting the same day, else none
        (the others are listed for the analyst)."""
        if not candidates or not place_id:
            return None
        group = self._by_place[place_id]
        first = group[group["incident_id"].astype(str) == candidates[0]]
        same = (first["sub_event_type"] == sub_type) & (
            pd.to_datetime(first["date_start"]).dt.date == start
        )
        return candidates[0] if bool(same.any()) else None
