"""The proposal an article yields: its places and draft claims, for an analyst to review.

This module is the contract the *Add article* page and ``kcm ingest`` build on; the finders
live in the sibling modules (``places``, ``dates``, ``figures``, ``attribution``, ``types``,
``incidents``) so each can be tested alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from src.dataset import Dataset


@dataclass(frozen=True)
class Candidate:
    """One place a name may mean: a curated place (``place_id``) or a regional one (None)."""

    place_id: str | None
    name: str
    lat: float
    lon: float
    country: str
    precision: str
    provenance: str  # "gazetteer" | "geonames"
    #: the GeoNames id of a regional candidate (it becomes a places.csv row on save)
    geonameid: int | None = None


@dataclass(frozen=True)
class PlaceMention:
    """A place name as the text writes it, where it stands, and what it resolved to."""

    mention: str
    start: int
    end: int
    status: str  # "found" | "ambiguous" | "unknown"
    place_id: str | None
    name: str
    lat: float | None
    lon: float | None
    precision: str
    provenance: str
    candidates: tuple[Candidate, ...] = ()


@dataclass
class DraftClaim:
    """One reported happening, as the extraction proposes it; every field is editable."""

    draft_id: str
    date_start: str
    date_end: str
    date_precision: str
    time_of_day: str
    place_id: str | None
    lat: float | None
    lon: float | None
    place_mention: str
    claimant: str
    claimant_side: str
    actor1: str
    actor2: str
    fatalities: int | None
    injured: int | None
    displaced: int | None
    missing: int | None
    other_figures: dict[str, str]
    event_type: str
    sub_event_type: str
    quote: str
    incident_id: str | None
    incident_candidates: tuple[str, ...]
    verification: str = "unverified"


@dataclass
class Article:
    """The article's text and what is known about it."""

    text: str
    headline: str
    published: date
    outlet: str
    source_file: str


@dataclass
class Proposal:
    """Everything the extraction proposes for one article."""

    article: Article
    places: list[PlaceMention] = field(default_factory=list)
    claims: list[DraftClaim] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """The proposal as plain JSON types (``kcm ingest --json``)."""
        art = self.article
        return {
            "article": {
                "headline": art.headline,
                "published": art.published.isoformat(),
                "outlet": art.outlet,
                "source_file": art.source_file,
                "characters": len(art.text),
            },
            "places": [
                {**asdict(p), "candidates": [asdict(c) for c in p.candidates]} for p in self.places
            ],
            "claims": [
                {**asdict(c), "incident_candidates": list(c.incident_candidates)}
                for c in self.claims
            ],
        }


#: How many first words name an article that prints no headline.
UNTITLED_WORDS = 10


def untitled(text: str) -> str:
    """The project's name for an article without a headline: its first words, quoted."""
    words = text.split()
    if not words:
        return "Untitled"
    more = "…" if len(words) > UNTITLED_WORDS else ""
    return f"Untitled: “{' '.join(words[:UNTITLED_WORDS])}{more}”"


def read_article(
    path_or_bytes: Path | str | bytes,
    filename: str,
    published: date | None,
    outlet: str | None,
    headline: str | None,
) -> Article:
    """Read a .txt/.md/.html article (a path or its bytes); given fields win over found ones.

    Raises ValueError if no publication date is given and the file states none (relative
    dates cannot be resolved without one).
    """
    from src.ingest.extract import clean_text, extract

    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    found = extract(data, filename or "article.txt")
    day = published or found.published
    if day is None:
        raise ValueError(f"{filename}: published: the article states no date; give it")
    return Article(
        text=found.text,
        headline=clean_text(headline or "").strip() or found.headline or untitled(found.text),
        published=day,
        outlet=clean_text(outlet or "").strip() or found.outlet,
        source_file=Path(filename).name if filename else "",
    )


def propose(article: Article, dataset: Dataset) -> Proposal:
    """The places and draft claims of ``article``, matched against ``dataset``."""
    from src.ingest.draft import build_proposal

    return build_proposal(article, dataset)


#: The extra column of :func:`drafts_frame`: what the analyst decides for each draft.
DECISION = "decision"
DECISIONS = ("accept", "reject")  # or "merge:<draft_id>"
MERGE_PREFIX = "merge:"
#: Columns of the frame that hold a list or mapping as text.
_OTHER_SEP = "; "
_FIELDS = tuple(f.name for f in fields(DraftClaim))


def _other_text(other: dict[str, str]) -> str:
    return _OTHER_SEP.join(f"{k}: {v}" for k, v in other.items())


def _other_dict(text: object) -> dict[str, str]:
    result: dict[str, str] = {}
    for part in str(text or "").split(_OTHER_SEP):
        key, sep, value = part.partition(": ")
        if key.strip():
            result[key.strip()] = value.strip() if sep else ""
    return result


