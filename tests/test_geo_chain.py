"""The geocoding chain with a fake geopy geocoder: no test here opens a socket or sleeps."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from geopy import exc as geopy_exc

from src.geo import online as online_mod
from src.geo.cache import CacheEntry, GeocodeCache
from src.geo.chain import GeocodeChain, build_chain, online_requested
from src.geo.gazetteer import AmbiguousPlace, Gazetteer, PlaceNotFound
from src.geo.online import (
    DEFAULT_MIN_DELAY_SECONDS,
    REGION,
    GeocodeTimeout,
    NotFound,
    OnlineGeocoder,
    OutOfRegion,
    RateLimited,
    ServiceConfigError,
    ServiceUnavailable,
    available_services,
    make_online_geocoder,
    make_rate_limiter,
    shared_rate_limiter,
    user_agent,
)

# --- fakes ---------------------------------------------------------------------------------


@dataclass
class FakeLocation:
    latitude: float
    longitude: float
    address: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class FakeGeocoder:
    """geopy-like: ``geocode(query, exactly_one=..., **kwargs)``; records every call."""

    def __init__(self, answer: Any = None, error: Exception | None = None) -> None:
        self.answer = answer
        self.error = error
        self.calls: list[tuple[str, bool, dict[str, Any]]] = []

    def geocode(self, query: str, exactly_one: bool = True, **kwargs: Any) -> Any:
        self.calls.append((query, exactly_one, kwargs))
        if self.error is not None:
            raise self.error
        return self.answer


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


MARTAKERT = FakeLocation(40.2100, 46.8100, "Aghdara, Azerbaijan", {"addresstype": "town"})
AGHDAM_IN_GERMANY = FakeLocation(50.1109, 8.6821, "Aghdam Straße, Frankfurt, Germany")


@pytest.fixture
def gaz() -> Gazetteer:
    rows = [
        ("stepanakert", "Stepanakert / Khankendi", "Stepanakert|Khankendi", "city",
         39.8153, 46.7519, "exact", ""),
        ("shusha", "Shusha", "Şuşa", "town", 39.7583, 46.7483, "exact", ""),
    ]  # fmt: skip
    cols = ["place_id", "name", "aliases", "kind", "lat", "lon", "precision", "waypoints"]
    return Gazetteer.from_frame(pd.DataFrame(rows, columns=cols))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "geocode.sqlite"


def chain_with(
    gaz: Gazetteer, fake: FakeGeocoder, cache_path: Path, clock: FakeClock
) -> GeocodeChain:
    limiter = make_rate_limiter(DEFAULT_MIN_DELAY_SECONDS, clock=clock, sleep=clock.sleep)
    # no regional layer: these tests are about the cache and the service behind it
    return build_chain(
        gaz, online=True, env={}, cache=cache_path, geocoder=fake, limiter=limiter, regional=False
    )


def cached(cache_path: Path) -> dict[str, Any]:
    """The raw rows of the cache database by key (read with plain sqlite3, not the cache)."""
    if not cache_path.exists():
        return {}
    with closing(sqlite3.connect(cache_path)) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(row) for row in conn.execute("SELECT * FROM entries")]
    return {row["key"]: {**row, "found": bool(row["found"])} for row in rows}


# --- online is opt-in ----------------------------------------------------------------------


def test_online_is_off_by_default(gaz: Gazetteer, cache_path: Path) -> None:
    fake = FakeGeocoder(answer=[MARTAKERT])
    chain = build_chain(gaz, env={}, cache=cache_path, geocoder=fake)
    assert not chain.online_enabled
    with pytest.raises(PlaceNotFound) as info:
        chain.lookup("Martakert")
    assert fake.calls == []
    assert info.value.online_error is None
    assert not cache_path.exists()


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [
        (False, {}, False),
        (False, {"KCM_GEOCODER_ONLINE": "0"}, False),
        (False, {"KCM_GEOCODER_ONLINE": ""}, False),
        (False, {"KCM_GEOCODER_ONLINE": "1"}, True),
        (False, {"KCM_GEOCODER_ONLINE": "true"}, True),
        (True, {}, True),
    ],
)
def test_online_requested(flag: bool, env: dict[str, str], expected: bool) -> None:
    assert online_requested(flag, env) is expected


def test_env_var_enables_online(gaz: Gazetteer, cache_path: Path, clock: FakeClock) -> None:
    fake = FakeGeocoder(answer=[MARTAKERT])
    limiter = make_rate_limiter(clock=clock, sleep=clock.sleep)
    chain = build_chain(
        gaz, env={"KCM_GEOCODER_ONLINE": "1"}, cache=cache_path, geocoder=fake, limiter=limiter
    )
    assert chain.lookup("Martakert").provenance.source == "nominatim"
    assert len(fake.calls) == 1


def test_gazetteer_answers_before_anything_online(
    gaz: Gazetteer, cache_path: Path, clock: FakeClock
) -> None:
    fake = FakeGeocoder(answer=[MARTAKERT])
    result = chain_with(gaz, fake, cache_path, clock).lookup("Khankendi")
    assert result.place_id == "stepanakert"
    assert result.provenance.source == "gazetteer"
    assert fake.calls == []


def test_gazetteer_ambiguity_is_not_sent_online(cache_path: Path, clock: FakeClock) -> None:
    cols = ["place_id", "name", "aliases", "kind", "lat", "lon", "precision", "waypoints"]
    rows = [
        ("a1", "Aghdam", "Agdam", "town", 39.99, 46.93, "exact", ""),
        ("a2", "Aghdam (Tovuz)", "Agdam", "village", 40.9, 45.6, "exact", ""),
    ]
    gaz = Gazetteer.from_frame(pd.DataFrame(rows, columns=cols))
    fake = FakeGeocoder(answer=[MARTAKERT])
    with pytest.raises(AmbiguousPlace):
        chain_with(gaz, fake, cache_path, clock).lookup("Agdam")
    assert fake.calls == []


# --- success and the cache -----------------------------------------------------------------


def test_online_success_is_cached_with_provenance(
    gaz: Gazetteer, cache_path: Path, clock: FakeClock
) -> None:
    fake = FakeGeocoder(answer=[MARTAKERT])
    first = chain_with(gaz, fake, cache_path, clock).lookup("Martakert")
    assert (first.lat, first.lon) == (40.21, 46.81)
    assert first.place_id is None
    assert first.kind == "town"
    assert first.precision == "near"
    assert first.provenance.source == "nominatim"
    assert first.provenance.detail == "Aghdara, Azerbaijan"
    retrieved = datetime.fromisoformat(first.provenance.retrieved_at or "")
    assert abs(datetime.now(UTC) - retrieved) < timedelta(minutes=5)
    assert first.geometry == {"type": "Point", "coordinates": [46.81, 40.21]}

    entry = cached(cache_path)["martakert"]
    assert entry["found"] is True
    assert entry["service"] == "nominatim"
    assert entry["retrieved_at"] == first.provenance.retrieved_at
    assert (entry["lat"], entry["lon"]) == (40.21, 46.81)

    # A fresh chain (as in a new process) answers from the cache without asking the service,
    # for any spelling with the same normalised key.
    fake2 = FakeGeocoder(error=AssertionError("must not be called"))
    second = chain_with(gaz, fake2, cache_path, clock).lookup("  MARTAKERT ")
    assert fake2.calls == []
    assert fake.calls
    assert len(fake.calls) == 1
    assert second.provenance.source == "cache"
    assert second.provenance.retrieved_at == first.provenance.retrieved_at
    assert "nominatim" in second.provenance.detail
    assert (second.lat, second.lon) == (first.lat, first.lon)


def test_cache_is_served_even_offline(gaz: Gazetteer, cache_path: Path) -> None:
    GeocodeCache(cache_path).put(
        CacheEntry.positive("Martakert", service="photon", lat=40.2, lon=46.8)
    )
    result = build_chain(gaz, env={}, cache=cache_path).lookup("Martakert")
    assert result.provenance.source == "cache"
    assert "photon" in result.provenance.detail


def test_query_is_bounded_to_the_region(gaz: Gazetteer, cache_path: Path, clock: FakeClock) -> None:
    fake = FakeGeocoder(answer=[MARTAKERT])
    chain_with(gaz, fake, cache_path, clock).lookup("Martakert")
    ((query, exactly_one, kwargs),) = fake.calls
    assert query == "Martakert"
    assert exactly_one is False  # ask for candidates so an in-region one can win
    assert kwargs["country_codes"] == ["am", "az"]
    assert kwargs["bounded"] is True
    assert kwargs["viewbox"] == [(38.3, 43.4), (41.95, 50.9)]


# --- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [None, []])
def test_not_found_is_cached_as_a_negative(
    gaz: Gazetteer, cache_path: Path, clock: FakeClock, answer: Any
) -> None:
    fake = FakeGeocoder(answer=answer)
    with pytest.raises(PlaceNotFound) as info:
        chain_with(gaz, fake, cache_path, clock).lookup("Nowhereville")
    assert isinstance(info.value.online_error, NotFound)
    entry = cached(cache_path)["nowhereville"]
    assert entry["found"] is False
    assert entry["service"] == "nominatim"
    assert entry["lat"] is None
    assert entry["retrieved_at"]

    # Within the TTL the negative answer is replayed, not re-asked.
    with pytest.raises(PlaceNotFound) as again:
        chain_with(gaz, fake, cache_path, clock).lookup("Nowhereville")
    assert len(fake.calls) == 1
    assert "found no such place" in str(again.value)
    assert "cached" in str(again.value)


def test_stale_or_other_service_negative_is_asked_again(
    gaz: Gazetteer, cache_path: Path, clock: FakeClock
) -> None:
    old = (datetime.now(UTC) - timedelta(days=90)).isoformat()
    GeocodeCache(cache_path).put(
        CacheEntry.negative("Martakert", service="nominatim", retrieved_at=old)
    )
    fake = FakeGeocoder(answer=[MARTAKERT])
    assert chain_with(gaz, fake, cache_path, clock).lookup("Martakert").lat == 40.21
    assert cached(cache_path)["martakert"]["found"] is True

    GeocodeCache(cache_path).put(CacheEntry.negative("Askeran", service="photon"))
    fake2 = FakeGeocoder(answer=[FakeLocation(39.93, 46.83)])
    assert chain_with(gaz, fake2, cache_path, clock).lookup("Askeran").lat == 39.93
    assert len(fake2.calls) == 1


@pytest.mark.parametrize(
    ("error", "expected", "words"),
    [
        (geopy_exc.GeocoderTimedOut("read timeout"), GeocodeTimeout, "timed out"),
        (geopy_exc.GeocoderUnavailable("connection refused"), ServiceUnavailable, "unavailable"),
        (geopy_exc.GeocoderServiceError("HTTP 502"), ServiceUnavailable, "service error"),
        (OSError("network is unreachable"), ServiceUnavailable, "service error"),
        (geopy_exc.GeocoderRateLimited("slow down", retry_after=30), RateLimited, "429"),
        (geopy_exc.GeocoderServiceError("Non-successful status code 429"), RateLimited, "429"),
        (geopy_exc.GeocoderQuotaExceeded("quota"), RateLimited, "quota"),
        (geopy_exc.GeocoderAuthenticationFailure("bad key"), ServiceConfigError, "bad key"),
    ],
)
def test_service_failures_are_typed_and_never_cached(
    gaz: Gazetteer,
    cache_path: Path,
    clock: FakeClock,
    error: Exception,
    expected: type[Exception],
    words: str,
) -> None:
    fake = FakeGeocoder(error=error)
    with pytest.raises(PlaceNotFound) as info:
        chain_with(gaz, fake, cache_path, clock).lookup("Martakert")
    online_error = info.value.online_error
    assert isinstance(online_error, expected)
    assert words in str(online_error)
    assert "Online lookup failed: nominatim:" in str(info.value)
    assert not cache_path.exists()  # an outage says nothing about the place
    assert len(fake.calls) == 1  # no silent retries

    # The next lookup asks again (once the service is back).
    fake.error, fake.answer = None, [MARTAKERT]
    assert chain_with(gaz, fake, cache_path, clock).lookup("Martakert").lat == 40.21


def test_rate_limited_keeps_retry_after(gaz: Gazetteer, cache_path: Path, clock: FakeClock) -> None:
    fake = FakeGeocoder(error=geopy_exc.GeocoderRateLimited("429", retry_after=30))
    with pytest.raises(PlaceNotFound) as info:
        chain_with(gaz, fake, cache_path, clock).lookup("Martakert")
    assert isinstance(info.value.online_error, RateLimited)
    assert info.value.online_error.retry_after == 30


def test_out_of_region_answer_is_rejected(
    gaz: Gazetteer, cache_path: Path, clock: FakeClock
) -> None:
    fake = FakeGeocoder(answer=[AGHDAM_IN_GERMANY])
    with pytest.raises(PlaceNotFound) as info:
        chain_with(gaz, fake, cache_path, clock).lookup("Aghdam")
    err = info.value.online_error
    assert isinstance(err, OutOfRegion)
    assert err.points == [(50.1109, 8.6821)]
    assert "outside the region" in str(err)
    assert not cache_path.exists()


def test_single_location_answer_is_accepted(
    gaz: Gazetteer, cache_path: Path, clock: FakeClock
) -> None:
    fake = FakeGeocoder(answer=MARTAKERT)  # exactly_one-style answer from a simpler service
    assert chain_with(gaz, fake, cache_path, clock).lookup("Martakert").lat == 40.21


def test_first_in_region_candidate_wins(gaz: Gazetteer, cache_path: Path, clock: FakeClock) -> None:
    aghdam = FakeLocation(39.99, 46.93, "Aghdam, Azerbaijan")
    fake = FakeGeocoder(answer=[AGHDAM_IN_GERMANY, aghdam])
    result = chain_with(gaz, fake, cache_path, clock).lookup("Aghdam")
    assert (result.lat, result.lon) == (39.99, 46.93)


@pytest.mark.parametrize(
    ("lat", "lon", "inside"),
    [
        (39.8153, 46.7519, True),  # Stepanakert
        (40.1777, 44.5126, True),  # Yerevan
        (40.3953, 49.8822, True),  # Baku
        (39.2, 45.4, True),  # Nakhchivan
        (41.7151, 44.8271, True),  # Tbilisi lies inside the box, as the box is rough
        (38.2, 46.0, False),  # Iran, south of the Aras
        (42.5, 46.0, False),  # Dagestan
        (40.0, 43.0, False),  # Turkey
        (40.0, 51.5, False),  # Caspian Sea, east
        (55.752, 37.6178, False),  # Moscow
    ],
)
def test_region_box(lat: float, lon: float, inside: bool) -> None:
    assert REGION.contains(lat, lon) is inside


def test_cache_write_failure_does_not_lose_the_answer(
    gaz: Gazetteer, tmp_path: Path, clock: FakeClock
) -> None:
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the cache directory should be")
    fake = FakeGeocoder(answer=[MARTAKERT])
    result = chain_with(gaz, fake, blocker / "geocode.sqlite", clock).lookup("Martakert")
    assert result.provenance.source == "nominatim"


def test_programming_errors_propagate(gaz: Gazetteer, cache_path: Path, clock: FakeClock) -> None:
    fake = FakeGeocoder(error=KeyError("bug in a geocoder"))
    with pytest.raises(KeyError):
        chain_with(gaz, fake, cache_path, clock).lookup("Martakert")


# --- rate limiting -------------------------------------------------------------------------


def test_production_delay_is_at_least_one_second() -> None:
    assert DEFAULT_MIN_DELAY_SECONDS >= 1.0
    assert shared_rate_limiter("nominatim").min_delay_seconds >= 1.0
    assert shared_rate_limiter("photon").min_delay_seconds >= 1.0


def test_two_chains_share_one_limiter(gaz: Gazetteer, tmp_path: Path) -> None:
    a = build_chain(gaz, online=True, env={}, cache=tmp_path / "a.sqlite", geocoder=FakeGeocoder())
    b = build_chain(gaz, online=True, env={}, cache=tmp_path / "b.sqlite", geocoder=FakeGeocoder())
    assert a.online is not None
    assert b.online is not None
    assert a.online.limiter is b.online.limiter is shared_rate_limiter("nominatim")
    assert a.online.limiter.min_delay_seconds >= 1.0
    c = build_chain(
        gaz, online=True, env={}, service="photon", cache=tmp_path / "c.sqlite",
        geocoder=FakeGeocoder(),
    )  # fmt: skip
    assert c.online is not None
    assert c.online.limiter is not a.online.limiter


def test_shared_limiter_is_created_once_across_threads() -> None:
    service = "test-threads-service"
    seen: list[object] = []
    barrier = threading.Barrier(8)

    def grab() -> None:
        barrier.wait()
        seen.append(shared_rate_limiter(service))

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8
    assert all(s is seen[0] for s in seen)
    online_mod._LIMITERS.pop(service)


def test_limiter_spaces_requests_by_min_delay(clock: FakeClock) -> None:
    limiter = make_rate_limiter(1.0, clock=clock, sleep=clock.sleep)
    g1, g2 = FakeGeocoder(answer=[MARTAKERT]), FakeGeocoder(answer=[MARTAKERT])
    o1 = OnlineGeocoder(g1, "nominatim", limiter=limiter)
    o2 = OnlineGeocoder(g2, "nominatim", limiter=limiter)  # another object, same service
    o1.geocode("a")
    assert clock.sleeps == []
    o2.geocode("b")
    assert clock.sleeps == [pytest.approx(1.0)]
    clock.now += 5.0  # idle long enough: no wait
    o1.geocode("c")
    assert len(clock.sleeps) == 1


def test_limiter_raises_instead_of_swallowing(clock: FakeClock) -> None:
    """geopy's default would return None on an error, which would read as 'not found'."""
    limiter = make_rate_limiter(1.0, clock=clock, sleep=clock.sleep)
    fake = FakeGeocoder(error=geopy_exc.GeocoderUnavailable("down"))
    with pytest.raises(ServiceUnavailable):
        OnlineGeocoder(fake, "nominatim", limiter=limiter).geocode("x")
    assert len(fake.calls) == 1


