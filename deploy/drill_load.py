"""The drill's steady load through the load balancer: readers, citizens booking and cancelling on a few contended
slots, and staff subscriptions to those bookings; each records what a user of the service would have seen."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import websockets

READ = "query($c: String!) { procedures(search: $c, first: 5) { edges { node { code name } } } }"
ME = "{ me { __typename } }"
BOOK = """mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) {
  appointment { id } errors { code } } }"""
CANCEL = "mutation($id: ID!) { cancelAppointment(input: {id: $id}) { errors { code } } }"
SUBSCRIBE = "subscription($c: ID!) { centreBookings(centreId: $c) { kind appointment { id } } }"
SILENCE_LIMIT = 5.0  # seconds a connected subscription may go without a message while bookings keep coming


@dataclass
class HttpStats:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def p99_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.99 * (len(ordered) - 1))] * 1000 if ordered else 0.0


@dataclass
class Subscriber:
    """One staff websocket's history: when it (re)connected, what it received, why it had to reconnect."""

    number: int
    connected_at: float = 0.0
    subscribed: bool = False
    heard: dict[str, float] = field(default_factory=dict)  # appointment id: when its latest update arrived
    reconnects: Counter[str] = field(default_factory=Counter)
    longest_silence: float = 0.0

    def heard_of_any(self, appointments: set[str]) -> bool:
        """Whether, since its last (re)connection, an update about one of `appointments` arrived."""
        return self.subscribed and any(self.heard.get(a, 0.0) > self.connected_at for a in appointments)


@dataclass
class Capacity:
    """Places each slot holds as the clients see them: from a booking's answer until its cancel is sent (a subset
    of what the database holds, so more than the capacity here is more there)."""

    limit: int
    held: Counter[str] = field(default_factory=Counter)
    most: int = 0

    def take(self, slot: str) -> None:
        self.held[slot] += 1
        self.most = max(self.most, self.held[slot])

    def release(self, slot: str) -> None:
        self.held[slot] -= 1


