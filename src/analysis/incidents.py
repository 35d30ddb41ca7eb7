"""Claims grouped per incident, and the discrepancies between them found automatically.

An incident (``incident_id``) gathers every claim about one happening. Where those claims
disagree is the point of the Claims page, so disagreement is detected by rule, not by hand:

* ``figures`` — claims state different killed, injured, displaced or missing numbers;
* ``denial`` — a claim is a Denial, or is marked denied by another party;
* ``disputed`` — a claim is marked disputed (another claimant contradicts it);
* ``self-contradiction`` — one article carries two claims with different figures.

Blank figures are "not stated": they never differ from anything and never count as zero.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from src.analysis.text import md, sources_text
from src.labels import (
    ALWAYS_NAMED,
    FIGURE_NAMES,
    date_label,
    date_labels,
    figure_label,
    figures_text,
    verification_label,
)
from src.rows import Row, per_distinct, records
from src.schema import FIGURE_COLUMNS as FIGURE_VALUES
from src.schema import split_list

#: Figure column -> the word used in messages.
FIGURES: dict[str, str] = FIGURE_NAMES
#: The cells ``figures_text`` reads.
FIGURE_COLUMNS = (*FIGURE_VALUES, "figures_note")
#: The cells the rules read (the rest, dates above all, are slow to turn into records).
RULE_COLUMNS: tuple[str, ...] = (
    "incident_id",
    "event_id",
    "sub_event_type",
    "claimant",
    "claimant_side",
)
RULE_COLUMNS += ("source_ids", "summary", "verification", *FIGURE_COLUMNS)
KINDS: tuple[str, ...] = ("figures", "denial", "disputed", "self-contradiction")
KIND_LABELS: dict[str, str] = {
    "figures": "Figures differ",
    "denial": "Claim and denial",
    "disputed": "Disputed",
    "self-contradiction": "Article contradicts itself",
}


@dataclass(frozen=True)
class Discrepancy:
    """One disagreement inside an incident: which claims, which articles, in words."""

    incident_id: str
    kind: str
    event_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    message: str
    details: tuple[str, ...] = ()

    def text(self) -> str:
        """The message and its details as one line (tables, tooltips)."""
        return self.message + (": " + "; ".join(self.details) if self.details else "") + "."


def _who(row: Row) -> str:
    return f"{row['claimant']} ({row['claimant_side']})"


def _sources_of(rows: Iterable[Row]) -> tuple[str, ...]:
    return tuple(sorted({s for row in rows for s in split_list(row["source_ids"])}))


def _value_with_note(row: Row, column: str) -> str:
    value = figure_label(row[column])
    note = row.get("figures_note") or ""
    return f"{value} ({note})" if note else value


def _stated(rows: Sequence[Row], column: str) -> list[Row]:
    """The rows that state ``column`` (blank = not stated, so left out)."""
    return [r for r in rows if not pd.isna(r.get(column))]


def _differing(rows: Sequence[Row], column: str) -> list[int]:
    return sorted({int(r[column]) for r in rows})


def _by_figure(rows: Sequence[Row], column: str) -> list[Row]:
    return sorted(rows, key=lambda r: (int(r[column]), r["event_id"]))


def _records(claims: pd.DataFrame | Sequence[Row]) -> list[Row]:
    """Plain dict rows: the detection below works on them, not on DataFrame slices, because
    per-incident DataFrame indexing made the Claims page take seconds."""
    if isinstance(claims, pd.DataFrame):
        return list(records(claims))
    return list(claims)


def _figure_found(incident: str, claims: Sequence[Row]) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    for column, word in FIGURES.items():
        stated = _stated(claims, column)
        differing = _differing(stated, column)
        if len(differing) < 2:
            continue
        parts = tuple(
            f"{_value_with_note(row, column)} — {row['event_id']} {_who(row)}, "
            f"{row['source_ids'].replace(';', ', ')}"
            for row in _by_figure(stated, column)
        )
        out.append(
            Discrepancy(
                incident,
                "figures",
                tuple(r["event_id"] for r in stated),
                _sources_of(stated),
                f"Claimed {word} differ ({', '.join(str(v) for v in differing)})",
                parts,
            )
        )
    return out


def _denial_found(incident: str, claims: Sequence[Row]) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    for row in claims:
        if row["sub_event_type"] != "Denial":
            continue
        out.append(
            Discrepancy(
                incident,
                "denial",
                (row["event_id"],),
                tuple(split_list(row["source_ids"])),
                f"Denial by {row['event_id']} {_who(row)}, {row['source_ids'].replace(';', ', ')}",
                (row["summary"],),
            )
        )
    others = [r for r in claims if r["sub_event_type"] != "Denial"]
    for status, kind, words in (
        ("denied", "denial", "denied by another party"),
        ("disputed", "disputed", "disputed by another claimant"),
    ):
        rows = [r for r in others if r["verification"] == status]
        if not rows:
            continue
        listed = tuple(
            f"{r['event_id']} {_who(r)}, {r['source_ids'].replace(';', ', ')}" for r in rows
        )
        out.append(
            Discrepancy(
                incident,
                kind,
                tuple(r["event_id"] for r in rows),
                _sources_of(rows),
                f"{len(rows)} claim(s) {words}",
                listed,
            )
        )
    return out


def _self_found(incident: str, claims: Sequence[Row]) -> list[Discrepancy]:
    carried: dict[str, list[Row]] = {}
    for row in claims:
        for source_id in split_list(row["source_ids"]):
            carried.setdefault(source_id, []).append(row)
    out: list[Discrepancy] = []
    for source_id in sorted(carried):
        for column, word in FIGURES.items():
            stated = _stated(carried[source_id], column)
            if len(_differing(stated, column)) < 2:
                continue
            listed = tuple(
                f"{_value_with_note(r, column)} — {r['event_id']} {_who(r)}"
                for r in _by_figure(stated, column)
            )
            out.append(
                Discrepancy(
                    incident,
                    "self-contradiction",
                    tuple(r["event_id"] for r in stated),
                    (source_id,),
                    f"Article {source_id} gives different {word} figures",
                    listed,
                )
            )
    return out


def _incident_of(claims: Sequence[Row]) -> str:
    return str(claims[0]["incident_id"]) if claims else ""


def figure_discrepancies(claims: pd.DataFrame | Sequence[Row]) -> list[Discrepancy]:
    """Claims of one incident stating different killed (injured, displaced, missing) figures."""
    rows = _records(claims)
    return _figure_found(_incident_of(rows), rows) if rows else []


def denial_discrepancies(claims: pd.DataFrame | Sequence[Row]) -> list[Discrepancy]:
    """Denials in the incident, and claims another party denies or disputes."""
    rows = _records(claims)
    return _denial_found(_incident_of(rows), rows) if rows else []


def self_contradictions(claims: pd.DataFrame | Sequence[Row]) -> list[Discrepancy]:
    """One article carrying two claims of the incident with different figures."""
    rows = _records(claims)
    return _self_found(_incident_of(rows), rows) if rows else []


def discrepancies(claims: pd.DataFrame | Sequence[Row]) -> list[Discrepancy]:
    """Every discrepancy among the claims of one incident, in KINDS order."""
    rows = _records(claims)
    if not rows:
        return []
    incident = _incident_of(rows)
    found = _figure_found(incident, rows) + _denial_found(incident, rows)
    found += _self_found(incident, rows)
    return sorted(found, key=lambda d: KINDS.index(d.kind))


def _grouped(events: pd.DataFrame) -> dict[str, list[Row]]:
    """Incident id (sorted) -> its claims as records in event-id order: one pass, no slicing."""
    groups: dict[str, list[Row]] = {}
    for row in _records(events.sort_values("event_id")):
        groups.setdefault(str(row["incident_id"]), []).append(row)
    return {iid: groups[iid] for iid in sorted(groups)}


def _candidates(events: pd.DataFrame) -> pd.Series[bool]:
    """Per incident (sorted ids), whether it may hold a discrepancy: figures that differ (an
    article contradicting itself differs across the incident too), a Denial, a claim marked
    denied or disputed. Vectorised, so the rules' row-by-row code runs on these alone."""
    iid = events["incident_id"].astype(str)
    flagged = (events["sub_event_type"] == "Denial") | events["verification"].isin(
        ("denied", "disputed")
    )
    maybe = flagged.groupby(iid).any()
    for column in FIGURES:
        maybe |= events[column].groupby(iid).nunique() > 1
    return maybe.sort_index()


