"""Limits shared by every worker: two limiters over one storage (the database, or a real Redis) hold one limit,
bursts get exactly what is allowed, refusals change nothing, and ended windows leave the database."""

from __future__ import annotations

import asyncio
import secrets
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from limits.aio.storage import RedisStorage

from app.clock import system_clock
from app.container import build_rate_limiter
from app.rate_limits.database_storage import DatabaseStorage
from app.rate_limits.limiter import Limit, RateLimiter
from app.rate_limits.models import RateLimitCounter
from app.settings import Settings
from tests.servers import redis_server

ONE_A_MINUTE = Limit.parse("test:one-a-minute", "1/minute")
THREE_THEN_FIVE = Limit.parse("test:three-then-five", "3/minute;5/hour")

MakeLimiter = Callable[[], RateLimiter]


@pytest.fixture(scope="module")
def redis_url() -> AsyncIterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary")
    with redis_server() as server:
        yield server.url


@pytest.fixture(params=["database", "redis"])
async def make_limiter(request, settings: Settings) -> AsyncIterator[MakeLimiter]:
    """Builds limiters of one process each, as `build_services` does, all sharing one storage."""
    if request.param == "database":
        backend = settings
    else:
        backend = replace(settings, redis_url=request.getfixturevalue("redis_url"))
    prefix = f"test-{secrets.token_hex(4)}"
    built: list[RateLimiter] = []

    def make() -> RateLimiter:
        built.append(build_rate_limiter(backend, system_clock, redis_key_prefix=prefix))
        return built[-1]

    yield make
    for limiter in built:
        await limiter.close()


async def test_two_processes_share_one_limit(make_limiter: MakeLimiter):
    first, second = make_limiter(), make_limiter()
    assert await first.acquire((THREE_THEN_FIVE, "client")) is None
    assert await second.acquire((THREE_THEN_FIVE, "client")) is None
    assert await first.acquire((THREE_THEN_FIVE, "client")) is None
    refusal = await second.acquire((THREE_THEN_FIVE, "client"))
    assert refusal is not None and refusal.limit is THREE_THEN_FIVE and 1 <= refusal.retry_after <= 60
    assert await first.acquire((THREE_THEN_FIVE, "another client")) is None


async def test_a_burst_across_processes_gets_exactly_the_limit(make_limiter: MakeLimiter):
    limiters = [make_limiter(), make_limiter()]
    results = await asyncio.gather(*(limiters[n % 2].acquire((ONE_A_MINUTE, "phone")) for n in range(20)))
    assert sum(result is None for result in results) == 1


async def test_a_refusal_gives_back_what_it_took(make_limiter: MakeLimiter):
    limiter = make_limiter()
    assert await limiter.acquire((ONE_A_MINUTE, "ip")) is None
    for _ in range(3):
        refusal = await limiter.acquire((THREE_THEN_FIVE, "device"), (ONE_A_MINUTE, "ip"))
        assert refusal is not None and refusal.limit is ONE_A_MINUTE
    for _ in range(3):
        assert await limiter.acquire((THREE_THEN_FIVE, "device")) is None
    assert await limiter.acquire((THREE_THEN_FIVE, "device")) is not None


async def test_release_and_reset_free_the_limit(make_limiter: MakeLimiter):
    limiter = make_limiter()
    assert await limiter.acquire((ONE_A_MINUTE, "a"), (ONE_A_MINUTE, "b")) is None
    await limiter.release((ONE_A_MINUTE, "a"))
    await limiter.reset(ONE_A_MINUTE, "b")
    assert await limiter.acquire((ONE_A_MINUTE, "a"), (ONE_A_MINUTE, "b")) is None
    assert await limiter.acquire((ONE_A_MINUTE, "a")) is not None


async def test_a_refusal_says_when_the_window_ends(make_limiter: MakeLimiter):
    limiter = make_limiter()
    assert await limiter.acquire((ONE_A_MINUTE, "phone")) is None
    refusal = await limiter.acquire((ONE_A_MINUTE, "phone"))
    assert refusal is not None and 55 <= refusal.retry_after <= 60


async def test_a_database_window_ends_when_the_process_clock_passes_it(settings: Settings):
    """Redis times its windows itself (EXPIRE); the database storage by the process clock, which tests move."""
    limiter = build_rate_limiter(settings, system_clock)
    start = datetime.now(UTC)
    assert await limiter.acquire((ONE_A_MINUTE, "phone")) is None
    with time_machine.travel(start + timedelta(seconds=30)):
        refusal = await limiter.acquire((ONE_A_MINUTE, "phone"))
        assert refusal is not None and 25 <= refusal.retry_after <= 31
    with time_machine.travel(start + timedelta(seconds=61)):
        assert await limiter.acquire((ONE_A_MINUTE, "phone")) is None


async def test_the_database_keeps_only_live_windows(settings: Settings):
    limiter = build_rate_limiter(settings, system_clock)
    start = datetime.now(UTC)
    await asyncio.gather(*(limiter.acquire((ONE_A_MINUTE, f"phone {n}")) for n in range(50)))
    assert await RateLimitCounter.all().count() == 50
    with time_machine.travel(start + timedelta(minutes=2)):
        assert await limiter.acquire((ONE_A_MINUTE, "one more")) is None
        assert await RateLimitCounter.all().count() == 1


async def test_the_storage_follows_redis_url(settings: Settings):
    assert isinstance(build_rate_limiter(settings, system_clock).storage, DatabaseStorage)
    redis_backed = build_rate_limiter(replace(settings, redis_url="redis://127.0.0.1:1/0"), system_clock)
    assert isinstance(redis_backed.storage, RedisStorage)
    await redis_backed.close()
