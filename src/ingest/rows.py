"""An article's accepted drafts as CSV rows: one sources.csv row, a places.csv row for each
regional place a draft uses, and an events.csv row per draft; every cell as text.

Ids continue the bundled series (a005, E121, I051); a new place's id is its name made ASCII
(``sisian``, ``vardenis_2`` if taken). A figure the schema has no column for yet (displaced,
missing) goes to ``figures_note`` in words, so nothing stated is lost.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from src.geo.normalize import normalize
from src.geo.regional import CREDIT
from src.ingest.proposal import Article, Candidate, DraftClaim
from src.schema import EVENTS, join_list

__all__ = ["ArticleRows", "article_rows", "next_id"]

#: The figure columns a draft may fill, by DraftClaim field; the ones events.csv lacks are
#: written into figures_note.
FIGURE_FIELDS = ("fatalities", "injured", "displaced", "missing")


@dataclass
class ArticleRows:
    """The rows a save appends, and the new places' ids by their candidate."""

    source: dict[str, str]
    places: list[dict[str, str]] = field(default_factory=list)
    events: list[dict[str, str]] = field(default_factory=list)
    place_ids: dict[tuple[float, float], str] = field(default_factory=dict)


def next_id(existing: Iterable[str], prefix: str, width: int) -> int:
    """The next number of a ``<prefix><digits>`` id series (1 + the largest)."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d{{{width},}})$")
    numbers = [int(m.group(1)) for value in existing if (m := pattern.match(str(value)))]
    return max(numbers, default=-1 if prefix == "a" else 0) + 1


def _slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", normalize(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_).strip("_") or "place"


def _place_row(candidate: Candidate, place_id: str, aliases: Iterable[str]) -> dict[str, str]:
    kept = [a for a in dict.fromkeys([candidate.name, *aliases]) if a and "|" not in a]
    return {
        "place_id": place_id,
        "name": candidate.name,
        "aliases": join_list(kept[:12], "aliases"),
        "kind": "village",
        "lat": f"{candidate.lat:.5f}",
        "lon": f"{candidate.lon:.5f}",
        "precision": candidate.precision or "near",
        "country": candidate.country,
        "in_theatre": "true",
        "waypoints": "",
        "coord_source": f"GeoNames {candidate.geonameid or ''} ({CREDIT})".replace("  ", " "),
        "notes": "Added from an article through the regional (GeoNames) layer; not reviewed.",
    }


def _figure(value: int | None) -> str:
    return "" if value is None else str(value)


def _figures_note(claim: DraftClaim, columns: tuple[str, ...]) -> str:
    parts = [f"{k}: {v}" if v else k for k, v in claim.other_figures.items()]
    for name in ("displaced", "missing"):
        value = getattr(claim, name)
        if value is not None and name not in columns and name not in claim.other_figures:
            parts.insert(0, f"{name}: {value:,}")
    return "; ".join(parts)


def _summary(claim: DraftClaim, source_id: str) -> str:
    quote = claim.quote if len(claim.quote) <= 160 else claim.quote[:157].rstrip() + "…"
    return f"Article {source_id}: {claim.claimant} — {quote}" if quote else f"Article {source_id}"


def article_rows(
    article: Article,
    claims: list[DraftClaim],
    new_places: list[Candidate],
    *,
    source_ids: Iterable[str],
    event_ids: Iterable[str],
    incident_ids: Iterable[str],
    place_ids: Iterable[str],
    event_columns: tuple[str, ...] = EVENTS.column_names,
    aliases: Mapping[int, tuple[str, ...]] | None = None,
    today: date | None = None,
) -> ArticleRows:
    """The rows for ``claims`` (already accepted), given the ids the files hold now."""
    source_id = f"a{next_id(source_ids, 'a', 3):03d}"
    today = today or date.today()
    rows = ArticleRows(
        source={
            "source_id": source_id,
            "file": article.source_file or f"{source_id}.txt",
            "headline": article.headline,
            "published": article.published.isoformat(),
            "outlet": article.outlet,
            "notes": f"Added with Add article / kcm ingest on {today.isoformat()}.",
        }
    )
    taken = set(place_ids)
    for candidate in new_places:
        key = (round(candidate.lat, 5), round(candidate.lon, 5))
        if key in rows.place_ids:
            continue
        base = _slug(candidate.name)
        place_id, n = base, 1
        while place_id in taken:
            n += 1
            place_id = f"{base}_{n}"
        taken.add(place_id)
        rows.place_ids[key] = place_id
        extra = (aliases or {}).get(candidate.geonameid or -1, ())
        rows.places.append(_place_row(candidate, place_id, extra))
    event_n = next_id(event_ids, "E", 3)
    incident_n = next_id(incident_ids, "I", 3)
    for claim in claims:
        place_id = claim.place_id or ""
        if not place_id and claim.lat is not None and claim.lon is not None:
            place_id = rows.place_ids.get((round(claim.lat, 5), round(claim.lon, 5)), "")
        incident = claim.incident_id
        if not incident:
            incident = f"I{incident_n:03d}"
            incident_n += 1
        row = {
            "event_id": f"E{event_n:03d}",
            "incident_id": incident,
            "date_start": claim.date_start,
            "date_end": claim.date_end or claim.date_start,
            "date_precision": claim.date_precision,
            "time_of_day": claim.time_of_day,
            "place_id": place_id,
            "event_type": claim.event_type,
            "sub_event_type": claim.sub_event_type,
            "actor1": claim.actor1,
            "actor2": claim.actor2,
            "claimant": claim.claimant,
            "claimant_side": claim.claimant_side,
            "source_ids": source_id,
            "figures_note": _figures_note(claim, event_columns),
            "verification": claim.verification or "unverified",
            "summary": _summary(claim, source_id),
            "quote": claim.quote,
            "notes": f"Proposed by the article ingest (draft {claim.draft_id}); reviewed on save.",
        }
        for name in FIGURE_FIELDS:
            if name in event_columns:
                row[name] = _figure(getattr(claim, name))
        event_n += 1
        rows.events.append(row)
    return rows