def all_discrepancies(events: pd.DataFrame) -> dict[str, list[Discrepancy]]:
    """Incident id -> its discrepancies (empty list if uncontested), for every incident, in
    id order. Only the incidents ``_candidates`` flags go through the rules one by one."""
    if events.empty:
        return {}
    maybe = _candidates(events)
    picked = events.loc[
        events["incident_id"].astype(str).isin(maybe.index[maybe.to_numpy()]),
        [c for c in RULE_COLUMNS if c in events.columns],
    ]
    found = {iid: discrepancies(rows) for iid, rows in _grouped(picked).items()}
    return {str(iid): found.get(str(iid), []) for iid in maybe.index}


def discrepancy_kinds(events: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Incident id (sorted) -> the kinds of discrepancy its claims hold, in ``KINDS`` order:
    exactly ``all_discrepancies``' kinds, found with group-bys over the claims instead of the
    rules' row code (a minute at 10^6 claims: a page that lists 50 incidents needs the
    kinds of all of them, the messages of those 50 only)."""
    if events.empty:
        return {}
    iid = events["incident_id"].astype(str)
    denial = (events["sub_event_type"] == "Denial").to_numpy()
    status = events["verification"].to_numpy()
    flags = pd.DataFrame(
        {
            "figures": np.zeros(len(events), dtype=bool),
            "denial": denial | (~denial & (status == "denied")),
            "disputed": ~denial & (status == "disputed"),
        }
    )
    per = flags.groupby(iid.to_numpy()).any()
    figures = pd.Series(False, index=per.index)
    for column in FIGURES:
        figures |= events[column].groupby(iid.to_numpy()).nunique().reindex(per.index) > 1
    per["figures"] = figures.to_numpy()
    per["self-contradiction"] = _self_contradicting(events, iid).reindex(per.index).to_numpy()
    kinds = per[list(KINDS)].to_numpy()
    names = np.array(KINDS, dtype=object)
    return {str(i): tuple(names[row].tolist()) for i, row in zip(per.index, kinds, strict=True)}


def _self_contradicting(events: pd.DataFrame, iid: pd.Series[str]) -> pd.Series[bool]:
    """Per incident: does one article (a source of several of its claims) state two different
    values of a figure? Each distinct source list is split once."""
    codes, lists = pd.factorize(events["source_ids"])
    split = [split_list(v) for v in lists.tolist()]
    per_row = np.array([len(ids) for ids in split] + [0], dtype=np.int64)[codes]
    rows = np.repeat(np.arange(len(events)), per_row)
    source = np.concatenate(
        [np.array(ids, dtype=object) for ids in split] + [np.array([], dtype=object)]
    )
    offsets = np.r_[0, np.cumsum([len(ids) for ids in split])]
    # the k-th source of each row: its list's offset plus k
    k = np.arange(len(rows)) - np.repeat(np.r_[0, np.cumsum(per_row)[:-1]], per_row)
    picked = source[offsets[codes[rows]] + k] if len(rows) else source
    ids = iid.to_numpy()
    found = pd.Series(False, index=pd.unique(ids))
    for column in FIGURES:
        values = events[column].to_numpy(dtype="float64", na_value=np.nan)[rows]
        carried = pd.DataFrame({"i": ids[rows], "s": picked, "v": values}).dropna()
        counts = carried.drop_duplicates().groupby(["i", "s"]).size()
        hit = counts[counts > 1].index.get_level_values("i")
        found[found.index.isin(hit)] = True
    return found


class Discrepancies(Mapping[str, list[Discrepancy]]):
    """``all_discrepancies(events)`` computed per incident when asked for: the keys and the
    kinds at once (``discrepancy_kinds``), an incident's messages on its first lookup (the
    Claims page reads its page of cards), every contested one together by ``complete``."""

    def __init__(self, events: pd.DataFrame) -> None:
        self._events = events.loc[:, [c for c in RULE_COLUMNS if c in events.columns]]
        self.kinds = discrepancy_kinds(events)
        self._found: dict[str, list[Discrepancy]] = {}
        self._rows: dict[str, np.ndarray] | None = None
        self._lock = threading.Lock()

    def __getitem__(self, incident_id: str) -> list[Discrepancy]:
        if not self.kinds[incident_id]:  # KeyError for an incident not in view
            return []
        with self._lock:
            if incident_id not in self._found:
                rows = self._events.iloc[self._positions()[incident_id]]
                self._found[incident_id] = discrepancies(rows.sort_values("event_id"))
            return self._found[incident_id]

    def _positions(self) -> dict[str, np.ndarray]:
        if self._rows is None:
            ids = self._events["incident_id"].astype(str)
            indices = ids.groupby(ids.to_numpy()).indices
            self._rows = {str(k): np.asarray(v) for k, v in indices.items()}
        return self._rows

    def complete(self) -> dict[str, list[Discrepancy]]:
        """Every incident's discrepancies as one dict (``all_discrepancies``' result)."""
        contested = [i for i, kinds in self.kinds.items() if kinds]
        with self._lock:
            todo = [i for i in contested if i not in self._found]
        if todo:
            picked = self._events[self._events["incident_id"].astype(str).isin(todo)]
            made = {iid: discrepancies(rows) for iid, rows in _grouped(picked).items()}
            with self._lock:
                self._found.update(made)
        return {i: self._found[i] if kinds else [] for i, kinds in self.kinds.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(self.kinds)

    def __len__(self) -> int:
        return len(self.kinds)


def contested_incidents(events: pd.DataFrame) -> list[str]:
    """Incidents whose claims (among ``events``) show at least one discrepancy."""
    return [iid for iid, found in all_discrepancies(events).items() if found]


def _commonest(values: Iterable[str]) -> str | None:
    """The most frequent value; a tie goes to the one seen first (as pandas' value_counts)."""
    ranked = Counter(values).most_common(1)
    return ranked[0][0] if ranked else None


def _title(ordered: Sequence[Row], place_names: Mapping[str, str]) -> str:
    what = _commonest(r["sub_event_type"] for r in ordered)
    place = _commonest(r["place_id"] for r in ordered if r["place_id"] != "")
    where = "no place given" if place is None else place_names.get(place, "unknown place")
    start = min(r["date_start"] for r in ordered)
    end = max(r["date_end"] for r in ordered)
    when = f"{start:%d %b %Y}" if start == end else f"{start:%d %b %Y} – {end:%d %b %Y}"
    return f"{what} · {where} · {when}"


def incident_title(claims: pd.DataFrame, place_names: Mapping[str, str]) -> str:
    """A short name for an incident: its commonest sub-event type, place and date span."""
    return _title(_records(claims.sort_values("event_id")), place_names)


def _commonest_per(frame: pd.DataFrame, column: str) -> pd.Series[Any]:
    """Per incident, ``_commonest`` of ``column`` over its rows in ``frame``'s order."""
    # over integer codes (a group-by on two text columns took seconds at 10^6 claims): count
    # each (incident, value) pair and note its first row, then keep per incident the pair
    # counted most, the earlier first row on a tie
    incident, incidents = pd.factorize(frame["incident_id"].astype(str))
    value, values = pd.factorize(frame[column])
    stated = value >= 0  # a missing value is no candidate (a group-by drops it too)
    width = max(len(values), 1)
    pair = incident[stated].astype(np.int64) * width + value[stated]
    keys, first, n = np.unique(pair, return_index=True, return_counts=True)
    first = np.flatnonzero(stated)[first]
    g = keys // width
    order = np.lexsort((first, -n, g))
    g, keys = g[order], keys[order]
    best = np.r_[True, g[1:] != g[:-1]] if len(g) else np.zeros(0, dtype=bool)
    chosen = np.asarray(values, dtype=object)[keys[best] % width]
    return pd.Series(chosen, index=np.asarray(incidents, dtype=object)[g[best]])


def _day_text(days: pd.Series[pd.Timestamp]) -> pd.Series[str]:
    """``f"{day:%d %b %Y}"`` of each, formatted once per distinct day."""
    distinct = days.drop_duplicates()
    return days.map(dict(zip(distinct, distinct.dt.strftime("%d %b %Y"), strict=True)))


def incident_titles(claims: pd.DataFrame, place_names: Mapping[str, str]) -> pd.Series[str]:
    """``incident_title`` of every incident in ``claims`` at once (indexed by id, sorted)."""
    # the columns a title reads, before sorting: sorting every column of 10^6 claims takes s
    read = ["event_id", "incident_id", "sub_event_type", "place_id", "date_start", "date_end"]
    ordered = claims.loc[:, read].sort_values("event_id")
    iid = ordered["incident_id"].astype(str)
    spans = ordered.groupby(iid).agg(start=("date_start", "min"), end=("date_end", "max"))
    what = _commonest_per(ordered, "sub_event_type").reindex(spans.index)
    place = _commonest_per(ordered[ordered["place_id"] != ""], "place_id").reindex(spans.index)
    where = [
        "no place given" if pd.isna(p) else place_names.get(p, "unknown place")
        for p in place.tolist()
    ]
    start, end = _day_text(spans["start"]), _day_text(spans["end"])
    when = start.where(spans["start"] == spans["end"], start + " – " + end)
    text = [f"{w} · {p} · {t}" for w, p, t in zip(what.tolist(), where, when.tolist(), strict=True)]
    return pd.Series(text, index=spans.index, dtype=object)


def _group_tuples(keys: pd.Series[Any], values: pd.Series[Any]) -> dict[str, tuple[Any, ...]]:
    """Key -> the tuple of its distinct values, sorted (as ``tuple(sorted(set(...)))``)."""
    pairs = pd.DataFrame({"k": keys.to_numpy(), "v": values.to_numpy()}).drop_duplicates()
    pairs = pairs.sort_values(["k", "v"])
    k, v = pairs["k"].to_numpy(), pairs["v"].tolist()
    cuts = np.flatnonzero(k[1:] != k[:-1]) + 1
    bounds = zip([0, *cuts.tolist()], [*cuts.tolist(), len(v)], strict=True)
    return {str(k[a]): tuple(v[a:b]) for a, b in bounds} if len(v) else {}


def incident_overview(
    events: pd.DataFrame,
    place_names: Mapping[str, str],
    whole: pd.DataFrame | None = None,
    found: Mapping[str, Sequence[Discrepancy]] | None = None,
    kinds: Mapping[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """One row per incident in ``events`` (id order): title, counts, sides, contested, kinds.

    ``whole`` (all claims) lets the row say how many claims of the incident the filters hide;
    ``found`` (``all_discrepancies(events)``) saves detecting the discrepancies twice, and
    ``kinds`` (``discrepancy_kinds(events)``, or ``Discrepancies.kinds``) their messages.
    Vectorised (group-bys over the claims), as the row-by-row version took 12 s at 10^5.
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
    if events.empty:
        return pd.DataFrame([], columns=columns)
    if kinds is None:
        found = all_discrepancies(events) if found is None else found
        kinds = {i: tuple(dict.fromkeys(d.kind for d in ds)) for i, ds in found.items()}
    iid = events["incident_id"].astype(str)
    grouped = events.groupby(iid)
    out = grouped.agg(start=("date_start", "min"), claims=("event_id", "size"))
    ids = out.index
    totals = (whole if whole is not None else events)["incident_id"].astype(str).value_counts()
    total = totals.reindex(ids).fillna(out["claims"]).astype(int)
    split = {ids_: split_list(ids_) for ids_ in events["source_ids"].unique().tolist()}
    carried = pd.DataFrame({"i": iid.to_numpy(), "s": events["source_ids"].to_numpy()})
    carried = carried.drop_duplicates()
    carried = carried.assign(s=carried["s"].map(split)).explode("s").dropna().drop_duplicates()
    articles = carried.groupby("i").size().reindex(ids, fill_value=0)
    sides = _group_tuples(iid, events["claimant_side"])
    listed = [kinds[i] for i in ids]
    return pd.DataFrame(
        {
            "incident_id": list(ids),
            "title": incident_titles(events, place_names).reindex(ids).tolist(),
            "start": list(out["start"]),
            "claims": out["claims"].tolist(),
            "hidden_claims": (total - out["claims"]).tolist(),
            "articles": articles.tolist(),
            "sides": [sides[i] for i in ids],
            "contested": [bool(k) for k in listed],
            "kinds": listed,
        },
        columns=columns,
    )


def status_text(row: Row) -> str:
    """Verification status, plus "issues a denial" for a Denial claim."""
    status = verification_label(row["verification"])
    return f"{status} · issues a denial" if row["sub_event_type"] == "Denial" else status


def when_where(row: Row, place_names: Mapping[str, str]) -> str:
    """The claim's date (as precise as given) and place, in one short cell."""
    when = date_label(row).replace(" · precision: day", "")
    where = place_names.get(row["place_id"], "unknown place") if row["place_id"] else "no place"
    return f"{when} · {where}"


def claims_table(
    claims: pd.DataFrame, headlines: Mapping[str, str], place_names: Mapping[str, str]
) -> pd.DataFrame:
    """The claims of one incident side by side, one row each, every value as display text.

    Figures get their own columns so differing numbers line up; blank is "not stated".
    """
    rows = records(claims.sort_values(["date_start", "event_id"]))
    # displaced and missing get columns when a claim of the incident states them
    figures = [
        c
        for c in FIGURE_NAMES
        if c in ALWAYS_NAMED or any(figure_label(r.get(c)) != "not stated" for r in rows)
    ]
    table_rows = []
    for row in rows:
        quote = f" “{row['quote']}”" if row["quote"] else ""
        table_rows.append(
            {
                "Claim": row["event_id"],
                "Claimant (side)": f"{row['claimant']} ({row['claimant_side']})",
                **{FIGURE_NAMES[c].capitalize(): figure_label(row.get(c)) for c in figures},
                "Figures note": row["figures_note"],
                "Status": status_text(row),
                "When, where": when_where(row, place_names),
                "Articles": sources_text(row["source_ids"], headlines, width=28),
                "Says": f"{row['summary']}{quote}",
            }
        )
    return pd.DataFrame(table_rows)


def discrepancy_markdown(d: Discrepancy) -> str:
    """A markdown bullet (details as sub-bullets) for a discrepancy; every data value escaped."""
    head = f"- **{md(KIND_LABELS[d.kind])}** — {md(d.message)}"
    return "\n".join([head, *(f"    - {md(item)}" for item in d.details)])


def figure_frame(
    claims: pd.DataFrame,
    place_names: Mapping[str, str],
    column: str = "fatalities",
) -> pd.DataFrame:
    """Chart rows: one per claim (event-id order), its figure (NA = not stated, never 0) and
    its context. Vectorised; labels are formatted once per distinct value."""
    columns = [
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
    ]
    if claims.empty:
        return pd.DataFrame([], columns=columns).astype({"value": "Int64"})
    read = [
        *("event_id", "incident_id", "claimant", "claimant_side", "source_ids", "verification"),
        *("sub_event_type", "place_id", "date_start", "date_end", "date_precision"),
        *("time_of_day", column, *(c for c in FIGURE_COLUMNS if c != column)),
    ]
    ordered = claims.loc[:, read].sort_values("event_id")  # not every column: seconds at 10^6
    iid = ordered["incident_id"].astype(str)
    titles = iid + " · " + iid.map(incident_titles(ordered, place_names))
    value = ordered[column].astype("Int64")
    stated = value.notna().to_numpy()
    out = pd.DataFrame(
        {
            "incident": titles.to_numpy(),
            "incident_id": ordered["incident_id"].to_numpy(),
            "event_id": ordered["event_id"].to_numpy(),
            "claimant": ordered["claimant"].to_numpy(),
            "claimant_side": ordered["claimant_side"].to_numpy(),
            "sources": ordered["source_ids"].str.replace(";", ", ", regex=False).to_numpy(),
            "verification": ordered["verification"].to_numpy(),
            "date": date_labels(ordered),
            "value": value.to_numpy(),
            "stated": stated,
            "label": np.where(stated, value.astype(str).to_numpy(), "not stated"),
            "figures": per_distinct(ordered, list(FIGURE_COLUMNS), figures_text),
        },
        columns=columns,
    )
    out["value"] = out["value"].astype("Int64")
    return out
