"""Hand-built proposals for the Add article page's tests: the page is tested on exactly the
places and drafts it is given (hostile text included), whatever the extraction finds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from src.ingest.proposal import Article, Candidate, DraftClaim, PlaceMention, Proposal

STEPANAKERT = Candidate("stepanakert", "Stepanakert", 39.8153, 46.7519, "", "exact", "gazetteer")
GORIS = Candidate(None, "Goris", 39.5111, 46.3386, "Armenia", "near", "geonames")


def draft(draft_id: str, **fields: Any) -> DraftClaim:
    base = DraftClaim(
        draft_id=draft_id,
        date_start="2023-09-25",
        date_end="2023-09-25",
        date_precision="day",
        time_of_day="",
        place_id="stepanakert",
        lat=STEPANAKERT.lat,
        lon=STEPANAKERT.lon,
        place_mention="Stepanakert",
        claimant="Nagorno-Karabakh health ministry",
        claimant_side="Armenia/Artsakh",
        actor1="Unknown",
        actor2="Civilians (Armenia)",
        fatalities=68,
        injured=200,
        displaced=None,
        missing=None,
        other_figures={},
        event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        quote="at least 68 dead and more than 200 wounded",
        incident_id=None,
        incident_candidates=(),
    )
    return replace(base, **fields)


def proposal(text: str = "Article text.", **article: Any) -> Proposal:
    art = Article(
        text=text,
        headline=article.get("headline", "Fuel depot blast near Stepanakert"),
        published=article.get("published", date(2023, 9, 26)),
        outlet=article.get("outlet", "Test Wire"),
        source_file=article.get("source_file", "pasted-test.txt"),
    )
    places = [
        PlaceMention(
            "Stepanakert",
            0,
            11,
            "found",
            "stepanakert",
            "Stepanakert",
            STEPANAKERT.lat,
            STEPANAKERT.lon,
            "exact",
            "gazetteer",
            (STEPANAKERT,),
        ),
    ]
    return Proposal(art, places, [draft("d1")])


EDITABLE = (
    "draft_id",
    "decision",
    "date_start",
    "date_end",
    "date_precision",
    "place_mention",
    "claimant",
    "claimant_side",
    "fatalities",
    "injured",
    "event_type",
    "sub_event_type",
    "verification",
    "incident_id",
    "quote",
)


def drafts_frame(p: Proposal) -> pd.DataFrame:
    """A stand-in for the engine's table until it exists: the same contract."""
    rows = [{c: getattr(d, c, None) for c in EDITABLE} | {"decision": "accept"} for d in p.claims]
    return pd.DataFrame(rows, columns=list(EDITABLE)).astype(
        {"fatalities": "Int64", "injured": "Int64"}
    )


def claims_from_frame(frame: pd.DataFrame, p: Proposal) -> list[DraftClaim]:
    by_id = {d.draft_id: d for d in p.claims}
    out = []
    for i, row in enumerate(frame.to_dict("records")):
        if row.get("decision") not in ("accept", None):
            continue
        base = by_id.get(str(row.get("draft_id") or ""))
        if base is None:
            base = draft(f"new{i}", place_id=None, lat=None, lon=None, place_mention="")
        fields = {c: row[c] for c in EDITABLE if c not in ("decision",) and c in row}
        for figure in ("fatalities", "injured"):
            fields[figure] = None if pd.isna(fields.get(figure)) else int(fields[figure])
        fields = {
            k: ("" if v is None and k not in ("fatalities", "injured", "incident_id") else v)
            for k, v in fields.items()
        }
        fields["draft_id"] = base.draft_id
        if fields.get("place_mention") != base.place_mention:
            fields.update(place_id=None, lat=None, lon=None)
        out.append(replace(base, **fields))
    return out