class Load:
    """Runs until `stop()`: every HTTP exchange goes through `base` (the load balancer)."""

    def __init__(self, base: str, centre_id: str, procedure: str, slots: list[datetime], capacity: int) -> None:
        self.base = base
        self.centre_id = centre_id
        self.procedure = procedure
        self.slots = [slot.isoformat() for slot in slots]
        self.http = HttpStats()
        self.capacity = Capacity(capacity)
        self.outcomes: Counter[str] = Counter()
        self.bookings: list[tuple[float, str]] = []  # (when it was requested, appointment id) of each booking made
        self.subscribers: list[Subscriber] = []
        self._quiet = asyncio.Event()  # readers and bookers stop
        self._stopping = asyncio.Event()  # subscriptions stop
        self._producers: list[asyncio.Task] = []
        self._listeners: list[asyncio.Task] = []
        self._client = httpx.AsyncClient(base_url=base, timeout=15, limits=httpx.Limits(max_connections=64))

    def start(self, readers: int, citizen_tokens: list[str], staff_token: str, subscriptions: int) -> None:
        self._producers += [asyncio.create_task(self._reader(token)) for token in citizen_tokens[:readers]]
        self._producers += [asyncio.create_task(self._booker(token)) for token in citizen_tokens]
        for number in range(subscriptions):
            subscriber = Subscriber(number)
            self.subscribers.append(subscriber)
            self._listeners.append(asyncio.create_task(self._subscribe(subscriber, staff_token)))

    async def stop(self, drain_seconds: float) -> dict[int, int]:
        """Stop requests, give the last updates up to `drain_seconds` to arrive, stop the subscriptions; per
        subscription, how many bookings made during its last connection it never heard of (silently lost)."""
        self._quiet.set()
        await asyncio.gather(*self._producers)
        deadline = time.monotonic() + drain_seconds
        missed = self._missed()
        while missed and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            missed = self._missed()
        self._stopping.set()
        await asyncio.gather(*self._listeners)
        await self._client.aclose()
        return missed

    def _missed(self) -> dict[int, int]:
        """Per subscription, the bookings requested since its last (re)connection that it has not heard of."""
        missed = {}
        for s in self.subscribers:
            made = {appointment for requested, appointment in self.bookings if requested > s.connected_at + 0.5}
            if lost := [a for a in made if s.heard.get(a, 0.0) <= s.connected_at]:
                missed[s.number] = len(lost)
        return missed

    async def all_subscribed(self, within: float) -> bool:
        """Whether every subscription is (again) registered within `within` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if all(s.subscribed for s in self.subscribers):
                return True
            await asyncio.sleep(0.1)
        return False

    async def all_hear_bookings_after(self, moment: float, within: float) -> list[int]:
        """The subscriptions that, within `within` s, heard of no booking requested after `moment` (so made and
        published after it) since their last reconnect."""
        deadline = time.monotonic() + within
        deaf = [s.number for s in self.subscribers]
        while deaf and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            fresh = {appointment for requested, appointment in self.bookings if requested > moment}
            deaf = [s.number for s in self.subscribers if not s.heard_of_any(fresh)]
        return deaf

    async def _graphql(self, query: str, variables: dict, token: str) -> dict | None:
        """The `data` of one request, or None after recording it as failed (transport, status or GraphQL error)."""
        began = time.monotonic()
        try:
            response = await self._client.post(
                "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
            )
            body = response.json() if response.status_code == 200 else {"errors": [f"HTTP {response.status_code}"]}
        except (httpx.HTTPError, ValueError) as error:
            body = {"errors": [f"{type(error).__name__}: {error}"]}
        self.http.latencies.append(time.monotonic() - began)
        if "errors" in body:
            self.http.failures.append(str(body["errors"])[:300])
            return None
        return body["data"]

    async def _pause(self, seconds: float, until: asyncio.Event | None = None) -> None:
        """Sleep `seconds`, less if `until` (by default: the load going quiet) is set meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for((until or self._quiet).wait(), seconds)

    async def _reader(self, token: str) -> None:
        searches = ["dang ky khai sinh", "ket hon", "giay phep", "ho tich"]
        while not self._quiet.is_set():
            await self._graphql(READ, {"c": random.choice(searches)}, token)
            await self._graphql(ME, {}, token)
            await self._pause(0.05)

    async def _booker(self, token: str) -> None:
        """Book one of the contended slots, hold it a moment, cancel; again, until stopped."""
        while not self._quiet.is_set():
            slot = random.choice(self.slots)
            booking = {"centreId": self.centre_id, "procedureCode": self.procedure, "startsAt": slot}
            requested = time.monotonic()
            data = await self._graphql(BOOK, {"i": booking}, token)
            if data is None:
                await self._pause(0.3)
                continue
            payload = data["bookAppointment"]
            if payload["errors"]:
                self.outcomes[payload["errors"][0]["code"]] += 1
                await self._pause(0.2)
                continue
            self.outcomes["BOOKED"] += 1
            self.bookings.append((requested, payload["appointment"]["id"]))
            self.capacity.take(slot)
            await self._pause(random.uniform(0.2, 0.6))
            self.capacity.release(slot)
            data = await self._graphql(CANCEL, {"id": payload["appointment"]["id"]}, token)
            self.outcomes["CANCELLED" if data and not data["cancelAppointment"]["errors"] else "NOT_CANCELLED"] += 1
            await self._pause(0.2)

    async def _subscribe(self, subscriber: Subscriber, token: str) -> None:
        """Keep one staff subscription alive: reconnect whenever the server closes or asks to resync."""
        url = self.base.replace("http://", "ws://") + "/graphql"
        while not self._stopping.is_set():
            reason = await self._listen(subscriber, url, token)
            subscriber.subscribed = False
            if not self._stopping.is_set():
                subscriber.reconnects[reason] += 1
                await self._pause(0.2, self._stopping)

    async def _listen(self, subscriber: Subscriber, url: str, token: str) -> str:
        """One websocket's life; returns why it ended."""
        try:
            async with websockets.connect(url, subprotocols=["graphql-transport-ws"], open_timeout=5) as ws:
                await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
                if json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] != "connection_ack":
                    return "refused"
                subscribe = {"query": SUBSCRIBE, "variables": {"c": self.centre_id}}
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
                subscriber.connected_at = time.monotonic()
                subscriber.subscribed = True
                stopping = asyncio.create_task(self._stopping.wait())
                try:
                    return await self._receive(subscriber, ws, stopping)
                finally:
                    stopping.cancel()
        except websockets.ConnectionClosed as closed:
            return f"closed {closed.rcvd.code if closed.rcvd else 'without a close frame'}"
        except (OSError, TimeoutError, websockets.InvalidHandshake) as error:
            return f"connect failed ({type(error).__name__})"

    async def _receive(self, subscriber: Subscriber, ws, stopping: asyncio.Task) -> str:
        last = time.monotonic()
        while True:
            receiving = asyncio.create_task(ws.recv())
            await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stopping.done():
                receiving.cancel()
                return "drill over"
            message = json.loads(receiving.result())
            if message["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] == "next" and "errors" not in message["payload"]:
                now = time.monotonic()
                subscriber.longest_silence = max(subscriber.longest_silence, now - last)
                subscriber.heard[message["payload"]["data"]["centreBookings"]["appointment"]["id"]] = now
                last = now
                continue
            if message["type"] == "next":
                return message["payload"]["errors"][0].get("extensions", {}).get("code", "error")
            return message["type"]  # complete, or a protocol error