# --- service factory -----------------------------------------------------------------------


def test_real_nominatim_is_configured_politely() -> None:
    """Constructing geopy's Nominatim opens no connection; inspect what it would send."""
    online = make_online_geocoder("nominatim", env={"KCM_GEOCODER_CONTACT": "maps@example.org"})
    geocoder: Any = online.geocoder  # the real geopy class, not the Protocol
    assert type(geocoder).__name__ == "Nominatim"
    assert geocoder.headers["User-Agent"] == "karabakh-conflict-map/0.1 (+maps@example.org)"
    assert geocoder.timeout == 10
    assert online.limiter is shared_rate_limiter("nominatim")
    assert online.query_kwargs["country_codes"] == ["am", "az"]
    assert online.query_kwargs["bounded"] is True


def test_user_agent_without_contact() -> None:
    ua = user_agent({})
    assert ua.startswith("karabakh-conflict-map/0.1 (+")
    assert "KCM_GEOCODER_CONTACT" in ua
    assert "geopy" not in ua.casefold()


def test_unknown_or_keyless_service_is_a_config_error() -> None:
    with pytest.raises(ServiceConfigError, match="unknown geocoding service"):
        make_online_geocoder("nosuch", env={})
    with pytest.raises(ServiceConfigError, match="KCM_OPENCAGE_API_KEY"):
        make_online_geocoder("opencage", env={})
    keyed = make_online_geocoder("opencage", env={"KCM_OPENCAGE_API_KEY": "k"})
    assert type(keyed.geocoder).__name__ == "OpenCage"
    assert keyed.query_kwargs["country"] == ["am", "az"]


