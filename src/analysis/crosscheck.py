"""The cross-check: for each article claim, the imported dataset events near it in place and
time, and where the two disagree.

A claim from an article and an ACLED or UCDP event are two *claims* about the world, so a
match never merges them: each pair keeps both sides' figures, types and actors, and a flag
says where they differ. Blank figures are "not stated" and never differ from anything; a
UCDP range (``fatalities_low``–``fatalities_high``) disagrees only with a figure outside it;
an ACLED 0 is flagged with ACLED's own caveat (it codes 0 where no figure was reported).

A pair matches when the event's place lies within ``km`` of the claim's place (for a route,
of its nearest waypoint) and its date span overlaps the claim's widened by ``days`` either
side. Claims with no place, or whose dates span more than ``max_span_days`` (a war, a year),
are *not checked* and say why, rather than matching everything in range.

Pure and vectorised: dataset events are sorted by start date once, each claim takes its
candidate slice with ``searchsorted``, and distances are haversine over numpy arrays (within
0.5 % of the geodesic, ample for a radius of kilometres) — 120 claims against 100k events
take well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from src.analysis.text import md
from src.labels import Figure, figure_label
from src.rows import Row, records
from src.schema import ARTICLES_DATASET, split_list

__all__ = [
    "ARTICLES",
    "FLAG_LABELS",
    "MATCH_FILTERS",
    "SHOWN_MATCHES",
    "CrossCheck",
    "CrossCheckParams",
    "claim_markdown",
    "cross_check",
    "incident_summary",
    "match_markdown",
    "matched_first",
]

#: The dataset id of the bundled article claims (blank ``dataset`` means this one).
ARTICLES = ARTICLES_DATASET
EARTH_KM = 6371.0088
#: Flag kind -> its words.
FLAG_LABELS: dict[str, str] = {
    "fatalities": "killed differ",
    "injured": "injured differ",
    "type": "event type differs",
    "sub_type": "sub-event type differs",
    "actors": "actors differ",
}
#: The Claims page's "matching dataset event" filter: value -> its words.
MATCH_FILTERS: dict[str, str] = {
    "all": "All claims",
    "with": "With a matching dataset event",
    "without": "Without a matching dataset event",
}
Status = Literal["matched", "unmatched", "unchecked"]


@dataclass(frozen=True)
class CrossCheckParams:
    """How near counts as a match; hashable so it can key caches."""

    km: float = 10.0
    days: int = 1
    max_span_days: int = 31


@dataclass(frozen=True)
class CrossCheck:
    """``matches``: one row per (claim, dataset event) pair with both sides' values and the
    flags; ``status``: one row per article claim (``matched``/``unmatched``/``unchecked``,
    why, how many matches and flagged matches)."""

    params: CrossCheckParams
    matches: pd.DataFrame
    status: pd.DataFrame

    def claim_ids(self, which: str) -> set[str]:
        """Claim ids ``with`` a match, or ``without`` one (unchecked claims included: no match
        was found for them either); ``all`` gives every article claim."""
        if which == "with":
            return set(self.status.loc[self.status["status"] == "matched", "event_id"])
        if which == "without":
            return set(self.status.loc[self.status["status"] != "matched", "event_id"])
        if which == "all":
            return set(self.status["event_id"])
        raise ValueError(f"unknown match filter {which!r} (use one of {', '.join(MATCH_FILTERS)})")

    def for_claim(self, event_id: str) -> pd.DataFrame:
        """The matches of one claim, nearest first."""
        return self.matches[self.matches["claim_id"] == event_id]


def _dataset_ids(events: pd.DataFrame) -> pd.Series:
    """Each event's dataset id (blank or a frame without the column: the articles)."""
    if "dataset" not in events.columns:
        return pd.Series(ARTICLES, index=events.index, dtype="str")
    return events["dataset"].fillna("").replace("", ARTICLES).astype("str")


