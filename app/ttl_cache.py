"""A small in-memory cache whose entries expire after a time to live and are evicted least recently used first."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlLruCache(Generic[K, V]):
    """At most `maxsize` entries, each kept for `ttl_seconds`."""

    def __init__(self, maxsize: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._maxsize = maxsize
        self._ttl = ttl_seconds
        self._clock = clock

    def get(self, key: K) -> tuple[bool, V | None]:
        """(True, value) while `key` is cached and fresh, else (False, None)."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            self._entries.pop(key, None)
            return False, None
        self._entries.move_to_end(key)
        return True, entry[1]

    def put(self, key: K, value: V) -> None:
        self._entries[key] = (self._clock() + self._ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._maxsize:
            self._entries.popitem(last=False)

    def discard(self, key: K) -> None:
        """Forget `key` now (e.g. when what it says has changed)."""
        self._entries.pop(key, None)
