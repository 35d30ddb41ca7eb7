"""The Claims and Timeline pages' frames as ``src/analysis`` built them row by row, kept as the
oracle for the vectorised versions (like ``tests/test_filters_reference.py``'s ``reference``):
``tests/test_analysis_reference.py`` checks that both give the same frames. Not used by the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import pandas as pd

from src.analysis import coverage
from src.analysis.coverage import disagreement_cells
from src.analysis.incidents import (
    Discrepancy,
    _grouped,
    _sources_of,
    _title,
    discrepancies,
)
from src.analysis.timeline import (
    _TIME_ORDER,
    ChronologyEntry,
    DayGroup,
    claim_span,
    group_label,
    lane_key,
)
from src.labels import date_label, figure_label, figures_text, verification_label
from src.rows import records
from src.schema import split_list


def all_discrepancies(events: pd.DataFrame) -> dict[str, list[Discrepancy]]:
    """Incident id -> its discrepancies (empty list if uncontested), for every incident."""
    return {iid: discrepancies(rows) for iid, rows in _grouped(events).items()}


def incident_overview(
    events: pd.DataFrame,
    place_names: Mapping[str, str],
    whole: pd.DataFrame | None = None,
    found: Mapping[str, Sequence[Discrepancy]] | None = None,
) -> pd.DataFrame:
    """One row per incident in ``events``: title, counts, sides, contested, kinds.

    ``whole`` (all claims) lets the row say how many claims of the incident the filters hide;
    ``found`` (``all_discrepancies(events)``) saves detecting the discrepancies twice.
    """
    columns = [
        "incident_id",
        "title",
        "start",
        "claims",
        "hidden_claims",
        "articles",
        "sides",
        "contested",
        "kinds",
    ]
    groups = _grouped(events)
    if found is None:
        found = {iid: discrepancies(rows) for iid, rows in groups.items()}
    totals = (whole if whole is not None else events)["incident_id"].value_counts().to_dict()
    rows = []
    for iid, claims in groups.items():
        kinds = tuple(dict.fromkeys(d.kind for d in found[iid]))
        rows.append(
            {
                "incident_id": iid,
                "title": _title(claims, place_names),
                "start": min(r["date_start"] for r in claims),
                "claims": len(claims),
                "hidden_claims": int(totals.get(iid, len(claims))) - len(claims),
                "articles": len(_sources_of(claims)),
                "sides": tuple(sorted({r["claimant_side"] for r in claims})),
                "contested": bool(kinds),
                "kinds": kinds,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def figure_frame(
    claims: pd.DataFrame,
    place_names: Mapping[str, str],
    column: str = "fatalities",
) -> pd.DataFrame:
    """Chart rows: one per claim, its figure (NA = not stated, never 0) and its context."""
    titles = {iid: f"{iid} · {_title(rows, place_names)}" for iid, rows in _grouped(claims).items()}
    rows = []
    for row in records(claims.sort_values("event_id")):
        value = row[column]
        stated = value is not None and not pd.isna(value)
        rows.append(
            {
                "incident": titles[row["incident_id"]],
                "incident_id": row["incident_id"],
                "event_id": row["event_id"],
                "claimant": row["claimant"],
                "claimant_side": row["claimant_side"],
                "sources": row["source_ids"].replace(";", ", "),
                "verification": row["verification"],
                "date": date_label(row),
                "value": int(value) if stated else pd.NA,
                "stated": stated,
                "label": figure_label(value),
                "figures": figures_text(row),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "incident",
            "incident_id",
            "event_id",
            "claimant",
            "claimant_side",
            "sources",
            "verification",
            "date",
            "value",
            "stated",
            "label",
            "figures",
        ],
    )
    out["value"] = out["value"].astype("Int64")
    return out


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


def carried(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (claim, article carrying it): the claims exploded on ``source_ids``."""
    out = events.assign(source_id=events["source_ids"].map(split_list)).explode("source_id")
    return out[out["source_id"].notna() & (out["source_id"] != "")]


def exclusive_claims(events: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Article -> the claims that it alone carries (no other article's source_ids list it)."""
    # a bool mask even when empty: an empty object-dtype one would select columns, not rows
    alone = events["source_ids"].map(lambda v: len(split_list(v)) == 1).astype(bool)
    single = events[alone]
    return {str(sid): rows for sid, rows in single.groupby("source_ids", sort=True)}


def exclusive_incidents(events: pd.DataFrame) -> dict[str, list[str]]:
    """Article -> the incidents that no other article reports at all."""
    pairs = carried(events)
    per_incident = pairs.groupby("incident_id")["source_id"].unique()
    out: dict[str, list[str]] = {}
    for iid, sids in per_incident.items():
        if len(sids) == 1:
            out.setdefault(str(sids[0]), []).append(str(iid))
    return {sid: sorted(ids) for sid, ids in sorted(out.items())}


def coverage_matrix(events: pd.DataFrame, source_ids: Iterable[str]) -> pd.DataFrame:
    """Claims each article carries about each incident (0 = not covered).

    Rows are every article in ``source_ids`` (in that order, even one with no claim in view),
    columns the incidents present in ``events``, sorted.
    """
    rows = list(source_ids)
    incidents = sorted(events["incident_id"].unique())
    pairs = carried(events)
    counts = pd.crosstab(pairs["source_id"], pairs["incident_id"]) if len(pairs) else None
    matrix = pd.DataFrame(0, index=pd.Index(rows, name="source_id"), columns=incidents)
    if counts is not None:
        common = [r for r in rows if r in counts.index]
        matrix.loc[common, counts.columns] = counts.loc[common].to_numpy()
    matrix.columns.name = "incident_id"
    return matrix.astype(int)


def article_summary(
    events: pd.DataFrame,
    sources: pd.DataFrame,
    found: dict[str, list[Discrepancy]],
) -> pd.DataFrame:
    """One row per article: headline, date, claims carried, what only it reports, disagreements."""
    pairs = carried(events)
    per_source = pairs.groupby("source_id")
    only_claims = exclusive_claims(events)
    only_incidents = exclusive_incidents(events)
    cells = disagreement_cells(found)
    rows = []
    for src in sources.sort_values("source_id").to_dict("records"):
        sid = src["source_id"]
        mine = per_source.get_group(sid) if sid in per_source.groups else pairs.iloc[0:0]
        rows.append(
            {
                "Article": sid,
                "Headline": src["headline"],
                "Published": src["published"].date()
                if hasattr(src["published"], "date")
                else src["published"],
                "Claims": len(mine),
                "Incidents": int(mine["incident_id"].nunique()),
                "Claims only it carries": len(only_claims.get(sid, ())),
                "Incidents only it reports": coverage.listed(only_incidents.get(sid, [])),
                "Contested incidents it reports on": len({iid for (s, iid) in cells if s == sid}),
            }
        )
    return pd.DataFrame(rows)
