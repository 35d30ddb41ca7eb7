"""The proposal an article yields: its places and draft claims, for an analyst to review.

This module is the contract the *Add article* page and ``kcm ingest`` build on; the finders
live in the sibling modules (``places``, ``dates``, ``figures``, ``attribution``, ``types``,
``incidents``) so each can be tested alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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


def read_article(
    path_or_bytes: Path | str | bytes,
    filename: str,
    published: date | None,
    outlet: str | None,
    headline: str | None,
) -> Article:
    """Read a .txt/.md/.html article (a path or its bytes); given fields win over found ones."""
    raise NotImplementedError


def propose(article: Article, dataset: Dataset) -> Proposal:
    """The places and draft claims of ``article``, matched against ``dataset``."""
    raise NotImplementedError


#: The extra column of :func:`drafts_frame`: what the analyst decides for each draft.
DECISION = "decision"
DECISIONS = ("accept", "reject")  # or "merge:<draft_id>"


def drafts_frame(proposal: Proposal) -> pd.DataFrame:
    """One row per draft, its editable columns, plus ``decision`` (accept | reject |
    merge:<draft_id>)."""
    raise NotImplementedError


def claims_from_frame(frame: pd.DataFrame, proposal: Proposal) -> list[DraftClaim]:
    """The accepted drafts of an edited :func:`drafts_frame` (merges folded in)."""
    raise NotImplementedError