def _points(places: pd.DataFrame) -> dict[str, np.ndarray]:
    """place id -> its coordinates in radians, one row per point (a route's waypoints)."""
    lat = dict(zip(places["place_id"], places["lat"].astype(float), strict=True))
    lon = dict(zip(places["place_id"], places["lon"].astype(float), strict=True))
    waypoints = (
        dict(zip(places["place_id"], places["waypoints"], strict=True))
        if "waypoints" in places.columns
        else {}
    )
    out: dict[str, np.ndarray] = {}
    for pid in lat:
        ids = [w for w in split_list(waypoints.get(pid) or "") if w in lat] or [pid]
        out[pid] = np.radians(np.array([[lat[w], lon[w]] for w in ids], dtype=float))
    return out


def _haversine_km(point: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance in km from one (lat, lon) point in radians to arrays of points in radians."""
    dlat = lat - point[0]
    dlon = lon - point[1]
    a = np.sin(dlat / 2) ** 2 + np.cos(point[0]) * np.cos(lat) * np.sin(dlon / 2) ** 2
    km: np.ndarray = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return km


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as whole days since the epoch (int64), so windows are plain integer ranges."""
    days: np.ndarray = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    return days


_MATCH_COLUMNS = [
    "claim_id",
    "incident_id",
    "match_id",
    "dataset",
    "original_id",
    "distance_km",
    "days_apart",
    "claim_fatalities",
    "match_fatalities",
    "match_fatalities_low",
    "match_fatalities_high",
    "claim_injured",
    "match_injured",
    "claim_type",
    "match_type",
    "claim_sub_type",
    "match_sub_type",
    "claim_actors",
    "match_actors",
    "match_claimant",
    "match_place_id",
    "match_date_start",
    "match_summary",
    "flags",
]


#: ACLED dates state forces by regime: "Military Forces of Azerbaijan (2003-)". The period is
#: not a different actor, so it is left out when actors are compared (and shown as written).
_REGIME_PERIOD = re.compile(r"\s*\(\d{4}-(\d{4})?\)\s*$")


def _actor_key(name: str) -> str:
    """An actor's name as compared: without ACLED's regime period, case-folded."""
    return _REGIME_PERIOD.sub("", name).strip().casefold()


def _actor_set(actor1: pd.Series, actor2: pd.Series) -> pd.Series:
    """Each row's actors as a sorted tuple of the non-blank names as written."""
    return pd.Series(
        [
            tuple(sorted({str(a).strip() for a in pair if isinstance(a, str) and a.strip()}))
            for pair in zip(actor1, actor2, strict=True)
        ],
        index=actor1.index,
        dtype=object,
    )


def _actors_differ(claim: pd.Series, match: pd.Series) -> pd.Series:
    """Whether two actor sets name different actors (order, case, regime period aside)."""
    return pd.Series(
        [
            {_actor_key(a) for a in x} != {_actor_key(a) for a in y}
            for x, y in zip(claim, match, strict=True)
        ],
        index=claim.index,
        dtype=bool,
    )


def _optional(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column the contract makes optional, as blanks where the frame lacks it."""
    if column in frame.columns:
        return frame[column]
    return pd.Series(pd.NA, index=frame.index, dtype="Int64")


def _flags(pairs: pd.DataFrame) -> pd.Series:
    """The flag kinds of each pair, as a tuple (vectorised per kind, joined at the end)."""
    claim_f, match_f = pairs["claim_fatalities"], pairs["match_fatalities"]
    low, high = pairs["match_fatalities_low"], pairs["match_fatalities_high"]
    ranged = low.notna() & high.notna()
    both = claim_f.notna() & match_f.notna()
    outside = claim_f.notna() & ranged & ((claim_f < low) | (claim_f > high))
    differ = both & ~ranged & (claim_f != match_f)
    fatal = (outside | differ).fillna(False).astype(bool)
    injured = (
        (
            (pairs["claim_injured"].notna() & pairs["match_injured"].notna())
            & (pairs["claim_injured"] != pairs["match_injured"])
        )
        .fillna(False)
        .astype(bool)
    )
    etype = pairs["claim_type"] != pairs["match_type"]
    sub = ~etype & (pairs["claim_sub_type"] != pairs["match_sub_type"])
    actors = _actors_differ(pairs["claim_actors"], pairs["match_actors"])
    columns = {"fatalities": fatal, "injured": injured, "type": etype, "sub_type": sub}
    columns["actors"] = actors
    table = pd.DataFrame(columns)
    names = np.array(list(columns), dtype=object)
    return pd.Series(
        [tuple(names[row]) for row in table.to_numpy(dtype=bool)], index=pairs.index, dtype=object
    )


def cross_check(
    events: pd.DataFrame,
    places: pd.DataFrame,
    params: CrossCheckParams | None = None,
    kinds: Mapping[str, str] | None = None,
    claims: pd.DataFrame | None = None,
) -> CrossCheck:
    """Match each article claim (``claims``, default every one in ``events``) against the
    events of every other dataset in ``events``; ``kinds`` maps dataset id -> kind (``acled``
    gets ACLED's caveat on a coded 0)."""
    params = params or CrossCheckParams()
    kinds = kinds or {}
    datasets = _dataset_ids(events)
    claims = events[datasets == ARTICLES] if claims is None else claims
    claims = claims[_dataset_ids(claims) == ARTICLES]
    others = events[datasets != ARTICLES]
    points = _points(places)

    located = others[others["place_id"].isin(points.keys())]
    first = np.array([points[p][0] for p in located["place_id"]], dtype=float).reshape(-1, 2)
    order = np.argsort(_days(located["date_start"]), kind="stable")
    located = located.iloc[order]
    first = first[order]
    starts, ends = _days(located["date_start"]), _days(located["date_end"])
    longest = int((ends - starts).max()) if len(located) else 0
    claim_starts, claim_ends = _days(claims["date_start"]), _days(claims["date_end"])

    claim_rows: list[int] = []
    match_rows: list[int] = []
    distances: list[float] = []
    status_rows: list[dict[str, object]] = []
    for pos, claim in enumerate(records(claims)):
        span = (claim["date_end"] - claim["date_start"]).days
        status: Status = "unmatched"
        reason = ""
        if claim["place_id"] not in points:
            status, reason = "unchecked", "the claim names no place"
        elif span > params.max_span_days:
            status = "unchecked"
            reason = f"its dates span {span + 1:,} days (more than {params.max_span_days})"
        found = 0
        if status != "unchecked" and len(located):
            lo = int(claim_starts[pos]) - params.days
            hi = int(claim_ends[pos]) + params.days
            a = int(np.searchsorted(starts, lo - longest, side="left"))
            b = int(np.searchsorted(starts, hi, side="right"))
            idx = np.arange(a, b)[ends[a:b] >= lo]
            if len(idx):
                claim_points = points[claim["place_id"]]
                near = np.full(len(idx), np.inf)
                for point in claim_points:
                    near = np.minimum(near, _haversine_km(point, first[idx, 0], first[idx, 1]))
                hit = near <= params.km
                found = int(hit.sum())
                claim_rows += [pos] * found
                match_rows += idx[hit].tolist()
                distances += near[hit].tolist()
            if found:
                status = "matched"
        status_rows.append(
            {"event_id": claim["event_id"], "status": status, "reason": reason, "matches": found}
        )

    matches = _pairs(claims, located, claim_rows, match_rows, distances, kinds)
    status_frame = pd.DataFrame(status_rows, columns=["event_id", "status", "reason", "matches"])
    flagged = matches.loc[matches["flags"].map(bool).astype(bool), "claim_id"].value_counts()
    status_frame["flagged"] = (
        status_frame["event_id"].map(flagged).fillna(0).astype(int)
        if len(status_frame)
        else pd.Series(dtype=int)
    )
    return CrossCheck(params=params, matches=matches, status=status_frame)


def _pairs(
    claims: pd.DataFrame,
    located: pd.DataFrame,
    claim_rows: list[int],
    match_rows: list[int],
    distances: list[float],
    kinds: Mapping[str, str],
) -> pd.DataFrame:
    """The pairs as one frame, nearest first within each claim, with their flags."""
    c = claims.iloc[claim_rows].reset_index(drop=True)
    m = located.iloc[match_rows].reset_index(drop=True)
    gap_start = (m["date_start"] - c["date_end"]).dt.days.clip(lower=0)
    gap_end = (c["date_start"] - m["date_end"]).dt.days.clip(lower=0)
    pairs = pd.DataFrame(
        {
            "claim_id": c["event_id"],
            "incident_id": c["incident_id"],
            "match_id": m["event_id"],
            "dataset": _dataset_ids(m),
            "original_id": _optional(m, "original_id").astype("string").fillna(""),
            "distance_km": pd.Series(distances, dtype=float).round(2),
            "days_apart": (gap_start + gap_end).astype(int),
            "claim_fatalities": c["fatalities"].astype("Int64"),
            "match_fatalities": m["fatalities"].astype("Int64"),
            "match_fatalities_low": _optional(m, "fatalities_low").astype("Int64"),
            "match_fatalities_high": _optional(m, "fatalities_high").astype("Int64"),
            "claim_injured": c["injured"].astype("Int64"),
            "match_injured": m["injured"].astype("Int64"),
            "claim_type": c["event_type"],
            "match_type": m["event_type"],
            "claim_sub_type": c["sub_event_type"],
            "match_sub_type": m["sub_event_type"],
            "claim_actors": _actor_set(c["actor1"], c["actor2"]),
            "match_actors": _actor_set(m["actor1"], m["actor2"]),
            "match_claimant": m["claimant"],
            "match_place_id": m["place_id"],
            "match_date_start": m["date_start"],
            "match_summary": m["summary"],
        }
    )
    pairs["flags"] = _flags(pairs) if len(pairs) else pd.Series(dtype=object)
    pairs["kind"] = pairs["dataset"].map(lambda d: kinds.get(d, ""))
    pairs = pairs.sort_values(["claim_id", "distance_km", "match_id"], kind="stable")
    return pairs.reset_index(drop=True)[[*_MATCH_COLUMNS, "kind"]]


def _figure_words(value: Figure, low: Figure = None, high: Figure = None) -> str:
    """A dataset's figure in words, with its range where it has one (UCDP low–high)."""
    text = figure_label(value)
    if low is not None and high is not None and not pd.isna(low) and not pd.isna(high):
        text += f" (range {int(low)}–{int(high)})"
    return text


def _actors_words(actors: tuple[str, ...]) -> str:
    return " / ".join(actors) if actors else "none named"


def match_markdown(match: Row, names: Mapping[str, str], place_names: Mapping[str, str]) -> str:
    """One match as an escaped markdown line: the dataset event, how near, and each
    disagreement with both values side by side (never merged)."""
    dataset = names.get(match["dataset"], match["dataset"])
    ident = match["original_id"] or match["match_id"]
    when = pd.Timestamp(match["match_date_start"]).strftime("%d %b %Y")
    days = int(match["days_apart"])
    gap = "same dates" if days == 0 else f"{days} day(s) apart"
    place = place_names.get(match["match_place_id"], match["match_place_id"])
    head = (
        f"**{md(dataset)}** {md(ident)} · {md(when)}, {md(place)} · "
        f"{float(match['distance_km']):.1f} km, {gap} · {md(match['match_type'])}: "
        f"{md(match['match_sub_type'])} · according to {md(match['match_claimant'])}"
    )
    details: list[str] = []
    flags = set(match["flags"])
    if "fatalities" in flags:
        theirs = _figure_words(
            match["match_fatalities"], match["match_fatalities_low"], match["match_fatalities_high"]
        )
        note = ""
        if match.get("kind") == "acled" and match["match_fatalities"] == 0:
            note = " — ACLED codes 0 where no figure was reported"
        details.append(
            f"killed: claim {figure_label(match['claim_fatalities'])} vs "
            f"{md(dataset)} {md(theirs)}{md(note)}"
        )
    if "injured" in flags:
        details.append(
            f"injured: claim {figure_label(match['claim_injured'])} vs "
            f"{md(dataset)} {figure_label(match['match_injured'])}"
        )
    if "type" in flags:
        details.append(f"type: claim {md(match['claim_type'])} vs {md(match['match_type'])}")
    if "sub_type" in flags:
        details.append(
            f"sub-type: claim {md(match['claim_sub_type'])} vs {md(match['match_sub_type'])}"
        )
    if "actors" in flags:
        details.append(
            f"actors: claim {md(_actors_words(match['claim_actors']))} vs "
            f"{md(_actors_words(match['match_actors']))}"
        )
    if not details:
        return f"- ✅ {head} · agrees on figures, type and actors"
    return f"- ⚠️ {head}\n" + "\n".join(f"    - {d}" for d in details)


#: Matches listed per claim on the page, nearest first; the rest are counted.
SHOWN_MATCHES = 8


def claim_markdown(
    check: CrossCheck,
    claim: Row,
    names: Mapping[str, str],
    place_names: Mapping[str, str],
    limit: int = SHOWN_MATCHES,
) -> str:
    """One claim's cross-check as escaped markdown: its status in words, then its nearest
    ``limit`` matches (``match_markdown``) and how many more there are."""
    status = check.status[check.status["event_id"] == claim["event_id"]]
    who = f"**{md(claim['event_id'])}** ({md(claim['claimant'])})"
    if status.empty:
        return f"{who}: not an article claim, so not cross-checked."
    row = records(status)[0]
    if row["status"] == "unchecked":
        return f"{who}: not cross-checked: {md(row['reason'])}."
    window = f"within {check.params.km:g} km and ±{check.params.days} day(s)"
    if row["status"] == "unmatched":
        return f"{who}: no dataset event {window}."
    matches = records(check.for_claim(str(claim["event_id"])).head(limit))
    more = int(row["matches"]) - len(matches)
    head = (
        f"{who}: {int(row['matches'])} dataset event(s) {window}, {int(row['flagged'])} disagreeing"
    )
    lines = [match_markdown(m, names, place_names) for m in matches]
    if more > 0:
        lines.append(f"- … and {more:,} more (narrow the distance or the day window)")
    return head + "\n\n" + "\n".join(lines)


def incident_summary(check: CrossCheck, claim_ids: Sequence[str]) -> str:
    """The cross-check of an incident's article claims in a few words (an expander's label)."""
    status = check.status[check.status["event_id"].isin(claim_ids)]
    checked = status[status["status"] != "unchecked"]
    if checked.empty:
        return "Cross-check: not checked (no place, or dates too vague)"
    matches = int(checked["matches"].sum())
    if matches == 0:
        return (
            f"Cross-check: no dataset event within {check.params.km:g} km and "
            f"±{check.params.days} day(s)"
        )
    disagree = int((checked["flagged"] > 0).sum())
    return f"Cross-check: {matches:,} dataset event(s) nearby · " + (
        f"⚠️ {disagree} claim(s) disagree with one" if disagree else "no disagreement"
    )


_STATUS_ORDER = {"matched": 0, "unmatched": 1, "unchecked": 2}


def matched_first(check: CrossCheck, claims: Sequence[Row]) -> list[Row]:
    """``claims`` with the matched ones first (most disagreeing first), then the unmatched,
    then those not checked: what an analyst reads first is where the accounts meet."""
    ids = check.status["event_id"]
    status = dict(zip(ids, check.status["status"], strict=True))
    flagged = dict(zip(ids, check.status["flagged"].astype(int), strict=True))

    def rank(row: Row) -> tuple[int, int]:
        eid = row["event_id"]
        if eid not in status:
            return (3, 0)
        return (_STATUS_ORDER[status[eid]], -flagged[eid])

    return sorted(claims, key=rank)
