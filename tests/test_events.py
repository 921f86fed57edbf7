"""The event bus: in-process delivery with bounded queues, and Redis pub/sub across processes, surviving restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.events import QUEUE_SIZE, InProcessEventBus, RedisEventBus
from tests.servers import RedisServer, redis_server


async def next_message(messages: AsyncIterator[dict], seconds: float = 3.0) -> dict:
    return await asyncio.wait_for(anext(messages), seconds)


async def test_in_process_delivery_only_to_the_channel_subscribed():
    bus = InProcessEventBus()
    async with bus.subscribe("dossier:1") as ones, bus.subscribe("dossier:2") as twos:
        await bus.publish("dossier:1", {"n": 1})
        assert await next_message(ones) == {"n": 1}
        with pytest.raises(TimeoutError):
            await next_message(twos, seconds=0.1)


async def test_a_slow_subscriber_keeps_the_newest_events():
    bus = InProcessEventBus()
    async with bus.subscribe("c") as messages:
        for n in range(QUEUE_SIZE + 50):
            await bus.publish("c", {"n": n})
        received = [(await next_message(messages))["n"] for _ in range(QUEUE_SIZE)]
    assert received == list(range(50, QUEUE_SIZE + 50))


async def test_leaving_a_subscription_removes_its_queue():
    bus = InProcessEventBus()
    async with bus.subscribe("c"):
        assert "c" in bus._fan_out.queues
    assert "c" not in bus._fan_out.queues


@pytest.fixture
def redis_srv():
    with redis_server() as server:
        yield server


@pytest.fixture
async def two_buses(redis_srv: RedisServer) -> AsyncIterator[tuple[RedisEventBus, RedisEventBus]]:
    """Two buses on one Redis, like two worker processes."""
    first, second = RedisEventBus(redis_srv.url), RedisEventBus(redis_srv.url)
    await first.start()
    await second.start()
    yield first, second
    await first.stop()
    await second.stop()


async def test_redis_carries_events_between_workers(two_buses):
    publisher, subscriber = two_buses
    async with subscriber.subscribe("dossier:7") as messages:
        await publisher.publish("dossier:7", {"dossierId": 7})
        assert await next_message(messages) == {"dossierId": 7}


@pytest.mark.parametrize("kind", ["in-process", "redis"])
async def test_a_batch_published_at_once_arrives_in_order_on_its_channels(kind, two_buses):
    publisher, subscriber = (InProcessEventBus(),) * 2 if kind == "in-process" else two_buses
    async with subscriber.subscribe("citizen:1:inbox") as ones, subscriber.subscribe("citizen:2:inbox") as twos:
        await publisher.publish_many(
            [("citizen:1:inbox", {"n": 1}), ("citizen:2:inbox", {"n": 2}), ("citizen:1:inbox", {"n": 3})]
        )
        assert [await next_message(ones), await next_message(ones)] == [{"n": 1}, {"n": 3}]
        assert await next_message(twos) == {"n": 2}


async def test_redis_bus_reconnects_after_redis_restarts(two_buses, redis_srv):
    publisher, subscriber = two_buses
    inbox: asyncio.Queue[dict] = asyncio.Queue()

    async def collect(messages: AsyncIterator[dict]) -> None:
        async for message in messages:
            await inbox.put(message)

    async with subscriber.subscribe("dossier:8") as messages:
        collector = asyncio.create_task(collect(messages))
        redis_srv.stop()
        await publisher.publish("dossier:8", {"lost": True})  # logged, not raised: Redis is down
        await asyncio.sleep(0.3)
        redis_srv.start()
        received = None
        for attempt in range(50):  # the reader resubscribes with backoff: publish until it is back
            await publisher.publish("dossier:8", {"attempt": attempt})
            try:
                received = await asyncio.wait_for(inbox.get(), 0.2)
                break
            except TimeoutError:
                continue
        collector.cancel()
    assert received is not None and "attempt" in received


async def test_a_malformed_message_does_not_stop_the_reader(two_buses, redis_srv):
    publisher, subscriber = two_buses
    async with subscriber.subscribe("dossier:9") as messages:
        await publisher._client.publish("dossier:9", b"not json")
        await publisher.publish("dossier:9", {"ok": True})
        assert await next_message(messages) == {"ok": True}
