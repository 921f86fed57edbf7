"""Counting requests against named limits, shared by every process through one `limits` storage."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter

from app.clock import Clock


@dataclass(frozen=True)
class Limit:
    """What is counted (`name`) and how much is allowed: one or more rates, e.g. "10/minute;60/hour"."""

    name: str
    rates: tuple[RateLimitItem, ...]

    @classmethod
    def parse(cls, name: str, rates: str) -> Limit:
        return cls(name, tuple(parse_many(rates)))


Use = tuple[Limit, str]
"""A limit and the key it is counted by (a phone, an IP, an account and IP...)."""


@dataclass(frozen=True)
class Refusal:
    """The limit that refused a request, and the seconds until its window ends."""

    limit: Limit
    retry_after: int


def _identifiers(limit: Limit, key: str) -> tuple[str, str]:
    """Storage key parts: the limit's name and a digest of the key (bounded length, no phone or email stored)."""
    return limit.name, hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


class RateLimiter:
    """Fixed windows that start at a key's first hit: a refusal never lasts longer than the window."""

    def __init__(
        self, storage: Storage, clock: Clock, close_storage: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self.storage = storage
        self._windows = FixedWindowRateLimiter(storage)
        self._clock = clock
        self._close_storage = close_storage

    async def close(self) -> None:
        """Release the storage's connections (Redis); the database storage needs nothing."""
        if self._close_storage is not None:
            await self._close_storage()

    async def acquire(self, *uses: Use) -> Refusal | None:
        """Count one request against every use, in order; None when all allow it.

        When one refuses, the hits already taken are given back, so a refused request changes no counter.
        """
        taken: list[tuple[RateLimitItem, tuple[str, str]]] = []
        for limit, key in uses:
            identifiers = _identifiers(limit, key)
            for rate in limit.rates:
                taken.append((rate, identifiers))
                if not await self._windows.hit(rate, *identifiers):
                    await self._give_back(taken)
                    return Refusal(limit, await self._wait(rate, identifiers))
        return None

    async def release(self, *uses: Use) -> None:
        """Give back one request counted by `acquire` (it did nothing the limit is meant to count)."""
        await self._give_back([(rate, _identifiers(limit, key)) for limit, key in uses for rate in limit.rates])

    async def reset(self, limit: Limit, key: str) -> None:
        """Forget every request counted for `key`."""
        for rate in limit.rates:
            await self._windows.clear(rate, *_identifiers(limit, key))

    async def _give_back(self, taken: list[tuple[RateLimitItem, tuple[str, str]]]) -> None:
        for rate, identifiers in taken:
            await self.storage.incr(rate.key_for(*identifiers), rate.get_expiry(), amount=-1)

    async def _wait(self, rate: RateLimitItem, identifiers: tuple[str, str]) -> int:
        reset_at = (await self._windows.get_window_stats(rate, *identifiers)).reset_time
        return max(1, math.ceil(reset_at - self._clock().timestamp()))
