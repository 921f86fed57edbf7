"""The TTL/LRU cache behind the geocoder."""

from __future__ import annotations

from app.ttl_cache import TtlLruCache


def test_entries_expire_after_their_time_to_live():
    now = [0.0]
    cache: TtlLruCache[str, int | None] = TtlLruCache(maxsize=10, ttl_seconds=60, clock=lambda: now[0])
    cache.put("a", None)
    assert cache.get("a") == (True, None)
    now[0] = 60.0
    assert cache.get("a") == (False, None)


def test_the_least_recently_used_entry_is_evicted_first():
    cache: TtlLruCache[str, int] = TtlLruCache(maxsize=2, ttl_seconds=60)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert cache.get("b") == (False, None)
    assert cache.get("a") == (True, 1) and cache.get("c") == (True, 3)


def test_a_discarded_entry_is_read_again():
    cache: TtlLruCache[str, int] = TtlLruCache(maxsize=2, ttl_seconds=60)
    cache.put("a", 1)
    cache.discard("a")
    cache.discard("never there")
    assert cache.get("a") == (False, None)
