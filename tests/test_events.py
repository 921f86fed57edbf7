"""The event bus: in-process delivery with bounded queues, and Redis pub/sub across processes, surviving restarts
without losing a publish and telling subscribers to read again after a gap."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis

from app import events
from app.events import QUEUE_SIZE, InProcessEventBus, RedisEventBus, is_resync
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


async def next_resync(messages: AsyncIterator[dict], seconds: float = 10.0) -> float:
    """Wait for the next message, which must be RESYNC; returns how long it took."""
    started = time.monotonic()
    assert is_resync(await next_message(messages, seconds))
    return time.monotonic() - started


async def test_every_reconnect_after_a_short_outage_is_quick_and_resyncs(two_buses, redis_srv):
    _, subscriber = two_buses
    waits = []
    async with subscriber.subscribe("dossier:10") as messages:
        for _ in range(4):  # without a reset the delay grows to 5 s from the second outage on
            redis_srv.stop()
            await asyncio.sleep(0.5)
            redis_srv.start()
            waits.append(await next_resync(messages))
    assert max(waits) < 2.5, waits


async def test_a_publish_right_after_redis_restarted_twice_arrives(two_buses, redis_srv):
    publisher, subscriber = two_buses
    async with subscriber.subscribe("dossier:11") as messages:
        await publisher.publish("dossier:11", {"before": True})  # the publisher now holds a connection
        assert await next_message(messages) == {"before": True}
        for _ in range(2):
            redis_srv.stop()
            redis_srv.start()
        await next_resync(messages)  # the subscriber listens again

        await publisher.publish("dossier:11", {"after": True})  # on the connection Redis closed

        received = await next_message(messages)
        while is_resync(received):  # a second RESYNC when the reader came back between the two restarts
            received = await next_message(messages)
        assert received == {"after": True}


async def test_events_published_while_redis_is_down_arrive_in_order_once_it_takes_them(two_buses, redis_srv):
    publisher, subscriber = two_buses
    async with subscriber.subscribe("dossier:12") as messages:
        redis_srv.stop()
        for n in range(3):
            await publisher.publish("dossier:12", {"n": n})  # kept, not raised: the mutation has committed
        redis_srv.start("--user", "default", "on", "nopass", "~*", "&*", "+@all", "-publish")  # PUBLISH refused
        await next_resync(messages)  # the subscriber listens again; the publisher cannot publish yet
        await redis.Redis.from_url(redis_srv.url).execute_command("ACL", "SETUSER", "default", "+publish")

        assert [await next_message(messages, seconds=10) for _ in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
        await publisher.publish("dossier:12", {"n": 3})
        assert await next_message(messages) == {"n": 3}


async def test_a_full_buffer_keeps_the_newest_events(two_buses, redis_srv, monkeypatch):
    monkeypatch.setattr(events, "UNSENT_LIMIT", 3)
    publisher, subscriber = two_buses
    async with subscriber.subscribe("dossier:14") as messages:
        redis_srv.stop()
        for n in range(5):
            await publisher.publish("dossier:14", {"n": n})
        redis_srv.start("--user", "default", "on", "nopass", "~*", "&*", "+@all", "-publish")
        await next_resync(messages)  # what the dropped events were for: read everything again
        await redis.Redis.from_url(redis_srv.url).execute_command("ACL", "SETUSER", "default", "+publish")

        assert [await next_message(messages, seconds=10) for _ in range(3)] == [{"n": 2}, {"n": 3}, {"n": 4}]


@pytest.mark.parametrize("kind", ["in-process", "redis"])
async def test_after_a_gap_every_subscription_gets_one_resync(kind, two_buses, redis_srv):
    bus = InProcessEventBus() if kind == "in-process" else two_buses[1]
    async with bus.subscribe("citizen:1:inbox") as one, bus.subscribe("citizen:1:inbox", "dossier:13") as both:
        if kind == "in-process":
            bus.resync()
        else:
            redis_srv.stop()
            redis_srv.start()
        await next_resync(one)
        await next_resync(both)
        await bus.publish("dossier:13", {"n": 1})
        assert await next_message(both) == {"n": 1}  # one RESYNC only, though it listens to two channels
        with pytest.raises(TimeoutError):
            await next_message(one, seconds=0.2)


async def test_a_malformed_message_does_not_stop_the_reader(two_buses, redis_srv):
    publisher, subscriber = two_buses
    async with subscriber.subscribe("dossier:9") as messages:
        await redis.Redis.from_url(redis_srv.url).publish("dossier:9", b"not json")
        await publisher.publish("dossier:9", {"ok": True})
        assert await next_message(messages) == {"ok": True}
