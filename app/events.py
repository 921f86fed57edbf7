"""The domain event bus: in-process by default, Redis pub/sub across worker processes when REDIS_URL is set.

Publishers call `publish` after their transaction commits. Each subscriber gets a bounded queue: when a slow
subscriber falls behind, its oldest messages are dropped (an event says "this changed, read it again", so the
newest matter). One Redis connection per process fans messages out to all local subscribers, and reconnects
(resubscribing every channel) after Redis restarts. Messages that arrived together are handed on together (up to
`READ_BATCH`), so their subscribers run in the same turn of the event loop and can share reads.

Gaps: pub/sub keeps nothing for a listener that is not connected, so after the listening connection was lost
and is back, every subscription of this process receives `RESYNC` ({"kind": "RESYNC"}): "you may have missed
events, read everything again". A publish on a connection Redis closed is retried once on a fresh connection;
what still cannot be published (Redis down) waits in a bounded buffer and goes out, in order, once Redis answers.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from typing import Protocol

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from app import metrics

logger = logging.getLogger(__name__)
QUEUE_SIZE = 100
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)
SUBSCRIBE_WAIT_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 2.0
STOP_WAIT_SECONDS = 2.0
READ_BATCH = 500  # messages already arrived, handed on to subscribers in one go
UNSENT_LIMIT = 10_000  # events kept while Redis is down; beyond, the oldest are dropped (subscribers get RESYNC)
RESYNC_KIND = "RESYNC"


def resync_message() -> dict:
    """The message that tells a subscriber it may have missed events and must read everything again."""
    return {"kind": RESYNC_KIND}


def is_resync(message: dict) -> bool:
    return message.get("kind") == RESYNC_KIND and len(message) == 1


class EventBus(Protocol):
    """Publish JSON messages to named channels and subscribe to them.

    A subscription yields the messages published to its channels after it started, plus `resync_message()`
    whenever the bus may have lost some (the subscriber then reads its whole state again).
    """

    async def publish(self, channel: str, message: dict) -> None: ...

    async def publish_many(self, messages: Iterable[tuple[str, dict]]) -> None:
        """Publish (channel, message) pairs, in order, in one round trip where the bus has trips."""
        ...

    def subscribe(self, *channels: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict]]: ...

    def resync(self) -> None:
        """Send `resync_message()` to every subscription of this process."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class _LocalFanOut:
    """Bounded queues of the subscribers in this process, by channel."""

    def __init__(self) -> None:
        self.queues: dict[str, set[asyncio.Queue[dict]]] = defaultdict(set)

    def deliver(self, channel: str, message: dict) -> None:
        for queue in list(self.queues.get(channel, ())):
            _put_newest(queue, message, channel)

    def resync(self) -> None:
        """One RESYNC to every queue (a queue listening to several channels gets one)."""
        for queue in {queue for queues in self.queues.values() for queue in queues}:
            _put_newest(queue, resync_message(), "resync")

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


def _put_newest(queue: asyncio.Queue[dict], message: dict, channel: str) -> None:
    if queue.full():
        queue.get_nowait()
        logger.warning("subscriber of %s is slow: dropped its oldest event", channel)
    queue.put_nowait(message)


async def _drain(queue: asyncio.Queue[dict]) -> AsyncIterator[dict]:
    while True:
        yield await queue.get()


class InProcessEventBus:
    """Delivers to subscribers of this process only: the embedded single-process default. It never loses an event
    (short of a slow subscriber's full queue), so it sends RESYNC only when told to (`resync()`)."""

    def __init__(self) -> None:
        self._fan_out = _LocalFanOut()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def publish(self, channel: str, message: dict) -> None:
        metrics.EVENTS_PUBLISHED.labels("in-process").inc()
        self._fan_out.deliver(channel, message)

    async def publish_many(self, messages: Iterable[tuple[str, dict]]) -> None:
        for channel, message in messages:
            metrics.EVENTS_PUBLISHED.labels("in-process").inc()
            self._fan_out.deliver(channel, message)

    def resync(self) -> None:
        self._fan_out.resync()

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[AsyncIterator[dict]]:
        queue = self._fan_out.add(channels)
        try:
            yield _drain(queue)
        finally:
            self._fan_out.remove(channels, queue)