def drafts_frame(proposal: Proposal) -> pd.DataFrame:
    """One row per draft, its editable columns, plus ``decision`` (accept | reject |
    merge:<draft_id>). ``other_figures`` is "key: value; …" text and
    ``incident_candidates`` ";"-joined ids, so every cell is editable in a table."""
    rows = []
    for claim in proposal.claims:
        row: dict[str, Any] = asdict(claim)
        row["other_figures"] = _other_text(claim.other_figures)
        row["incident_candidates"] = ";".join(claim.incident_candidates)
        row[DECISION] = "accept"
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*_FIELDS, DECISION])
    for col in ("fatalities", "injured", "displaced", "missing"):
        frame[col] = frame[col].astype("Int64")
    for col in ("lat", "lon"):
        frame[col] = frame[col].astype("Float64")
    return frame


def _blank(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and value != value)
        or (isinstance(value, str) and not value.strip())
    )


def _int(value: object) -> int | None:
    return None if _blank(value) else int(float(str(value)))


def _float(value: object) -> float | None:
    return None if _blank(value) else float(str(value))


def _text(value: object) -> str:
    return "" if _blank(value) else str(value).strip()


def _claim(row: dict[str, Any]) -> DraftClaim:
    return DraftClaim(
        draft_id=_text(row.get("draft_id")),
        date_start=_text(row.get("date_start")),
        date_end=_text(row.get("date_end")) or _text(row.get("date_start")),
        date_precision=_text(row.get("date_precision")) or "day",
        time_of_day=_text(row.get("time_of_day")),
        place_id=_text(row.get("place_id")) or None,
        lat=_float(row.get("lat")),
        lon=_float(row.get("lon")),
        place_mention=_text(row.get("place_mention")),
        claimant=_text(row.get("claimant")),
        claimant_side=_text(row.get("claimant_side")),
        actor1=_text(row.get("actor1")),
        actor2=_text(row.get("actor2")),
        fatalities=_int(row.get("fatalities")),
        injured=_int(row.get("injured")),
        displaced=_int(row.get("displaced")),
        missing=_int(row.get("missing")),
        other_figures=_other_dict(row.get("other_figures")),
        event_type=_text(row.get("event_type")),
        sub_event_type=_text(row.get("sub_event_type")),
        quote=_text(row.get("quote")),
        incident_id=_text(row.get("incident_id")) or None,
        incident_candidates=tuple(
            s for s in _text(row.get("incident_candidates")).split(";") if s.strip()
        ),
        verification=_text(row.get("verification")) or "unverified",
    )


def _fold(target: DraftClaim, other: DraftClaim) -> DraftClaim:
    """``other`` merged into ``target``: target's values stand, blanks filled from other."""
    values = asdict(target)
    for name, value in asdict(other).items():
        if values[name] in (None, "", (), {}) and value not in (None, "", (), {}):
            values[name] = value
    values["other_figures"] = {**other.other_figures, **target.other_figures}
    values["incident_candidates"] = tuple(values["incident_candidates"])
    return DraftClaim(**values)


def claims_from_frame(frame: pd.DataFrame, proposal: Proposal) -> list[DraftClaim]:
    """The accepted drafts of an edited :func:`drafts_frame`, merges folded into their target,
    in the frame's order. A row with no draft_id (added by hand) gets a new one. Raises
    ValueError for an unknown decision or a merge into a draft that is not accepted."""
    del proposal  # the frame carries every field; kept in the signature for the page
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in frame.to_dict("records")
    ]
    used = {_text(r.get("draft_id")) for r in rows}
    accepted: dict[str, DraftClaim] = {}
    merges: list[tuple[str, DraftClaim]] = []
    extra = 0
    for row in rows:
        claim = _claim(row)
        if not claim.draft_id:
            extra += 1
            while f"h{extra:03d}" in used:
                extra += 1
            claim.draft_id = f"h{extra:03d}"
        decision = _text(row.get(DECISION)) or "accept"
        if decision == "accept":
            accepted[claim.draft_id] = claim
        elif decision.startswith(MERGE_PREFIX):
            merges.append((decision[len(MERGE_PREFIX) :].strip(), claim))
        elif decision != "reject":
            raise ValueError(
                f"draft {claim.draft_id}: decision: {decision!r} is not accept, reject or "
                "merge:<draft_id>"
            )
    for target, claim in merges:
        if target not in accepted:
            raise ValueError(
                f"draft {claim.draft_id}: decision: merges into {target!r}, which is not an "
                "accepted draft"
            )
        accepted[target] = _fold(accepted[target], claim)
    return list(accepted.values())
