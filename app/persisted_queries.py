"""The store of automatic persisted queries (Apollo APQ): query texts by their SHA-256, shared across workers.

Redis when `REDIS_URL` is set (entries expire after a day of disuse); otherwise a bounded in-process LRU, so each
worker learns a query once (a miss costs the client one resend with the text, which the protocol expects).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

import redis.asyncio as redis

MEMORY_ENTRIES = 2000
REDIS_TTL_SECONDS = 86_400
MAX_QUERY_BYTES = 100_000  # larger texts are run but not stored


class PersistedQueryStore(Protocol):
    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, query: str) -> None: ...

    async def close(self) -> None: ...


class MemoryQueryStore:
    """At most `entries` queries, least recently used dropped first."""

    def __init__(self, entries: int = MEMORY_ENTRIES) -> None:
        self.entries = entries
        self._queries: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha256: str) -> str | None:
        query = self._queries.get(sha256)
        if query is not None:
            self._queries.move_to_end(sha256)
        return query

    async def put(self, sha256: str, query: str) -> None:
        if len(query) > MAX_QUERY_BYTES:
            return
        self._queries[sha256] = query
        self._queries.move_to_end(sha256)
        while len(self._queries) > self.entries:
            self._queries.popitem(last=False)

    async def close(self) -> None:
        return None


class RedisQueryStore:
    """Queries under `<prefix>:<sha256>`, expiring `REDIS_TTL_SECONDS` after their last use."""

    def __init__(self, url: str, prefix: str = "qn-apq") -> None:
        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    async def get(self, sha256: str) -> str | None:
        query = await self._redis.getex(f"{self._prefix}:{sha256}", ex=REDIS_TTL_SECONDS)
        return query.decode("utf-8") if query is not None else None

    async def put(self, sha256: str, query: str) -> None:
        if len(query) <= MAX_QUERY_BYTES:
            await self._redis.set(f"{self._prefix}:{sha256}", query.encode("utf-8"), ex=REDIS_TTL_SECONDS)

    async def close(self) -> None:
        await self._redis.aclose()


def build_query_store(redis_url: str) -> PersistedQueryStore:
    return RedisQueryStore(redis_url) if redis_url else MemoryQueryStore()