def test_available_services() -> None:
    assert available_services({}) == ["nominatim", "photon", "arcgis"]
    assert "geonames" in available_services({"KCM_GEONAMES_USERNAME": "u"})


# --- the cache file ------------------------------------------------------------------------


def _fail_writes(path: Path, message: str) -> None:
    """Make every later insert/update of the cache fail inside its transaction."""
    with closing(sqlite3.connect(path)) as conn:
        for event in ("INSERT", "UPDATE"):
            conn.execute(
                f"CREATE TRIGGER fail_{event.lower()} BEFORE {event} ON entries "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        conn.commit()


def test_cache_write_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    cache = GeocodeCache(path)
    cache.put(CacheEntry.positive("Martakert", service="nominatim", lat=40.21, lon=46.81))
    _fail_writes(path, "disk full")
    before = cached(path)

    with pytest.raises(OSError, match="disk full"):
        cache.put(CacheEntry.positive("Askeran", service="nominatim", lat=39.9, lon=46.8))
    assert cached(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["geocode.sqlite"]  # no temp left


def test_cache_write_failing_mid_file_leaves_old_file(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    cache = GeocodeCache(path)
    cache.put(CacheEntry.negative("Nowhere", service="nominatim"))
    _fail_writes(path, "I/O error")
    before = cached(path)

    with pytest.raises(OSError, match="I/O error"):  # an update of an existing row, too
        cache.put(CacheEntry.positive("Nowhere", service="nominatim", lat=39.9, lon=46.8))
    with pytest.raises(OSError, match="I/O error"):
        cache.put(CacheEntry.positive("Askeran", service="nominatim", lat=39.9, lon=46.8))
    assert cached(path) == before
    assert len(list(tmp_path.iterdir())) == 1
    assert GeocodeCache(path).get("Askeran") is None


def test_cache_merges_with_other_writers(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    a, b = GeocodeCache(path), GeocodeCache(path)
    a.put(CacheEntry.positive("One", service="nominatim", lat=40.0, lon=46.0))
    b.put(CacheEntry.positive("Two", service="nominatim", lat=40.1, lon=46.1))
    assert set(cached(path)) == {"one", "two"}


def test_corrupt_cache_is_ignored_then_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    path.write_text("{not json", encoding="utf-8")
    cache = GeocodeCache(path)
    assert cache.get("Martakert") is None
    cache.put(CacheEntry.positive("Martakert", service="nominatim", lat=40.2, lon=46.8))
    assert cache.get("martakert") is not None
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1
    assert aside[0].read_text() == "{not json"


def test_cache_distinguishes_negative_entries(tmp_path: Path) -> None:
    cache = GeocodeCache(tmp_path / "geocode.sqlite")
    cache.put(CacheEntry.negative("Nowhere", service="nominatim"))
    entry = GeocodeCache(tmp_path / "geocode.sqlite").get("NOWHERE")
    assert entry is not None
    assert entry.found is False
    assert entry.lat is None
    assert entry.retrieved_at
    with pytest.raises(ValueError, match="cannot cache an empty query"):
        cache.put(CacheEntry.negative("  !! ", service="nominatim"))