class RedisEventBus:
    """Redis pub/sub: a message published by any worker reaches the subscribers of every worker.

    Two clients: publishing retries a command once on a fresh connection when Redis closed the old one (after a
    restart); the listening connection never reconnects behind our back, so every gap is seen and ends in RESYNC.
    """

    def __init__(self, url: str) -> None:
        self._publisher = redis.Redis.from_url(
            url,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[redis.ConnectionError],
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        )
        self._listener = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
        self._fan_out = _LocalFanOut()
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._subscribed: set[str] = set()
        self._listening = asyncio.Event()
        self._connected = False  # the listening connection subscribed since it was (re)opened
        self._unsent: collections.deque[tuple[str, str]] = collections.deque()  # oldest first
        self._dropped = 0  # taken off the head of `_unsent` since the flusher's last look
        self._flusher: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        self._reader = asyncio.create_task(self._read_forever(), name="redis-event-bus")

    async def stop(self) -> None:
        """Stop reading and flushing, then close the connections; bounded, whatever state Redis is in."""
        self._stopping = True  # ends the reader even if redis-py swallows the cancellation (a read timeout's race)
        self._changed.set()
        tasks = [task for task in (self._reader, self._flusher) if task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_WAIT_SECONDS)
        if self._unsent:
            logger.error("event bus stopped with %d events Redis never took", len(self._unsent))
        for client in (self._publisher, self._listener):
            with contextlib.suppress(redis.RedisError, TimeoutError):
                async with asyncio.timeout(STOP_WAIT_SECONDS):
                    await client.aclose()

    async def publish(self, channel: str, message: dict) -> None:
        await self.publish_many([(channel, message)])

    async def publish_many(self, messages: Iterable[tuple[str, dict]]) -> None:
        """One pipelined round trip (not a transaction: each message stands alone). When Redis cannot take them,
        they wait, after any earlier ones, until it can."""
        encoded = [(channel, json.dumps(message)) for channel, message in messages]
        if not encoded:
            return
        metrics.EVENTS_PUBLISHED.labels("redis").inc(len(encoded))
        if not self._unsent:
            try:
                await self._send(encoded)
                return
            except redis.RedisError as error:
                logger.warning("could not publish %d events (%s): kept until Redis answers", len(encoded), error)
        self._keep(encoded)

    def resync(self) -> None:
        self._fan_out.resync()

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

    async def _send(self, encoded: list[tuple[str, str]]) -> None:
        """Publish in one round trip; a connection Redis closed is replaced and the batch sent again once (a
        message may then arrive twice: harmless, each says "read me again")."""
        pipeline = self._publisher.pipeline(transaction=False)
        for channel, data in encoded:
            pipeline.publish(channel, data)
        await pipeline.execute()

    def _keep(self, encoded: list[tuple[str, str]]) -> None:
        """Queue events for the flusher; when the buffer is full the oldest go (their subscribers, cut off from
        Redis too, get RESYNC when it is back)."""
        self._unsent.extend(encoded)
        metrics.EVENTS_UNPUBLISHED.set(min(len(self._unsent), UNSENT_LIMIT))
        overflow = len(self._unsent) - UNSENT_LIMIT
        if overflow > 0:
            for _ in range(overflow):
                self._unsent.popleft()
            self._dropped += overflow
            logger.error("event bus buffer full: dropped the %d oldest unpublished events", overflow)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_until_empty(), name="redis-event-bus-flusher")

    async def _flush_until_empty(self) -> None:
        """Send the kept events, oldest first, retrying with backoff until Redis takes them."""
        failures = 0
        while self._unsent:
            await asyncio.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
            batch, self._dropped = list(self._unsent), 0
            try:
                await self._send(batch)
            except redis.RedisError as error:
                failures += 1
                logger.warning("still cannot publish %d kept events (%s)", len(self._unsent), error)
                continue
            for _ in range(len(batch) - self._dropped):  # those the buffer did not drop meanwhile
                self._unsent.popleft()
            metrics.EVENTS_UNPUBLISHED.set(len(self._unsent))
            failures = 0
            logger.info("published %d events kept while Redis was unreachable", len(batch))

    def _deliver(self, message: dict) -> None:
        """Hand one pub/sub message to local subscribers; a malformed one is logged and skipped."""
        try:
            payload = json.loads(message["data"])
        except (TypeError, ValueError):
            logger.error("ignored a malformed event on %r", message.get("channel"))
            return
        self._fan_out.deliver(message["channel"].decode(), payload)

    async def _follow(self, pubsub: redis.client.PubSub, subscribed: set[str]) -> set[str]:
        """Subscribe `pubsub` to the channels local subscribers want, and off the others; returns them."""
        wanted = set(self._fan_out.queues)
        if wanted - subscribed:
            await pubsub.subscribe(*(wanted - subscribed))
        if subscribed - wanted:
            await pubsub.unsubscribe(*(subscribed - wanted))
        self._subscribed = wanted
        return wanted

    async def _until_listening(self, channels: tuple[str, ...]) -> None:
        """Wait (bounded) until Redis confirmed the channels, so an event published right after is not missed."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SUBSCRIBE_WAIT_SECONDS):
                while not set(channels) <= self._subscribed:
                    self._listening.clear()
                    await self._listening.wait()

    async def _read_forever(self) -> None:
        """Keep one pub/sub connection subscribed to every local channel; reconnect with backoff, the delay
        starting again from the shortest once a connection has worked; RESYNC after each gap."""
        failures = 0
        lost = False
        while not self._stopping:
            try:
                await self._read_once(resync=lost)
            except (redis.RedisError, OSError) as error:
                if self._connected:  # a new outage, not the same one going on
                    failures = 0
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                lost = True
                logger.warning("event bus lost Redis (%s): reconnecting in %.1fs", error, delay)
                await asyncio.sleep(delay)

    async def _read_once(self, resync: bool) -> None:
        """Listen on one connection until it fails. With `resync`, once subscribed again, tell every subscriber.

        The channels are compared with those wanted only when subscriptions changed (`_changed`).
        """
        self._connected = False
        pubsub = self._listener.pubsub(ignore_subscribe_messages=True)
        subscribed: set[str] = set()
        self._changed.set()  # this connection subscribes to nothing yet
        try:
            while not self._stopping:
                if self._changed.is_set():
                    self._changed.clear()  # before reading what is wanted, so no later change or stop goes unseen
                    subscribed = await self._follow(pubsub, subscribed)
                    if subscribed and not self._connected:
                        self._connected = True
                        if resync:
                            self._fan_out.resync()
                    self._listening.set()
                if not subscribed:
                    await self._changed.wait()
                    continue
                for message in await _arrived(pubsub):
                    self._deliver(message)
        finally:
            self._subscribed = set()
            with contextlib.suppress(redis.RedisError, OSError, TimeoutError):
                async with asyncio.timeout(STOP_WAIT_SECONDS):
                    await pubsub.aclose()


async def _arrived(pubsub: redis.client.PubSub) -> list[dict]:
    """The pub/sub messages that arrived: waits briefly for the first, then takes those already there, at most
    `READ_BATCH`."""
    arrived: list[dict] = []
    message = await pubsub.get_message(timeout=0.05)
    while message is not None:
        if message["type"] == "message":
            arrived.append(message)
        if len(arrived) == READ_BATCH:
            break
        message = await pubsub.get_message(timeout=0)
    return arrived


def build_event_bus(redis_url: str) -> EventBus:
    """Redis when a URL is configured, otherwise in-process."""
    return RedisEventBus(redis_url) if redis_url else InProcessEventBus()
