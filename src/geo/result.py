"""The answer of every lookup, whichever layer (gazetteer, cache, online service) produced it.

One frozen type for all layers means the map, the CLI and the tests never need to know where a
coordinate came from to use it — and ``provenance`` means they always *can* know, which matters
for a dataset of contested claims: a point from our reviewed gazetteer and a point some online
service returned for a free-text query must never be indistinguishable.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["GEOCODE_SOURCES", "GeoResult", "Provenance", "point_geometry"]

#: Provenance.source is one of these, or the name of the online service (e.g. "nominatim").
GEOCODE_SOURCES: tuple[str, ...] = ("gazetteer", "geonames", "cache")


@dataclass(frozen=True)
class Provenance:
    """Where a coordinate came from.

    ``source`` is "gazetteer", "cache", or the online service's name. ``retrieved_at`` is the
    ISO 8601 time an online service answered (also kept for cache hits, so the age of a cached
    answer stays visible); ``None`` for the gazetteer, whose own ``coord_source`` column says
    where its coordinates come from. ``detail`` is human-readable: how the name matched, or
    the service's address string.
    """

    source: str
    retrieved_at: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class GeoResult:
    """A located place.

    ``lat``/``lon`` are a representative point (for a road or corridor: the gazetteer's
    point, e.g. its midpoint); ``geometry`` is the GeoJSON geometry to draw — a Point, or a
    LineString through a road's waypoints, with coordinates in GeoJSON's (lon, lat) order.
    ``place_id`` and ``kind`` are ``None`` for answers from an online service, which are not
    gazetteer places.
    """

    name: str
    place_id: str | None
    lat: float
    lon: float
    kind: str | None
    precision: str
    provenance: Provenance
    geometry: dict[str, Any] = field(default_factory=dict)

    @property
    def is_line(self) -> bool:
        return self.geometry.get("type") == "LineString"

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-serialisable dict (provenance nested)."""
        return asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        """One JSON object; non-ASCII names are kept as they are (ensure_ascii=False), and a
        non-finite number raises instead of printing ``NaN``, which is not JSON."""
        kwargs.setdefault("ensure_ascii", False)
        kwargs.setdefault("allow_nan", False)
        return json.dumps(self.to_dict(), **kwargs)


def point_geometry(lat: float, lon: float) -> dict[str, Any]:
    """A GeoJSON Point; GeoJSON orders coordinates (lon, lat), the reverse of lat/lon talk."""
    return {"type": "Point", "coordinates": [lon, lat]}
