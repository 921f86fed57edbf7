"""The `limits` Redis storage on a redis-py connection pool that the process closes when it stops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import redis.asyncio as redis
from limits.aio.storage import RedisStorage


def redis_storage(url: str, key_prefix: str) -> tuple[RedisStorage, Callable[[], Awaitable[None]]]:
    """A storage for `url` whose keys start with `key_prefix`, and the coroutine function that closes its pool."""
    client = redis.Redis.from_url(url)
    storage = RedisStorage(
        f"async+{url}", implementation="redispy", key_prefix=key_prefix, connection_pool=client.connection_pool
    )
    return storage, client.aclose
