"""Claims grouped per incident, and the discrepancies between them found automatically.

An incident (``incident_id``) gathers every claim about one happening. Where those claims
disagree is the point of the Claims page, so disagreement is detected by rule, not by hand:

* ``figures`` — claims state different killed or injured numbers;
* ``denial`` — a claim is a Denial, or is marked denied by another party;
* ``disputed`` — a claim is marked disputed (another claimant contradicts it);
* ``self-contradiction`` — one article carries two claims with different figures.

Blank figures are "not stated": they never differ from anything and never count as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from src.analysis.text import figures_text, md, sources_text, split_ids, verification_text
from src.mapview.popup import date_label, figure_label

#: Figure column -> the word used in messages.
FIGURES: dict[str, str] = {"fatalities": "killed", "injured": "injured"}
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


def _who(row: Mapping) -> str:
    return f"{row['claimant']} ({row['claimant_side']})"


def _sources_of(rows: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted({s for ids in rows["source_ids"] for s in split_ids(ids)}))


def _value_with_note(row: Mapping, column: str) -> str:
    value = figure_label(row[column])
    note = row.get("figures_note") or ""
    return f"{value} ({note})" if note else value


def _differing(rows: pd.DataFrame, column: str) -> list[int]:
    return sorted({int(v) for v in rows[column].dropna()})


def figure_discrepancies(claims: pd.DataFrame) -> list[Discrepancy]:
    """Claims of one incident stating different killed (or injured) figures."""
    out: list[Discrepancy] = []
    if claims.empty:
        return out
    incident = str(claims["incident_id"].iloc[0])
    for column, word in FIGURES.items():
        stated = claims[claims[column].notna()]
        if len(_differing(stated, column)) < 2:
            continue
        parts = tuple(
            f"{_value_with_note(row, column)} — {row['event_id']} {_who(row)}, "
            f"{row['source_ids'].replace(';', ', ')}"
            for row in stated.sort_values([column, "event_id"]).to_dict("records")
        )
        values = ", ".join(str(v) for v in _differing(stated, column))
        out.append(
            Discrepancy(
                incident,
                "figures",
                tuple(stated["event_id"]),
                _sources_of(stated),
                f"Claimed {word} differ ({values})",
                parts,
            )
        )
    return out


def denial_discrepancies(claims: pd.DataFrame) -> list[Discrepancy]:
    """Denials in the incident, and claims another party denies or disputes."""
    out: list[Discrepancy] = []
    if claims.empty:
        return out
    incident = str(claims["incident_id"].iloc[0])
    denials = claims[claims["sub_event_type"] == "Denial"]
    for row in denials.to_dict("records"):
        out.append(
            Discrepancy(
                incident,
                "denial",
                (row["event_id"],),
                tuple(split_ids(row["source_ids"])),
                f"Denial by {row['event_id']} {_who(row)}, {row['source_ids'].replace(';', ', ')}",
                (row["summary"],),
            )
        )
    others = claims[claims["sub_event_type"] != "Denial"]
    for status, kind, words in (
        ("denied", "denial", "denied by another party"),
        ("disputed", "disputed", "disputed by another claimant"),
    ):
        rows = others[others["verification"] == status]
        if rows.empty:
            continue
        listed = tuple(
            f"{r['event_id']} {_who(r)}, {r['source_ids'].replace(';', ', ')}"
            for r in rows.to_dict("records")
        )
        out.append(
            Discrepancy(
                incident,
                kind,
                tuple(rows["event_id"]),
                _sources_of(rows),
                f"{len(rows)} claim(s) {words}",
                listed,
            )
        )
    return out


def self_contradictions(claims: pd.DataFrame) -> list[Discrepancy]:
    """One article carrying two claims of the incident with different figures."""
    out: list[Discrepancy] = []
    if claims.empty:
        return out
    incident = str(claims["incident_id"].iloc[0])
    carried = claims.assign(_ids=claims["source_ids"].map(split_ids)).explode("_ids")
    for source_id, rows in carried.groupby("_ids", sort=True):
        for column, word in FIGURES.items():
            stated = rows[rows[column].notna()]
            if len(_differing(stated, column)) < 2:
                continue
            listed = tuple(
                f"{_value_with_note(r, column)} — {r['event_id']} {_who(r)}"
                for r in stated.sort_values([column, "event_id"]).to_dict("records")
            )
            out.append(
                Discrepancy(
                    incident,
                    "self-contradiction",
                    tuple(stated["event_id"]),
                    (str(source_id),),
                    f"Article {source_id} gives different {word} figures",
                    listed,
                )
            )
    return out


def discrepancies(claims: pd.DataFrame) -> list[Discrepancy]:
    """Every discrepancy among the claims of one incident, in KINDS order."""
    found = figure_discrepancies(claims) + denial_discrepancies(claims)
    found += self_contradictions(claims)
    return sorted(found, key=lambda d: KINDS.index(d.kind))


def all_discrepancies(events: pd.DataFrame) -> dict[str, list[Discrepancy]]:
    """Incident id -> its discrepancies (empty list if uncontested), for every incident."""
    return {
        str(iid): discrepancies(rows)
        for iid, rows in events.sort_values("event_id").groupby("incident_id", sort=True)
    }


def contested_incidents(events: pd.DataFrame) -> list[str]:
    """Incidents whose claims (among ``events``) show at least one discrepancy."""
    return [iid for iid, found in all_discrepancies(events).items() if found]


def incident_title(claims: pd.DataFrame, place_names: Mapping[str, str]) -> str:
    """A short name for an incident: its commonest sub-event type, place and date span."""
    ordered = claims.sort_values("event_id")
    what = ordered["sub_event_type"].value_counts(sort=True).index[0]
    located = ordered[ordered["place_id"] != ""]
    where = (
        place_names.get(located["place_id"].value_counts().index[0], "unknown place")
        if not located.empty
        else "no place given"
    )
    start, end = ordered["date_start"].min(), ordered["date_end"].max()
    when = f"{start:%d %b %Y}" if start == end else f"{start:%d %b %Y} – {end:%d %b %Y}"
    return f"{what} · {where} · {when}"


def incident_overview(
    events: pd.DataFrame, place_names: Mapping[str, str], whole: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per incident in ``events``: title, counts, sides, contested, kinds.

    ``whole`` (all claims) lets the row say how many claims of the incident the filters hide.
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
    found = all_discrepancies(events)
    totals = (whole if whole is not None else events)["incident_id"].value_counts()
    rows = []
    for iid, claims in events.groupby("incident_id", sort=True):
        kinds = tuple(dict.fromkeys(d.kind for d in found[str(iid)]))
        rows.append(
            {
                "incident_id": str(iid),
                "title": incident_title(claims, place_names),
                "start": claims["date_start"].min(),
                "claims": len(claims),
                "hidden_claims": int(totals.get(iid, len(claims))) - len(claims),
                "articles": len(_sources_of(claims)),
                "sides": tuple(sorted(claims["claimant_side"].unique())),
                "contested": bool(kinds),
                "kinds": kinds,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def status_text(row: Mapping) -> str:
    """Verification status, plus "issues a denial" for a Denial claim."""
    status = verification_text(row["verification"])
    return f"{status} · issues a denial" if row["sub_event_type"] == "Denial" else status


def when_where(row: Mapping, place_names: Mapping[str, str]) -> str:
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
    records = []
    for row in claims.sort_values(["date_start", "event_id"]).to_dict("records"):
        quote = f" “{row['quote']}”" if row["quote"] else ""
        records.append(
            {
                "Claim": row["event_id"],
                "Claimant (side)": f"{row['claimant']} ({row['claimant_side']})",
                "Killed": figure_label(row["fatalities"]),
                "Injured": figure_label(row["injured"]),
                "Figures note": row["figures_note"],
                "Status": status_text(row),
                "When, where": when_where(row, place_names),
                "Articles": sources_text(row["source_ids"], headlines, width=28),
                "Says": f"{row['summary']}{quote}",
            }
        )
    return pd.DataFrame(records)


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
    titles = {
        str(iid): f"{iid} · {incident_title(rows, place_names)}"
        for iid, rows in claims.groupby("incident_id", sort=True)
    }
    rows = []
    for row in claims.sort_values("event_id").to_dict("records"):
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
