"""On-disk cache of earlier *online* geocoder answers, so the app stays offline-first.

A name the gazetteer lacks is geocoded online at most once (when online lookups are enabled);
afterwards the answer — with the service that gave it and when — is served from
``data/cache/geocode.json`` (gitignored) even without a network.

Rules that keep the cache honest:

* Keys are ``normalize(query)``, so "Xankəndi" and "xankendi" share one entry.
* Only genuine answers are stored. A found place is a positive entry; a service that answered
  "nothing matches" is a *negative* entry (``found: false``) with its time and service, so it
  can be told apart and expire. Timeouts, outages, rate limits and rejected (out-of-region)
  answers are never written: they say nothing about the place.
* Writes are atomic (temporary file in the same directory + ``os.replace``): a crash or a
  full disk leaves the previous file intact, never half a JSON document.
* Each write re-reads the file and merges, so two processes sharing the cache lose at most a
  concurrent write, never the whole file.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from src.csvio import atomic_write_text
from src.geo.normalize import normalize

__all__ = ["DEFAULT_CACHE_PATH", "CacheEntry", "GeocodeCache", "atomic_write_text"]


log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_PATH = REPO_ROOT / "data" / "cache" / "geocode.json"
CACHE_FORMAT = "kcm-geocode-cache"
CACHE_VERSION = 1


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601 with an explicit offset, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class CacheEntry:
    """One cached online answer. ``found`` False is a negative answer: the service had none."""

    query: str
    found: bool
    service: str
    retrieved_at: str
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    kind: str | None = None

    @property
    def key(self) -> str:
        return normalize(self.query)

    @classmethod
    def positive(
        cls,
        query: str,
        *,
        service: str,
        lat: float,
        lon: float,
        address: str = "",
        kind: str | None = None,
        retrieved_at: str | None = None,
    ) -> CacheEntry:
        return cls(
            query=query,
            found=True,
            service=service,
            retrieved_at=retrieved_at or utc_now_iso(),
            lat=float(lat),
            lon=float(lon),
            address=address,
            kind=kind,
        )

    @classmethod
    def negative(cls, query: str, *, service: str, retrieved_at: str | None = None) -> CacheEntry:
        return cls(
            query=query,
            found=False,
            service=service,
            retrieved_at=retrieved_at or utc_now_iso(),
        )

    def age_seconds(self, now: datetime | None = None) -> float:
        """Seconds since the service answered (0 if the stored time is unreadable)."""
        try:
            then = datetime.fromisoformat(self.retrieved_at)
        except ValueError:
            return 0.0
        if then.tzinfo is None:
            then = then.replace(tzinfo=UTC)
        return ((now or datetime.now(UTC)) - then).total_seconds()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CacheEntry:
        found = bool(data["found"])
        return cls(
            query=str(data["query"]),
            found=found,
            service=str(data["service"]),
            retrieved_at=str(data["retrieved_at"]),
            lat=float(data["lat"]) if found else None,
            lon=float(data["lon"]) if found else None,
            address=str(data.get("address") or ""),
            kind=data.get("kind"),
        )


class GeocodeCache:
    """The JSON file of cached online answers; safe to share between threads."""

    def __init__(self, path: Path = DEFAULT_CACHE_PATH) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._entries: dict[str, CacheEntry] | None = None

    @staticmethod
    def key(query: str) -> str:
        return normalize(query)

    def _read_disk(self) -> tuple[dict[str, CacheEntry], bool]:
        """(entries, corrupt). A missing file is an empty cache; an unreadable one is
        reported as corrupt, served as empty, and moved aside on the next write."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, False
        except OSError as exc:  # unreadable path (permissions, not a directory …): no cache
            log.warning("geocode cache %s cannot be read (%s); ignoring it", self.path, exc)
            return {}, False
        try:
            data = json.loads(raw)
            if data.get("format") != CACHE_FORMAT:
                raise ValueError(f"not a {CACHE_FORMAT} file")
            entries = {key: CacheEntry.from_json(value) for key, value in data["entries"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("geocode cache %s is unreadable (%s); ignoring it", self.path, exc)
            return {}, True
        return entries, False

    def _load(self) -> dict[str, CacheEntry]:
        if self._entries is None:
            self._entries, _corrupt = self._read_disk()
        return self._entries

    def get(self, query: str) -> CacheEntry | None:
        """The cached answer for ``query`` (positive or negative), or None if never asked."""
        key = self.key(query)
        if not key:
            return None
        with self._lock:
            return self._load().get(key)

    def put(self, entry: CacheEntry) -> None:
        """Store ``entry`` (atomically, merged with what is on disk now).

        On failure the exception propagates and the file on disk is unchanged.
        """
        key = entry.key
        if not key:
            raise ValueError(f"cannot cache an empty query: {entry.query!r}")
        with self._lock:
            entries, corrupt = self._read_disk()
            if corrupt:
                aside = self.path.with_name(
                    f"{self.path.name}.corrupt-{datetime.now(UTC):%Y%m%dT%H%M%S}"
                )
                os.replace(self.path, aside)
                log.warning("moved unreadable geocode cache to %s", aside)
            entries[key] = entry
            document = {
                "format": CACHE_FORMAT,
                "version": CACHE_VERSION,
                "entries": {k: asdict(v) for k, v in sorted(entries.items())},
            }
            atomic_write_text(self.path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
            self._entries = entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._load())
