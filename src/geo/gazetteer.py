"""The offline gazetteer: resolve a place name from ``data/places.csv`` without any network.

Lookup goes from strict to loose and stops at the first layer with an answer:

1. the place_id itself (``stepanakert``);
2. a name or alias, ignoring only case and surrounding spaces (``khankendi``);
3. the ``normalize`` key — diacritics, Azerbaijani letters, punctuation (``Xankəndi``);
4. the ``loose_key`` — transliteration variants (``Khankandi``, ``Agdam``, ``Erevan``).

If a layer's key belongs to two places, that is reported as ``AmbiguousPlace`` naming both:
a conflict map must not quietly put a claim in the wrong village. If no layer matches, a
fuzzy search produces *suggestions* only (``PlaceNotFound.suggestions``); a typo is never
silently resolved to its nearest neighbour.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process

from src.geo.normalize import loose_key, normalize
from src.geo.result import GeoResult, Provenance, point_geometry
from src.schema import LINE_KINDS, split_list

__all__ = [
    "AmbiguousPlace",
    "Gazetteer",
    "GazetteerError",
    "Place",
    "PlaceNotFound",
]

#: Columns the gazetteer reads; the frame may have more (country, notes, line …).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "place_id",
    "name",
    "aliases",
    "kind",
    "lat",
    "lon",
    "precision",
    "waypoints",
)

#: rapidfuzz WRatio score (0–100) a name must reach to be suggested.
SUGGESTION_CUTOFF = 80.0
#: Only suggest names scoring within this many points of the best one, so a clear typo gets
#: one answer ("Stepanakertt" → Stepanakert) instead of every road that mentions the city.
SUGGESTION_MARGIN = 5.0
MAX_SUGGESTIONS = 5

_LAYERS: tuple[str, ...] = ("name", "normalised", "transliteration")


class GazetteerError(ValueError):
    """The places frame cannot make a consistent gazetteer (missing column, bad waypoint …)."""


class PlaceNotFound(LookupError):
    """No place matches ``name``; ``suggestions`` lists close names to offer the user.

    ``reason`` adds context (e.g. a cached negative answer) and ``online_error`` carries the
    online geocoder's failure, if one was consulted, so the caller can tell "does not exist"
    from "could not ask".
    """

    def __init__(
        self,
        name: str,
        suggestions: list[str] | None = None,
        *,
        reason: str | None = None,
        online_error: Exception | None = None,
    ) -> None:
        self.name = name
        self.suggestions = list(suggestions or [])
        self.reason = reason
        self.online_error = online_error
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"unknown place {self.name!r}."
        if self.suggestions:
            text += f" Did you mean: {', '.join(self.suggestions)}?"
        if self.reason:
            text += f" ({self.reason})"
        if self.online_error is not None:
            text += f" Online lookup failed: {self.online_error}"
        return text


class AmbiguousPlace(PlaceNotFound):
    """``name`` matches several places equally well; ``suggestions`` are their place_ids."""

    def __init__(self, name: str, candidates: Mapping[str, str], layer: str) -> None:
        self.candidates = dict(candidates)
        self.layer = layer
        super().__init__(name, sorted(self.candidates))

    def _message(self) -> str:
        listed = ", ".join(f"{pid} ({label})" for pid, label in sorted(self.candidates.items()))
        return (
            f"ambiguous place {self.name!r}: its {self.layer} form matches {listed}. "
            "Look it up by place_id."
        )


@dataclass(frozen=True)
class Place:
    """One gazetteer row, typed; ``waypoints`` is empty except for roads and corridors."""

    place_id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    lat: float
    lon: float
    precision: str
    waypoints: tuple[str, ...] = ()
    coord_source: str = ""

    @property
    def is_line(self) -> bool:
        return self.kind in LINE_KINDS

    @property
    def labels(self) -> tuple[str, ...]:
        """Every written form of the name: the name, its " / " parts, then the aliases."""
        parts = [p.strip() for p in self.name.split(" / ")] if " / " in self.name else []
        seen: dict[str, None] = dict.fromkeys([self.name, *parts, *self.aliases])
        return tuple(label for label in seen if label.strip())


def _float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


class Gazetteer:
    """Name → place resolution and GeoJSON geometry over a validated places frame."""

    def __init__(self, places: Mapping[str, Place]) -> None:
        self._places: dict[str, Place] = dict(places)
        self._check_lines()
        # layer → key → {place_id: the label that produced the key}
        self._index: dict[str, dict[str, dict[str, str]]] = {layer: {} for layer in _LAYERS}
        self._fuzzy_choices: list[str] = []
        self._fuzzy_owner: list[tuple[str, str]] = []  # (place_id, label) per choice
        for place in self._places.values():
            for label in place.labels:
                self._add(place.place_id, label)

    # --- construction ------------------------------------------------------------------------

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Gazetteer:
        """Build from a places frame as ``src.dataset.load_places`` returns it.

        Raises GazetteerError if a required column is missing, a place_id repeats, a point has
        no coordinates, or a road's waypoints do not resolve to point places.
        """
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            raise GazetteerError(f"places frame lacks column(s): {', '.join(missing)}")
        places: dict[str, Place] = {}
        problems: list[str] = []
        for row in frame.to_dict("records"):
            place_id = _text(row["place_id"])
            if not place_id:
                problems.append("a row has a blank place_id")
                continue
            if place_id in places:
                problems.append(f"{place_id}: duplicate place_id")
                continue
            places[place_id] = Place(
                place_id=place_id,
                name=_text(row["name"]) or place_id,
                aliases=tuple(split_list(row["aliases"], "aliases")),
                kind=_text(row["kind"]),
                lat=_float(row["lat"]),
                lon=_float(row["lon"]),
                precision=_text(row["precision"]),
                waypoints=tuple(split_list(row["waypoints"], "waypoints")),
                coord_source=_text(row.get("coord_source")),
            )
        if problems:
            raise GazetteerError("; ".join(problems))
        return cls(places)

    def _check_lines(self) -> None:
        problems: list[str] = []
        for place in self._places.values():
            if place.is_line:
                if len(place.waypoints) < 2:
                    problems.append(f"{place.place_id}: a {place.kind} needs 2+ waypoints")
                for wp in place.waypoints:
                    target = self._places.get(wp)
                    if target is None:
                        problems.append(f"{place.place_id}: unknown waypoint {wp!r}")
                    elif target.is_line:
                        problems.append(f"{place.place_id}: waypoint {wp!r} is itself a line")
                    elif not _finite(target.lat, target.lon):
                        problems.append(f"{place.place_id}: waypoint {wp!r} has no coordinates")
            elif not _finite(place.lat, place.lon):
                problems.append(f"{place.place_id}: no coordinates")
        if problems:
            raise GazetteerError("; ".join(problems))

    def _add(self, place_id: str, label: str) -> None:
        keys = {
            "name": label.strip().casefold(),
            "normalised": normalize(label),
            "transliteration": loose_key(label),
        }
        for layer, key in keys.items():
            if key:
                self._index[layer].setdefault(key, {}).setdefault(place_id, label)
        if keys["normalised"]:
            self._fuzzy_choices.append(keys["normalised"])
            self._fuzzy_owner.append((place_id, label))

    # --- access ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def place(self, place_id: str) -> Place:
        """The place with this exact id; KeyError if there is none."""
        return self._places[place_id]

    def collisions(self, layer: str = "normalised") -> dict[str, list[str]]:
        """Keys of ``layer`` shared by 2+ places: lookups of those spellings are ambiguous.

        Useful as a data check after editing places.csv.
        """
        return {
            key: sorted(owners) for key, owners in self._index[layer].items() if len(owners) > 1
        }

    # --- lookup ------------------------------------------------------------------------------

    def lookup(self, name: str) -> GeoResult:
        """Resolve ``name`` (id, name, alias or a spelling variant) to a GeoResult.

        Raises AmbiguousPlace if the first matching layer names 2+ places, PlaceNotFound
        (with fuzzy suggestions) if nothing matches.
        """
        query = name.strip()
        if query in self._places:
            return self.result_for(query, "place_id")
        keys = {
            "name": query.casefold(),
            "normalised": normalize(query),
            "transliteration": loose_key(query),
        }
        for layer in _LAYERS:
            key = keys[layer]
            owners = self._index[layer].get(key) if key else None
            if not owners:
                continue
            if len(owners) > 1:
                raise AmbiguousPlace(name, owners, layer)
            ((place_id, label),) = owners.items()
            return self.result_for(place_id, f"{layer} match on {label!r}")
        raise PlaceNotFound(name, self.suggest(name))

    def suggest(self, name: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Up to ``limit`` written forms close to ``name``, best first, one per place.

        Each suggestion is the label (name or alias) that scored best for its place, so a
        typo of an alias is answered with that alias ("Stepanakertt" → "Stepanakert").
        """
        key = normalize(name)
        if len(key) < 3 or not self._fuzzy_choices:
            return []
        matches = process.extract(
            key,
            self._fuzzy_choices,
            scorer=fuzz.WRatio,
            score_cutoff=SUGGESTION_CUTOFF,
            limit=None,
        )
        best: dict[str, tuple[float, str]] = {}
        for _choice, score, index in matches:
            place_id, label = self._fuzzy_owner[index]
            if place_id not in best or score > best[place_id][0]:
                best[place_id] = (score, label)
        ranked = sorted(best.values(), key=lambda item: (-item[0], item[1]))
        if not ranked:
            return []
        floor = ranked[0][0] - SUGGESTION_MARGIN
        return [label for score, label in ranked[:limit] if score >= floor]

    # --- geometry ----------------------------------------------------------------------------

    def geometry(self, place_id: str) -> dict[str, Any]:
        """GeoJSON geometry: a Point, or for a road/corridor the LineString through its
        waypoints, coordinates in (lon, lat) order. KeyError for an unknown place_id.
        """
        place = self._places[place_id]
        if place.is_line:
            coords = [[self._places[wp].lon, self._places[wp].lat] for wp in place.waypoints]
            return {"type": "LineString", "coordinates": coords}
        return point_geometry(place.lat, place.lon)

    def representative_point(self, place_id: str) -> tuple[float, float]:
        """(lat, lon) of a place; for a line without its own point, the waypoints' mean."""
        place = self._places[place_id]
        if _finite(place.lat, place.lon):
            return place.lat, place.lon
        points = [self._places[wp] for wp in place.waypoints]
        return (
            sum(p.lat for p in points) / len(points),
            sum(p.lon for p in points) / len(points),
        )

    def result_for(self, place_id: str, detail: str = "") -> GeoResult:
        """The GeoResult of a known place_id, with gazetteer provenance."""
        place = self._places[place_id]
        lat, lon = self.representative_point(place_id)
        coords = f"coords: {place.coord_source}" if place.coord_source else ""
        return GeoResult(
            name=place.name,
            place_id=place.place_id,
            lat=lat,
            lon=lon,
            kind=place.kind,
            precision=place.precision,
            provenance=Provenance(
                source="gazetteer",
                retrieved_at=None,
                detail="; ".join(part for part in (detail, coords) if part),
            ),
            geometry=self.geometry(place_id),
        )


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)
