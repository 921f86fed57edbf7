"""The domain event bus: in-process by default, Redis pub/sub across worker processes when REDIS_URL is set.

Publishers call `publish` after their transaction commits. Each subscriber gets a bounded queue: when a slow
subscriber falls behind, its oldest messages are dropped (an event says "this changed, read it again", so the
newest matter). One Redis connection per process fans messages out to all local subscribers, and reconnects
(resubscribing every channel) after Redis restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from typing import Protocol

import redis.asyncio as redis

logger = logging.getLogger(__name__)
QUEUE_SIZE = 100
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)
SUBSCRIBE_WAIT_SECONDS = 2.0


class EventBus(Protocol):
    """Publish JSON messages to named channels and subscribe to them."""

    async def publish(self, channel: str, message: dict) -> None: ...

    async def publish_many(self, messages: Iterable[tuple[str, dict]]) -> None:
        """Publish (channel, message) pairs, in order, in one round trip where the bus has trips."""
        ...

    def subscribe(self, *channels: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict]]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class _LocalFanOut:
    """Bounded queues of the subscribers in this process, by channel."""

    def __init__(self) -> None:
        self.queues: dict[str, set[asyncio.Queue[dict]]] = defaultdict(set)

    def deliver(self, channel: str, message: dict) -> None:
        for queue in list(self.queues.get(channel, ())):
            if queue.full():
                queue.get_nowait()
                logger.warning("subscriber of %s is slow: dropped its oldest event", channel)
            queue.put_nowait(message)

    def add(self, channels: tuple[str, ...]) -> asyncio.Queue[dict]:
        queue: asyncio.Queue[dict] = asyncio.Queue(maxsize=QUEUE_SIZE)
        for channel in channels:
            self.queues[channel].add(queue)
        return queue

    def remove(self, channels: tuple[str, ...], queue: asyncio.Queue[dict]) -> list[str]:
        """Forget the queue; returns the channels nobody here listens to any more."""
        emptied = []
        for channel in channels:
            listeners = self.queues.get(channel)
            if listeners is not None:
                listeners.discard(queue)
                if not listeners:
                    del self.queues[channel]
                    emptied.append(channel)
        return emptied


async def _drain(queue: asyncio.Queue[dict]) -> AsyncIterator[dict]:
    while True:
        yield await queue.get()


class InProcessEventBus:
    """Delivers to subscribers of this process only: the embedded single-process default."""

    def __init__(self) -> None:
        self._fan_out = _LocalFanOut()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def publish(self, channel: str, message: dict) -> None:
        self._fan_out.deliver(channel, message)

    async def publish_many(self, messages: Iterable[tuple[str, dict]]) -> None:
        for channel, message in messages:
            self._fan_out.deliver(channel, message)

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[AsyncIterator[dict]]:
        queue = self._fan_out.add(channels)
        try:
            yield _drain(queue)
        finally:
            self._fan_out.remove(channels, queue)


class RedisEventBus:
    """Redis pub/sub: a message published by any worker reaches the subscribers of every worker."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url)
        self._fan_out = _LocalFanOut()
        self._pubsub: redis.client.PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._subscribed: set[str] = set()
        self._listening = asyncio.Event()

    async def start(self) -> None:
        self._reader = asyncio.create_task(self._read_forever(), name="redis-event-bus")

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        with contextlib.suppress(redis.RedisError):
            await self._client.aclose()

    async def publish(self, channel: str, message: dict) -> None:
        try:
            await self._client.publish(channel, json.dumps(message))
        except redis.RedisError:
            logger.exception("could not publish to %s: subscribers will see the change on their next read", channel)

    async def publish_many(self, messages: Iterable[tuple[str, dict]]) -> None:
        """One pipelined round trip (not a transaction: each message stands alone)."""
        pipeline = self._client.pipeline(transaction=False)
        for channel, message in messages:
            pipeline.publish(channel, json.dumps(message))
        try:
            await pipeline.execute()
        except redis.RedisError:
            logger.exception("could not publish a batch: subscribers will see the changes on their next read")

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[AsyncIterator[dict]]:
        queue = self._fan_out.add(channels)
        self._changed.set()
        await self._until_listening(channels)
        try:
            yield _drain(queue)
        finally:
            if self._fan_out.remove(channels, queue):
                self._changed.set()

    def _deliver(self, message: dict) -> None:
        """Hand one pub/sub message to local subscribers; a malformed one is logged and skipped."""
        try:
            payload = json.loads(message["data"])
        except (TypeError, ValueError):
            logger.error("ignored a malformed event on %r", message.get("channel"))
            return
        self._fan_out.deliver(message["channel"].decode(), payload)

    async def _until_listening(self, channels: tuple[str, ...]) -> None:
        """Wait (bounded) until Redis confirmed the channels, so an event published right after is not missed."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SUBSCRIBE_WAIT_SECONDS):
                while not set(channels) <= self._subscribed:
                    self._listening.clear()
                    await self._listening.wait()

    async def _read_forever(self) -> None:
        """Keep one pub/sub connection subscribed to every local channel; reconnect with backoff."""
        failures = 0
        while True:
            try:
                await self._read_once()
            except (redis.RedisError, OSError) as error:
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                logger.warning("event bus lost Redis (%s): reconnecting in %.1fs", error, delay)
                await asyncio.sleep(delay)
            else:
                failures = 0

    async def _read_once(self) -> None:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        subscribed: set[str] = set()
        try:
            while True:
                wanted = set(self._fan_out.queues)
                if wanted - subscribed:
                    await pubsub.subscribe(*(wanted - subscribed))
                if subscribed - wanted:
                    await pubsub.unsubscribe(*(subscribed - wanted))
                subscribed = self._subscribed = wanted
                self._listening.set()
                self._changed.clear()
                if not subscribed:
                    await self._changed.wait()
                    continue
                message = await pubsub.get_message(timeout=0.05)
                if message is not None and message["type"] == "message":
                    self._deliver(message)
        finally:
            self._subscribed = set()
            await pubsub.aclose()


def build_event_bus(redis_url: str) -> EventBus:
    """Redis when a URL is configured, otherwise in-process."""
    return RedisEventBus(redis_url) if redis_url else InProcessEventBus()
