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

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from src.analysis.text import md, sources_text
from src.labels import (
    ALWAYS_NAMED,
    FIGURE_NAMES,
    date_label,
    figure_label,
    figures_text,
    verification_label,
)
from src.rows import Row, records
from src.schema import split_list

#: Figure column -> the word used in messages.
FIGURES: dict[str, str] = FIGURE_NAMES
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


def all_discrepancies(events: pd.DataFrame) -> dict[str, list[Discrepancy]]:
    """Incident id -> its discrepancies (empty list if uncontested), for every incident."""
    return {iid: discrepancies(rows) for iid, rows in _grouped(events).items()}


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
