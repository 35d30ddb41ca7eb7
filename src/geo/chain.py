"""The geocoding chain: gazetteer → regional layer → cache → online service (only if
explicitly enabled).

The order encodes trust and cost. The reviewed gazetteer always wins; the regional layer
(``src.geo.regional``: GeoNames' populated places of Armenia and Azerbaijan, offline) knows
the villages and towns the gazetteer does not; the cache replays
earlier online answers without a network; the online service is asked last, and only when
the user opted in (``--online`` or ``KCM_GEOCODER_ONLINE=1``) — the dashboard is
offline-first and must never start talking to third parties on its own.

Every answer carries its provenance; online answers are written to the cache with the
service's name and time. Failures end in ``PlaceNotFound`` with the gazetteer's fuzzy
suggestions and, if the service was asked, its typed error (``online_error``), so the caller
can say "did you mean …" *and* "the service was unreachable".
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from geopy.extra.rate_limiter import RateLimiter

from src.geo.cache import DEFAULT_CACHE_PATH, CacheEntry, GeocodeCache
from src.geo.gazetteer import AmbiguousPlace, Gazetteer, PlaceNotFound
from src.geo.online import (
    GeopyGeocoder,
    NotFound,
    OnlineAnswer,
    OnlineGeocodeError,
    OnlineGeocoder,
)
from src.geo.online import make_online_geocoder as _make_online_geocoder
from src.geo.regional import RegionalGazetteer, regional_gazetteer
from src.geo.result import GeoResult, Provenance, point_geometry

__all__ = [
    "NEGATIVE_TTL_SECONDS",
    "ONLINE_ENV",
    "ONLINE_PRECISION",
    "GeocodeChain",
    "build_chain",
    "online_requested",
]

log = logging.getLogger(__name__)

ONLINE_ENV = "KCM_GEOCODER_ONLINE"
#: A cached "the service has no such place" is trusted this long, then asked again.
NEGATIVE_TTL_SECONDS = 30 * 24 * 3600.0
#: An online answer is a point for a free-text query, not a reviewed location: "near".
ONLINE_PRECISION = "near"

_TRUE = {"1", "true", "yes", "on"}


def online_requested(flag: bool = False, env: Mapping[str, str] | None = None) -> bool:
    """True only if the user asked: the ``--online`` flag or ``KCM_GEOCODER_ONLINE=1``."""
    env = os.environ if env is None else env
    return flag or env.get(ONLINE_ENV, "").strip().casefold() in _TRUE


class GeocodeChain:
    """Resolve names through the gazetteer, then the cache, then (if given) ``online``.

    Passing ``online=None`` (the default) makes the chain strictly offline; ``regional``
    (the GeoNames layer) is asked after the gazetteer and before the cache.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        cache: GeocodeCache | None = None,
        online: OnlineGeocoder | None = None,
        *,
        negative_ttl_seconds: float = NEGATIVE_TTL_SECONDS,
        regional: RegionalGazetteer | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.regional = regional
        self.cache = cache
        self.online = online
        self.negative_ttl_seconds = negative_ttl_seconds

    @property
    def online_enabled(self) -> bool:
        return self.online is not None

    def lookup(self, name: str) -> GeoResult:
        """The GeoResult for ``name``; raises PlaceNotFound (or AmbiguousPlace)."""
        try:
            return self.gazetteer.lookup(name)
        except AmbiguousPlace:
            raise  # the user must choose between gazetteer places; no service can
        except PlaceNotFound as miss:
            suggestions = miss.suggestions
        if self.regional is not None:
            try:
                return self.regional.lookup(name)
            except AmbiguousPlace:
                raise  # two villages of one name: the user chooses, no service can
            except PlaceNotFound:
                pass

        entry = self.cache.get(name) if self.cache is not None else None
        if entry is not None and entry.found:
            return _from_cache(name, entry)
        if entry is not None and not self._should_retry(entry):
            reason = f"{entry.service} found no such place on {entry.retrieved_at} (cached)"
            raise PlaceNotFound(name, suggestions, reason=reason)

        if self.online is None:
            raise PlaceNotFound(name, suggestions)
        try:
            answer = self.online.geocode(name)
        except NotFound as err:
            self._store(CacheEntry.negative(name, service=err.service))
            raise PlaceNotFound(name, suggestions, online_error=err) from err
        except OnlineGeocodeError as err:
            raise PlaceNotFound(name, suggestions, online_error=err) from err
        self._store(
            CacheEntry.positive(
                name,
                service=answer.service,
                lat=answer.lat,
                lon=answer.lon,
                address=answer.address,
                kind=answer.kind,
                retrieved_at=answer.retrieved_at,
            )
        )
        return _from_online(name, answer)

    def _should_retry(self, negative: CacheEntry) -> bool:
        """Ask again despite a cached negative: only online, and only if it is stale or came
        from a different service than the one enabled now."""
        if self.online is None:
            return False
        if negative.service != self.online.service:
            return True
        return negative.age_seconds() > self.negative_ttl_seconds

    def _store(self, entry: CacheEntry) -> None:
        """Cache an answer; a failing disk (or an answer the cache refuses) must not cost the
        user the answer itself."""
        if self.cache is None:
            return
        try:
            self.cache.put(entry)
        except (OSError, ValueError) as err:
            log.warning("could not write geocode cache %s: %s", self.cache.path, err)


def _answer(
    name: str, lat: float, lon: float, kind: str | None, provenance: Provenance
) -> GeoResult:
    """An answer from outside the gazetteer: no place_id, and the online precision."""
    return GeoResult(
        name=name.strip(),
        place_id=None,
        lat=lat,
        lon=lon,
        kind=kind,
        precision=ONLINE_PRECISION,
        provenance=provenance,
        geometry=point_geometry(lat, lon),
    )


def _from_cache(name: str, entry: CacheEntry) -> GeoResult:
    assert entry.lat is not None
    assert entry.lon is not None
    detail = f"{entry.service} answer for {entry.query!r}"
    if entry.address:
        detail += f": {entry.address}"
    provenance = Provenance("cache", entry.retrieved_at, detail)
    return _answer(name, entry.lat, entry.lon, entry.kind, provenance)


def _from_online(name: str, answer: OnlineAnswer) -> GeoResult:
    provenance = Provenance(answer.service, answer.retrieved_at, answer.address)
    return _answer(name, answer.lat, answer.lon, answer.kind, provenance)


def build_chain(
    gazetteer: Gazetteer,
    *,
    online: bool = False,
    env: Mapping[str, str] | None = None,
    cache: GeocodeCache | Path | None = DEFAULT_CACHE_PATH,
    service: str = "nominatim",
    geocoder: GeopyGeocoder | None = None,
    limiter: RateLimiter | None = None,
    regional: RegionalGazetteer | bool = True,
) -> GeocodeChain:
    """The chain as the CLI and app use it: online only if ``online_requested(online, env)``.

    ``geocoder`` (a geopy-like object) and ``limiter`` are for dependency injection; when
    online is not requested they are ignored and nothing online is even constructed.
    ``regional=True`` adds the process-wide GeoNames layer (False: none).
    """
    if isinstance(cache, Path):
        cache = GeocodeCache(cache)
    online_geocoder = None
    if online_requested(online, env):
        online_geocoder = _make_online_geocoder(
            service, env=env, geocoder=geocoder, limiter=limiter
        )
    layer = regional_gazetteer() if regional is True else regional or None
    return GeocodeChain(gazetteer, cache, online_geocoder, regional=layer)
