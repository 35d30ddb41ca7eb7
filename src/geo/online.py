"""Online geocoding through geopy — polite, bounded to the theatre, with typed failures.

Only ``src.geo.chain`` uses this, and only when online lookups were switched on explicitly.
The rules it enforces, and why:

* **Politeness.** Nominatim's usage policy allows one request per second from an identified
  client. Every service gets one geopy ``RateLimiter`` per *process* (``shared_rate_limiter``),
  shared by all geocoder objects and threads, with ``min_delay_seconds`` >= 1; requests carry
  a real user agent (``KCM_GEOCODER_CONTACT`` adds a contact) and a timeout.
* **Bounded.** Free-text geocoding of "Aghdam" can return a street in Europe. Queries are
  restricted to Armenia and Azerbaijan where the service supports it (Nominatim:
  ``country_codes`` plus a ``bounded`` viewbox) and *every* answer is checked against the
  theatre's bounding box; one outside is rejected as ``OutOfRegion``, never used.
* **Typed failures.** Callers must be able to tell "the service has no such place"
  (``NotFound``, worth caching) from "we could not ask" (``ServiceUnavailable``,
  ``GeocodeTimeout``, ``RateLimited``: never cached). geopy's exceptions are mapped onto
  these, and the rate limiter is configured to raise rather than swallow errors (its default
  turns an outage into ``None``, which would look like "not found").

The geopy geocoder is injected (``OnlineGeocoder(geocoder, ...)``), so tests use a fake and
never open a socket.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter

from src.geo.cache import utc_now_iso

__all__ = [
    "COUNTRY_CODES",
    "DEFAULT_MIN_DELAY_SECONDS",
    "DEFAULT_TIMEOUT",
    "REGION",
    "SERVICES",
    "GeocodeTimeout",
    "GeopyGeocoder",
    "NotFound",
    "OnlineAnswer",
    "OnlineGeocodeError",
    "OnlineGeocoder",
    "OutOfRegion",
    "RateLimited",
    "Region",
    "ServiceConfigError",
    "ServiceUnavailable",
    "make_online_geocoder",
    "make_rate_limiter",
    "shared_rate_limiter",
    "user_agent",
]

DEFAULT_TIMEOUT = 10.0
#: Nominatim's policy: at most one request per second. Never lower in production.
DEFAULT_MIN_DELAY_SECONDS = 1.0
CONTACT_ENV = "KCM_GEOCODER_CONTACT"
USER_AGENT_BASE = "karabakh-conflict-map/0.1"
COUNTRY_CODES: tuple[str, ...] = ("am", "az")
#: How many candidates to ask for, so an in-region one can win over an out-of-region first hit.
CANDIDATES = 5


@dataclass(frozen=True)
class Region:
    """A lat/lon bounding box; the theatre is Armenia, Azerbaijan and their borders."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    @property
    def corners(self) -> list[tuple[float, float]]:
        """[(south, west), (north, east)] as geopy's viewbox/bbox parameters take them."""
        return [(self.south, self.west), (self.north, self.east)]

    def __str__(self) -> str:
        return f"lat {self.south}–{self.north}, lon {self.west}–{self.east}"


#: Armenia + Azerbaijan (incl. Nakhchivan) with a small margin.
REGION = Region(south=38.3, west=43.4, north=41.95, east=50.9)


class GeopyGeocoder(Protocol):
    """What the chain needs from a geopy geocoder (``geopy.geocoders.Nominatim`` …, or a test
    fake): ``geocode`` answering ``None``, one Location-like object (``latitude``,
    ``longitude``, ``address``, ``raw``) or a list of them."""

    def geocode(
        self, query: str, *, exactly_one: bool = ..., timeout: float | None = ..., **kwargs: Any
    ) -> Any: ...


# --- errors ----------------------------------------------------------------------------------


class OnlineGeocodeError(Exception):
    """An online lookup gave no usable answer. ``str(err)`` is a sentence for the user."""

    #: Short status for tables (the refresh command's drift table).
    status = "error"

    def __init__(self, service: str, query: str, message: str) -> None:
        self.service = service
        self.query = query
        super().__init__(f"{service}: {message}")


class ServiceUnavailable(OnlineGeocodeError):
    """The service could not be reached or answered with a server error. Not cached."""

    status = "service unavailable"


class GeocodeTimeout(OnlineGeocodeError):
    """The service did not answer within the timeout. Not cached."""

    status = "timeout"


