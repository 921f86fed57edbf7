"""Counting failed public lookups per dossier code, to stop guessing the receipt secret."""

from __future__ import annotations

import time
from collections import defaultdict, deque


class FailedLookupLimiter:
    """At most `limit` failed lookups of one code per `window_seconds`, per process."""

    def __init__(self, limit: int = 10, window_seconds: float = 3600.0) -> None:
        self._limit = limit
        self._window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, key: str) -> bool:
        failures = self._failures.get(key)
        if not failures:
            return False
        cutoff = time.monotonic() - self._window
        while failures and failures[0] < cutoff:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return len(failures) >= self._limit if failures else False

    def record_failure(self, key: str) -> None:
        self._failures[key].append(time.monotonic())
