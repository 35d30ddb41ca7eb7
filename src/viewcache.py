"""A cache of derived views bounded by size, not just by count.

Streamlit's ``st.cache_data`` bounds a cache by entries and age only, and returns a fresh
unpickled copy on every hit: at 10^5 claims one view's map payload is tens of MB, so 32 views
(and a copy per session run) let a server grow by gigabytes. This cache keeps at most
``max_bytes`` (estimated) and ``max_entries``, least recently used out first, each entry at
most ``ttl_s`` old, and hands every caller the same object: values must be treated as
read-only. Concurrent callers asking for the same key wait for one computation.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T")

#: How many items of a long list are measured; the rest are assumed alike.
_SAMPLE = 64


def approx_bytes(value: Any) -> int:
    """An estimate of the memory ``value`` holds (frames deep, containers by sampling)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(value.memory_usage(deep=True).sum() if isinstance(value, pd.DataFrame)
                   else value.memory_usage(deep=True))  # fmt: skip
    if isinstance(value, str | bytes | int | float | bool) or value is None:
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + _sampled(list(value.keys())) + _sampled(list(value.values()))
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + _sampled(list(value))
    if hasattr(value, "__dataclass_fields__"):
        return sys.getsizeof(value) + sum(
            approx_bytes(getattr(value, name)) for name in value.__dataclass_fields__
        )
    return sys.getsizeof(value)


def _sampled(items: list[Any]) -> int:
    if len(items) <= _SAMPLE:
        return sum(approx_bytes(v) for v in items)
    step = len(items) / _SAMPLE
    sample = [items[int(i * step)] for i in range(_SAMPLE)]
    return int(sum(approx_bytes(v) for v in sample) * len(items) / _SAMPLE)


@dataclass
class _Entry:
    value: Any
    size: int
    made: float


class ViewCache:
    """Least-recently-used values within a byte budget, an entry count and an age."""

    def __init__(
        self,
        max_bytes: int,
        max_entries: int,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_bytes < 1 or max_entries < 1:
            raise ValueError("a view cache needs room for at least one entry")
        self.max_bytes, self.max_entries, self.ttl_s = max_bytes, max_entries, ttl_s
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    @property
    def bytes(self) -> int:
        """The estimated size of everything held."""
        with self._lock:
            return sum(e.size for e in self._entries.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _hit(self, key: Hashable) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() - entry.made > self.ttl_s:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def get(
        self, key: Hashable, make: Callable[[], T], size: Callable[[Any], int] = approx_bytes
    ) -> T:
        """The value cached under ``key``, or ``make()``'s, stored (one maker per key)."""
        entry = self._hit(key)
        if entry is not None:
            value: T = entry.value
            return value
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:
            entry = self._hit(key)  # another caller may have made it meanwhile
            if entry is not None:
                value = entry.value
                return value
            value = make()
            self._store(key, _Entry(value, size(value), self._clock()))
        with self._lock:
            self._making.pop(key, None)
        return value

    def _store(self, key: Hashable, entry: _Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            total = sum(e.size for e in self._entries.values())
            # The newest entry always stays, even alone over budget: the view in use.
            while len(self._entries) > 1 and (
                total > self.max_bytes or len(self._entries) > self.max_entries
            ):
                _, old = self._entries.popitem(last=False)
                total -= old.size
