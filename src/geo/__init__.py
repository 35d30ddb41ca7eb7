"""Geocoding for the conflict map: offline gazetteer first, cached and opt-in online lookups after.

Public entry points::

    from src.geo import Gazetteer, build_chain
    gazetteer = Gazetteer.from_frame(load_places(path))
    gazetteer.lookup("Khankendi")            # GeoResult, offline
    build_chain(gazetteer).lookup("Xocalı")  # + cache; online only if explicitly enabled

CLI: ``python -m src.geo lookup|distance|refresh`` (see ``src/geo/__main__.py``).
"""

from src.geo.cache import CacheEntry, GeocodeCache
from src.geo.chain import GeocodeChain, build_chain, online_requested
from src.geo.gazetteer import AmbiguousPlace, Gazetteer, GazetteerError, Place, PlaceNotFound
from src.geo.normalize import loose_key, normalize
from src.geo.online import (
    GeocodeTimeout,
    NotFound,
    OnlineGeocodeError,
    OnlineGeocoder,
    OutOfRegion,
    RateLimited,
    ServiceConfigError,
    ServiceUnavailable,
    make_online_geocoder,
    shared_rate_limiter,
)
from src.geo.result import GeoResult, Provenance

__all__ = [
    "AmbiguousPlace",
    "CacheEntry",
    "Gazetteer",
    "GazetteerError",
    "GeoResult",
    "GeocodeCache",
    "GeocodeChain",
    "GeocodeTimeout",
    "NotFound",
    "OnlineGeocodeError",
    "OnlineGeocoder",
    "OutOfRegion",
    "Place",
    "PlaceNotFound",
    "Provenance",
    "RateLimited",
    "ServiceConfigError",
    "ServiceUnavailable",
    "build_chain",
    "loose_key",
    "make_online_geocoder",
    "normalize",
    "online_requested",
    "shared_rate_limiter",
]
