"""The view cache keeps within its byte budget, its entry count and its age, and makes a
value once however many callers ask for it at the same time."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from src.viewcache import ViewCache, approx_bytes


def test_the_byte_budget_evicts_the_least_recently_used():
    cache = ViewCache(max_bytes=250, max_entries=10, ttl_s=60)
    size = lambda _value: 100  # noqa: E731
    for key in "abc":
        cache.get(key, lambda k=key: k.upper(), size)
    assert len(cache) == 2
    assert cache.bytes == 200
    made = []
    assert cache.get("b", lambda: made.append("b") or "again", size) == "B"  # a hit
    cache.get("d", lambda: "D", size)  # now "c" is the least recently used
    assert cache.get("c", lambda: "made anew", size) == "made anew"
    assert made == []


def test_the_entry_count_and_the_age_bound_it_too():
    now = [0.0]
    cache = ViewCache(max_bytes=10**9, max_entries=3, ttl_s=10, clock=lambda: now[0])
    for i in range(5):
        cache.get(i, lambda i=i: i)
    assert len(cache) == 3
    now[0] = 11
    assert cache.get(4, lambda: "fresh") == "fresh"


def test_an_entry_over_budget_alone_is_still_kept_while_it_is_the_newest():
    cache = ViewCache(max_bytes=10, max_entries=5, ttl_s=60)
    cache.get("big", lambda: "x", lambda _v: 1000)
    assert len(cache) == 1
    cache.get("next", lambda: "y", lambda _v: 1000)
    assert len(cache) == 1
    assert cache.get("next", lambda: "z") == "y"


def test_concurrent_callers_of_one_key_share_one_computation():
    cache = ViewCache(max_bytes=10**6, max_entries=4, ttl_s=60)
    calls, gate = [], threading.Event()

    def make() -> str:
        calls.append(1)
        gate.wait(5)
        return "value"

    out: list[str] = []
    threads = [threading.Thread(target=lambda: out.append(cache.get("k", make))) for _ in range(6)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert out == ["value"] * 6
    assert len(calls) == 1


def test_sizes_are_estimated_from_what_values_hold():
    frame = pd.DataFrame({"text": ["x" * 100] * 1000})
    assert approx_bytes(frame) > 100_000
    payload = {"strings": ["y" * 50] * 10_000, "lat": [1.5] * 10_000}
    assert 500_000 < approx_bytes(payload) < 2_000_000
    assert approx_bytes((frame, payload)) > approx_bytes(payload)


def test_a_cache_without_room_is_refused():
    with pytest.raises(ValueError, match="at least one entry"):
        ViewCache(max_bytes=0, max_entries=1, ttl_s=1)
