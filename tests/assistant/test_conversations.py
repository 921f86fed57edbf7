"""Conversation context shared by workers, in the database or in Redis: owners, expiry, bounded size."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.assistant.conversations import (
    MAX_REMEMBERED,
    TTL,
    Conversation,
    ConversationStore,
    DatabaseConversations,
    RedisConversations,
)
from tests.servers import redis_server

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
CITIZEN = 7


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary")
    with redis_server() as server:
        yield server.url


@pytest.fixture(params=["database", "redis"])
async def workers(request, app) -> AsyncIterator[Callable[[], ConversationStore]]:
    """Makes stores as separate workers would, all on one backend."""
    made: list[ConversationStore] = []

    def make() -> ConversationStore:
        if request.param == "database":
            store: ConversationStore = DatabaseConversations()
        else:
            store = RedisConversations(request.getfixturevalue("redis_url"), key_prefix=f"test-{id(made)}")
        made.append(store)
        return store

    yield make
    for store in made:
        await store.close()


async def test_another_worker_continues_the_conversation(workers):
    first, second = workers(), workers()
    started = await first.resume(None, CITIZEN, NOW)
    await first.remember(Conversation(started.id, ("1.000894",)), CITIZEN, NOW)
    resumed = await second.resume(started.id, CITIZEN, NOW + timedelta(minutes=5))
    assert resumed == Conversation(started.id, ("1.000894",))


async def test_someone_elses_or_an_expired_conversation_starts_anew(workers):
    store = workers()
    started = await store.resume(None, CITIZEN, NOW)
    await store.remember(Conversation(started.id, ("1.000894",)), CITIZEN, NOW)
    stranger = await store.resume(started.id, CITIZEN + 1, NOW)
    anonymous = await store.resume(started.id, None, NOW)
    late = await store.resume(started.id, CITIZEN, NOW + TTL)
    for other in (stranger, anonymous, late):
        assert other.id != started.id and other.procedure_codes == ()


async def test_only_a_few_procedures_are_remembered(workers):
    store = workers()
    started = await store.resume(None, None, NOW)
    await store.remember(Conversation(started.id, tuple(f"1.00000{i}" for i in range(9))), None, NOW)
    assert len((await store.resume(started.id, None, NOW)).procedure_codes) == MAX_REMEMBERED
