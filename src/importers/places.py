"""Where an imported event is: a gazetteer place when its name and coordinates agree, else a
place of the dataset's own, with the coordinates and precision the dataset coded.

A name alone is never enough (ACLED has several villages called Aghdara), and coordinates
alone are never snapped to the nearest gazetteer place (a village 3 km from Shusha is not
Shusha): only both together make a match, within ``MATCH_KM``.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from src.geo.gazetteer import Gazetteer, GazetteerError
from src.geo.result import GeoResult
from src.schema import DATASET_PLACE_KIND, LINE_KINDS, PLACES, namespaced

__all__ = ["MATCH_KM", "PlaceMatcher", "haversine_km"]

#: How far a dataset's coordinates may lie from a gazetteer place of the same name and still
#: be that place: towns here span a few km, and ACLED/UCDP code a town's centre.
MATCH_KM = 5.0
#: Dataset places this far outside the box of the gazetteer's theatre places are not in it.
THEATRE_MARGIN_DEG = 0.3


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (ample for a few-km match test)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def _slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")
    return text[:40] or "place"


@dataclass
class PlaceMatcher:
    """Resolves (name, lat, lon, precision) to a place id, collecting the dataset's places."""

    dataset_id: str
    gazetteer: Gazetteer | None
    theatre: tuple[float, float, float, float] | None
    places: dict[str, dict[str, str]] = field(default_factory=dict)
    matched: int = 0
    _names: dict[str, GeoResult | None] = field(default_factory=dict)
    #: (name, display, lat, lon, precision) -> (place id, whether the gazetteer's): datasets
    #: code the same few hundred locations over and over
    _resolved: dict[tuple[str, str, float, float, str], tuple[str, bool]] = field(
        default_factory=dict
    )

    @classmethod
    def from_places(cls, dataset_id: str, places: pd.DataFrame) -> PlaceMatcher:
        """A matcher over the bundled gazetteer (typed places frame)."""
        try:
            gazetteer: Gazetteer | None = Gazetteer.from_frame(places)
        except GazetteerError:
            gazetteer = None
        inside = places[places["in_theatre"] & ~places["kind"].isin([*LINE_KINDS, "country"])]
        theatre = None
        if not inside.empty:
            m = THEATRE_MARGIN_DEG
            theatre = (
                float(inside["lat"].min()) - m,
                float(inside["lon"].min()) - m,
                float(inside["lat"].max()) + m,
                float(inside["lon"].max()) + m,
            )
        return cls(dataset_id, gazetteer, theatre)

    def _lookup(self, name: str) -> GeoResult | None:
        if name not in self._names:
            result = None
            if self.gazetteer is not None and name:
                try:
                    result = self.gazetteer.lookup(name)
                except LookupError:
                    result = None
            self._names[name] = result
        return self._names[name]

    def gazetteer_match(self, name: str, lat: float, lon: float) -> str | None:
        """The gazetteer place named ``name`` if it lies within MATCH_KM of (lat, lon)."""
        found = self._lookup(name)
        if found is None or found.place_id is None or self.gazetteer is None:
            return None
        place = self.gazetteer.place(found.place_id)
        if place.is_line or not math.isfinite(place.lat):
            return None
        if haversine_km(lat, lon, place.lat, place.lon) > MATCH_KM:
            return None
        return found.place_id

    def resolve(
        self,
        name: str,
        lat: float,
        lon: float,
        precision: str,
        country: str,
        source: str,
        display: str = "",
    ) -> str:
        """The place id for a coded location; a new dataset place (named ``display``, else
        ``name``) if no gazetteer place of that name lies within MATCH_KM."""
        key = (name, display, lat, lon, precision)
        known = self._resolved.get(key)
        if known is None:
            known = self._resolved[key] = self._resolve(
                name, lat, lon, precision, country, source, display
            )
        if known[1]:
            self.matched += 1
        return known[0]

    def _resolve(
        self,
        name: str,
        lat: float,
        lon: float,
        precision: str,
        country: str,
        source: str,
        display: str,
    ) -> tuple[str, bool]:
        match = self.gazetteer_match(name, lat, lon)
        if match is not None:
            return match, True
        name = display or name
        key = f"{name}|{lat:.5f}|{lon:.5f}|{precision}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:8]
        place_id = namespaced(self.dataset_id, f"{_slug(name)}_{digest}")
        if place_id not in self.places:
            box = self.theatre
            inside = box is not None and box[0] <= lat <= box[2] and box[1] <= lon <= box[3]
            row = dict.fromkeys(PLACES.column_names, "")
            row.update(
                place_id=place_id,
                name=name or f"{lat:.4f}, {lon:.4f}",
                kind=DATASET_PLACE_KIND,
                lat=_coord(lat),
                lon=_coord(lon),
                precision=precision,
                country=country or "not stated",
                in_theatre="true" if inside else "false",
                coord_source=source,
            )
            self.places[place_id] = row
        return place_id, False


def _coord(value: float) -> str:
    """A coordinate as the dataset gave it, to 6 decimals at most (~0.1 m), no exponent."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