class RateLimited(OnlineGeocodeError):
    """The service refused because of request rate or quota (HTTP 429). Not cached."""

    status = "rate limited"

    def __init__(
        self, service: str, query: str, message: str, retry_after: float | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(service, query, message)


class NotFound(OnlineGeocodeError):
    """The service answered and has no such place (in the region). Cacheable as negative."""

    status = "not found"


class OutOfRegion(OnlineGeocodeError):
    """Every answer lay outside the theatre's bounding box; rejected. Not cached."""

    status = "out of region"

    def __init__(
        self, service: str, query: str, points: list[tuple[float, float]], region: Region
    ) -> None:
        self.points = points
        shown = ", ".join(f"({lat:.4f}, {lon:.4f})" for lat, lon in points[:3])
        super().__init__(
            service, query, f"answer for {query!r} at {shown} is outside the region ({region})"
        )


class ServiceConfigError(OnlineGeocodeError):
    """Unknown service name, or a keyed service without its key (or a rejected key)."""

    status = "configuration error"


def _classify(err: Exception, service: str, query: str) -> OnlineGeocodeError | None:
    """Map a geopy (or socket) exception onto our typed errors. Order matters: geopy's
    classes inherit from each other (GeocoderRateLimited is a GeocoderQuotaExceeded …)."""
    if isinstance(err, geopy_exc.GeocoderRateLimited):
        after = err.retry_after
        hint = f"; retry after {after:g} s" if after else ""
        return RateLimited(service, query, f"rate limited (HTTP 429){hint}", after)
    if isinstance(err, geopy_exc.GeocoderQuotaExceeded):
        return RateLimited(service, query, f"quota exceeded: {err}")
    if isinstance(err, geopy_exc.GeocoderTimedOut | TimeoutError):
        return GeocodeTimeout(service, query, f"timed out ({err or 'no answer'})")
    if isinstance(
        err,
        geopy_exc.GeocoderAuthenticationFailure
        | geopy_exc.GeocoderInsufficientPrivileges
        | geopy_exc.ConfigurationError,
    ):
        return ServiceConfigError(service, query, f"refused our credentials/config: {err}")
    if isinstance(err, geopy_exc.GeocoderServiceError) and "429" in str(err):
        return RateLimited(service, query, f"rate limited: {err}")
    if isinstance(err, geopy_exc.GeocoderUnavailable):
        return ServiceUnavailable(service, query, f"service unavailable ({err})")
    if isinstance(err, geopy_exc.GeocoderServiceError | geopy_exc.GeopyError | OSError):
        return ServiceUnavailable(service, query, f"service error: {type(err).__name__}: {err}")
    return None  # a programming error, not a service failure: let it propagate


# --- rate limiting ---------------------------------------------------------------------------


def _call_through(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """What the shared RateLimiter wraps: it calls whatever geocode function it is handed,
    so one limiter can pace every geocoder object of a service."""
    return func(*args, **kwargs)


class _PacedRateLimiter(RateLimiter):  # type: ignore[misc]  # geopy has no types: Any base
    """geopy's RateLimiter with an injectable clock and sleep (tests never really sleep)."""

    def __init__(
        self,
        min_delay_seconds: float,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(
            _call_through,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,  # a retry is a caller's decision; errors must surface typed
            error_wait_seconds=min_delay_seconds,
            swallow_exceptions=False,  # the default would turn an outage into "not found"
        )
        self._clock_fn = clock or time.monotonic
        self._sleep_fn = sleep or time.sleep

    def _clock(self) -> float:
        return self._clock_fn()

    def _sleep(self, seconds: float) -> None:
        self._sleep_fn(seconds)


def make_rate_limiter(
    min_delay_seconds: float = DEFAULT_MIN_DELAY_SECONDS,
    *,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> RateLimiter:
    """A new limiter; call it as ``limiter(geocoder.geocode, query, **kwargs)``.

    Production code should use ``shared_rate_limiter``; this exists for tests and tools that
    need their own clock.
    """
    if min_delay_seconds < 0:
        raise ValueError("min_delay_seconds must be >= 0")
    return _PacedRateLimiter(min_delay_seconds, clock, sleep)


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def shared_rate_limiter(service: str) -> RateLimiter:
    """The one process-wide limiter of ``service`` (>= 1 s between its requests).

    Thread-safe: RateLimiter itself serialises request slots with a lock, and creation here
    is locked so two threads cannot each create "the" limiter.
    """
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(service)
        if limiter is None:
            limiter = make_rate_limiter(DEFAULT_MIN_DELAY_SECONDS)
            _LIMITERS[service] = limiter
        return limiter


# --- services --------------------------------------------------------------------------------


def user_agent(env: Mapping[str, str] | None = None) -> str:
    """An identifying user agent, as Nominatim's policy requires (geopy's default is banned)."""
    env = os.environ if env is None else env
    contact = env.get(CONTACT_ENV, "").strip()
    return f"{USER_AGENT_BASE} (+{contact or 'contact via env ' + CONTACT_ENV})"


@dataclass(frozen=True)
class ServiceSpec:
    """How to build one geopy geocoder and bound its queries to the region."""

    name: str
    geopy_class: str
    #: (env var, constructor parameter) for keyed services; None for keyless ones.
    key: tuple[str, str] | None = None
    query_kwargs: Callable[[Region], dict[str, Any]] = field(default=lambda _region: {})


SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec(
            "nominatim",
            "Nominatim",
            query_kwargs=lambda r: {
                "country_codes": list(COUNTRY_CODES),
                "viewbox": r.corners,
                "bounded": True,
                "limit": CANDIDATES,
                "language": "en",
            },
        ),
        ServiceSpec(
            "photon",
            "Photon",
            query_kwargs=lambda r: {"bbox": r.corners, "limit": CANDIDATES, "language": "en"},
        ),
        # ArcGIS has no region parameter in geopy; the bounding-box post-check does the work.
        ServiceSpec("arcgis", "ArcGIS"),
        ServiceSpec(
            "opencage",
            "OpenCage",
            key=("KCM_OPENCAGE_API_KEY", "api_key"),
            query_kwargs=lambda r: {"country": list(COUNTRY_CODES), "bounds": r.corners},
        ),
        ServiceSpec(
            "geonames",
            "GeoNames",
            key=("KCM_GEONAMES_USERNAME", "username"),
            query_kwargs=lambda _region: {"country": [c.upper() for c in COUNTRY_CODES]},
        ),
        ServiceSpec(
            "mapbox",
            "MapBox",
            key=("KCM_MAPBOX_API_KEY", "api_key"),
            query_kwargs=lambda r: {"country": list(COUNTRY_CODES), "bbox": r.corners},
        ),
    )
}


def available_services(env: Mapping[str, str] | None = None) -> list[str]:
    """Services usable now: the keyless ones, plus keyed ones whose env var is set."""
    env = os.environ if env is None else env
    return [s.name for s in SERVICES.values() if s.key is None or env.get(s.key[0])]


# --- the geocoder ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OnlineAnswer:
    """An in-region answer from an online service."""

    query: str
    lat: float
    lon: float
    address: str
    service: str
    retrieved_at: str
    kind: str | None = None


#: Values of an OSM answer's addresstype/type that are also our place kinds.
_OSM_KINDS = {"city", "town", "village", "country"}


def _kind_of(location: Any) -> str | None:
    raw = getattr(location, "raw", None)
    if not isinstance(raw, dict):
        return None
    for field_name in ("addresstype", "type", "osm_value"):
        value = raw.get(field_name)
        if value in _OSM_KINDS:
            return str(value)
    return None


class OnlineGeocoder:
    """One geopy geocoder, paced by its service's limiter and bounded to ``region``.

    ``geocoder`` is anything with geopy's ``geocode`` (see ``GeopyGeocoder``).
    """

    def __init__(
        self,
        geocoder: GeopyGeocoder,
        service: str,
        *,
        limiter: RateLimiter | None = None,
        query_kwargs: Mapping[str, Any] | None = None,
        region: Region = REGION,
        clock: Callable[[], str] = utc_now_iso,
    ) -> None:
        self.geocoder = geocoder
        self.service = service
        self.limiter = limiter if limiter is not None else shared_rate_limiter(service)
        self.query_kwargs = dict(query_kwargs or {})
        self.region = region
        self._now = clock

    def geocode(self, query: str) -> OnlineAnswer:
        """The first in-region answer for ``query``; raises an OnlineGeocodeError subclass."""
        try:
            found = self.limiter(
                self.geocoder.geocode, query, exactly_one=False, **self.query_kwargs
            )
        except Exception as err:
            mapped = _classify(err, self.service, query)
            if mapped is None:
                raise
            raise mapped from err
        answered_at = self._now()
        if found is None:
            candidates: list[Any] = []
        elif isinstance(found, list | tuple):
            candidates = list(found)
        else:
            candidates = [found]
        if not candidates:
            raise NotFound(self.service, query, f"no place named {query!r} in the region")
        outside: list[tuple[float, float]] = []
        for location in candidates:
            lat, lon = float(location.latitude), float(location.longitude)
            if self.region.contains(lat, lon):
                return OnlineAnswer(
                    query=query,
                    lat=lat,
                    lon=lon,
                    address=str(getattr(location, "address", "") or ""),
                    service=self.service,
                    retrieved_at=answered_at,
                    kind=_kind_of(location),
                )
            outside.append((lat, lon))
        raise OutOfRegion(self.service, query, outside, self.region)


def make_online_geocoder(
    service: str = "nominatim",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
    geocoder: GeopyGeocoder | None = None,
    limiter: RateLimiter | None = None,
) -> OnlineGeocoder:
    """Build the OnlineGeocoder for ``service`` (see SERVICES).

    ``geocoder`` replaces the real geopy object (tests pass a fake); the region parameters
    and the shared limiter apply either way. Raises ServiceConfigError for an unknown service
    or a keyed one whose env var is unset.
    """
    env = os.environ if env is None else env
    spec = SERVICES.get(service)
    if spec is None:
        known = ", ".join(SERVICES)
        raise ServiceConfigError(service, "", f"unknown geocoding service (known: {known})")
    if geocoder is None:
        from geopy import geocoders

        kwargs: dict[str, Any] = {"user_agent": user_agent(env), "timeout": timeout}
        if spec.key is not None:
            env_var, param = spec.key
            secret = env.get(env_var, "").strip()
            if not secret:
                raise ServiceConfigError(service, "", f"needs a key: set {env_var}")
            kwargs[param] = secret
        geocoder = getattr(geocoders, spec.geopy_class)(**kwargs)
    return OnlineGeocoder(
        geocoder,
        service,
        limiter=limiter,
        query_kwargs=spec.query_kwargs(REGION),
    )
