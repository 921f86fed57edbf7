"""Deployment drill: two API nodes (two workers each) behind HAProxy, through PgBouncer, with Redis and the reminder
worker, all on 127.0.0.1; under steady load with live subscriptions, a rolling restart of both nodes and a Redis
restart. Prints its figures and PASS, or FAIL with the broken promises (exit status 1).

Run: deploy/drill.sh [--base postgres://postgres@127.0.0.1:5432/postgres]
It creates a scratch database on that PostgreSQL server and drops it afterwards; its own PgBouncer, HAProxy and
redis-server run on free ports in a temporary folder (never the machine's shared Redis). With DRILL_LOGS=1 a failed
drill prints the end of every process's log; DRILL_PYTHON names another interpreter for drill.sh.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from tortoise import Tortoise, connections

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.models import Citizen, StaffMember
from app.accounts.sessions import start_session, viewer_of_staff
from app.appointments.models import Appointment, AppointmentStatus, SlotCapacity, SlotCounter
from app.appointments.reminders import appointment_reminder_subject
from app.appointments.schedule import day_slots
from app.catalogue.models import Centre
from app.db import apply_migrations, tortoise_config
from app.seeding.demo import load_demo
from app.seeding.due_reminders import seed_due_reminders
from app.settings import Settings
from app.working_days import LOCAL_TZ
from deploy.drill_load import SILENCE_LIMIT, Load
from deploy.drill_services import ApiNode, HaProxy, PgBouncer, wait_until
from notifications.models import Reminder, ReminderState
from tests.database import scratch_database_url
from tests.fakes.fcm_server import FakeFcm
from tests.servers import RedisServer, app_env, start_worker

CENTRE = "06688"  # Ha Long
OFFICER = "officer.halong@demo.quangninh.gov.vn"
PROCEDURE = "1.004746"  # borderless: any citizen may book it at any centre
CAPACITY = 2  # places per slot, so that the bookers race for them
HOT_SLOTS = 4
CITIZENS = 10
READERS = 4
SUBSCRIPTIONS = 4
DUE_REMINDERS = 400
REMINDER_SPREAD_SECONDS = 30
SETTLE_SECONDS = 15.0
STARTED = time.monotonic()
CENTRES = "{ centres(first: 100) { edges { node { id code } } } }"


class DrillFailure(Exception):
    """The fleet could not even be put under load."""


@dataclass
class Cast:
    """What the load needs from the database: tokens, the centre, the contended slots."""

    citizen_tokens: list[str]
    staff_token: str
    centre: Centre
    slots: list[datetime]
    due_reminders: list[int]


async def prepare(settings: Settings) -> Cast:
    """Schema, demo data, citizens with sign-ins, a small slot capacity and reminders falling due during the drill."""
    await apply_migrations(settings)
    await Tortoise.init(config=tortoise_config(settings))
    await load_demo()
    now = datetime.now(UTC)
    centre = await Centre.get(code=CENTRE)
    await SlotCapacity.create(centre=centre, per_slot=CAPACITY)
    await Citizen.bulk_create([Citizen(phone=f"+8496{i:07d}") for i in range(CITIZENS)])
    citizens = await Citizen.filter(phone__startswith="+8496").order_by("id")
    tokens = [(await start_session(settings, Viewer(ViewerKind.CITIZEN, c.id), now)).access_token for c in citizens]
    officer = await StaffMember.get(email=OFFICER)
    staff_token = (await start_session(settings, viewer_of_staff(officer), now)).access_token
    due = await seed_due_reminders(DUE_REMINDERS, now + timedelta(days=1))  # brought forward by `spread_due_times`
    return Cast(tokens, staff_token, centre, contended_slots(centre, now), due)


def contended_slots(centre: Centre, now: datetime) -> list[datetime]:
    """The first slots of the centre's first open day at least two days ahead."""
    day = now.astimezone(LOCAL_TZ).date() + timedelta(days=2)
    while not (slots := day_slots(centre.opening_hours, day)):
        day += timedelta(days=1)
    return slots[:HOT_SLOTS]


async def spread_due_times(reminder_ids: list[int]) -> None:
    """The reminders fall due one by one over the next REMINDER_SPREAD_SECONDS, during the restarts."""
    await connections.get("default").execute_query(
        f"UPDATE reminder SET due_at = $1::timestamptz + (id % {REMINDER_SPREAD_SECONDS}) * interval '1 second' "
        "WHERE id = ANY($2::bigint[])",
        [datetime.now(UTC) + timedelta(seconds=1), reminder_ids],
    )


async def rolling_restart(haproxy: HaProxy, server: str, node: ApiNode) -> None:
    """Drain the node in HAProxy, stop it (SIGTERM), start it again, put it back once its checks pass."""
    haproxy.admin(f"set server api/{server} state drain")
    await asyncio.sleep(1.0)  # requests in flight on it finish; new ones go to the other node
    began = time.monotonic()
    await asyncio.to_thread(node.stop)
    stopped = time.monotonic()
    await asyncio.to_thread(node.start)
    print(f"  {server}: stopped in {stopped - began:.1f} s, ready again in {time.monotonic() - stopped:.1f} s")
    haproxy.admin(f"set server api/{server} state ready")
    await asyncio.to_thread(wait_until, lambda: haproxy.status(server) == "UP", f"{server} back in HAProxy")


async def restart_redis(redis: RedisServer) -> None:
    """Stop the drill's redis-server and start it again on the same port a second later."""
    await asyncio.to_thread(redis.stop)
    await asyncio.sleep(1.0)
    await asyncio.to_thread(redis.start)


async def settle(load: Load, step: str, problems: list[str]) -> None:
    """After a disruption: every subscription is registered again and hears of a booking requested after it."""
    ended = time.monotonic()
    if not await load.all_subscribed(SETTLE_SECONDS):
        problems.append(f"after {step}: a subscription could not subscribe again")
    if deaf := await load.all_hear_bookings_after(ended, SETTLE_SECONDS):
        problems.append(f"after {step}: subscriptions {deaf} heard of no booking made after it")
    print(f"  {step}: done, subscriptions receiving ({time.monotonic() - STARTED:.0f} s)", flush=True)
    await asyncio.sleep(1.0)


async def await_due_reminders(cast: Cast, spread_from: float, problems: list[str]) -> None:
    """Keep the worker running until every reminder is sent or failed, at most 30 s after the last fell due (a
    drill quicker than the spread must not stop the worker before the reminders are due)."""
    final = (ReminderState.SENT, ReminderState.FAILED)
    deadline = spread_from + REMINDER_SPREAD_SECONDS + 30
    while await Reminder.filter(id__in=cast.due_reminders).exclude(state__in=final).count():
        if time.monotonic() > deadline:
            problems.append("due reminders still unsent 30 s after they fell due")
            return
        await asyncio.sleep(0.5)


async def verify_reminders(cast: Cast, fcm: FakeFcm, problems: list[str]) -> int:
    """Every reminder due during the drill delivered exactly once and recorded SENT; returns how many were."""
    counts = fcm.counts
    if missing := [i for i in cast.due_reminders if counts[str(i)] == 0]:
        problems.append(f"{len(missing)} reminders never delivered")
    if twice := {key: n for key, n in counts.items() if n > 1}:
        problems.append(f"reminders delivered more than once: {twice}")
    if unsent := await Reminder.filter(id__in=cast.due_reminders).exclude(state=ReminderState.SENT).count():
        problems.append(f"{unsent} due reminders not recorded SENT")
    return sum(1 for i in cast.due_reminders if counts[str(i)] == 1)


async def verify_bookings(cast: Cast, problems: list[str]) -> None:
    """No slot over capacity, counters equal to the bookings, every booking with its own two reminders."""
    for counter in await SlotCounter.filter(centre_id=cast.centre.id):
        held = await Appointment.filter(
            centre_id=cast.centre.id, starts_at=counter.starts_at, status=AppointmentStatus.BOOKED
        ).count()
        if held > CAPACITY or counter.booked != held:
            problems.append(f"slot {counter.starts_at}: {held} bookings, counter {counter.booked}, cap {CAPACITY}")
    for appointment in await Appointment.filter(centre_id=cast.centre.id):
        subject = appointment_reminder_subject(appointment.id, appointment.starts_at)
        states = sorted(await Reminder.filter(subject=subject).values_list("state", flat=True))
        expected = ReminderState.PENDING if appointment.status is AppointmentStatus.BOOKED else ReminderState.CANCELLED
        if states != [expected, expected]:
            problems.append(f"appointment {appointment.id} ({appointment.status}) has reminders {states}")


async def drill(base: str, folder: Path, pooler_parameters: str) -> int:
    os.environ["TEST_DATABASE_URL"] = base
    problems: list[str] = []
    async with scratch_database_url() as direct_url:
        try:
            cast = await prepare(Settings(database_url=direct_url))
            print(f"  database ready ({time.monotonic() - STARTED:.0f} s)", flush=True)
            with FakeFcm() as fcm:
                database = direct_url.rsplit("/", 1)[1]
                load, seconds = await run_fleet(cast, fcm, f"{database}{pooler_parameters}", folder, problems)
                delivered = await verify_reminders(cast, fcm, problems)
                await verify_bookings(cast, problems)
        finally:
            await Tortoise.close_connections()
    print(f"reminders due during the drill: {len(cast.due_reminders)}, delivered exactly once: {delivered}")
    return report(load, seconds, problems)


async def run_fleet(cast: Cast, fcm: FakeFcm, database: str, folder: Path, problems: list[str]) -> tuple[Load, float]:
    """Start everything, load it, restart node 1, node 2, then Redis; the load's record and how long it ran.
    `database` is the database's name and the URL parameters for the pooler."""
    with ExitStack() as stack:
        redis = RedisServer()
        redis.start()
        stack.callback(redis.stop)
        pgbouncer = PgBouncer(folder, database.split("?")[0])
        pgbouncer.start()
        stack.callback(pgbouncer.stop)
        env = app_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{pgbouncer.port}/{database}",
            REDIS_URL=redis.url,
            FIREBASE_CREDENTIALS=str(fcm.credentials_file(folder)),
            FCM_API_BASE=fcm.url,
        )
        nodes = [ApiNode(f"node{n}", env, folder) for n in (1, 2)]
        for node in nodes:
            node.launch()
            stack.callback(node.stop)
        worker = start_worker(env, folder / "worker.log")
        stack.callback(lambda: (worker.terminate(), worker.wait(30)))
        haproxy = HaProxy(folder, [node.port for node in nodes])
        haproxy.start()
        stack.callback(haproxy.stop)
        for node in nodes:
            node.wait_ready()
        wait_until(lambda: all(haproxy.status(f"api{n}") == "UP" for n in (1, 2)), "both nodes in HAProxy")

        print(f"  fleet up ({time.monotonic() - STARTED:.0f} s)", flush=True)
        load = Load(haproxy.url, centre_global_id(haproxy.url, CENTRE), PROCEDURE, cast.slots, CAPACITY)
        began = time.monotonic()
        load.start(READERS, cast.citizen_tokens, cast.staff_token, SUBSCRIPTIONS)
        await spread_due_times(cast.due_reminders)
        spread_from = time.monotonic()
        try:
            await settle(load, "warm-up", problems)
            await rolling_restart(haproxy, "api1", nodes[0])
            await settle(load, "restart of node 1", problems)
            await rolling_restart(haproxy, "api2", nodes[1])
            await settle(load, "restart of node 2", problems)
            await restart_redis(redis)
            await settle(load, "restart of Redis", problems)
        finally:
            missed = await load.stop(drain_seconds=10.0)
        if missed:
            problems.append(f"subscriptions missed bookings made while they were connected, untold: {missed}")
        seconds = time.monotonic() - began
        await await_due_reminders(cast, spread_from, problems)
        return load, seconds


def centre_global_id(base: str, code: str) -> str:
    """The centre's ID as the app sees it."""
    body = httpx.post(f"{base}/graphql", json={"query": CENTRES}, timeout=10).json()
    if "errors" in body:
        raise DrillFailure(f"the first query through the load balancer failed: {body['errors']}")
    edges = body["data"]["centres"]["edges"]
    return next(edge["node"]["id"] for edge in edges if edge["node"]["code"] == code)


def report(load: Load, seconds: float, problems: list[str]) -> int:
    http = load.http
    reconnects = sum((s.reconnects for s in load.subscribers), start=type(load.subscribers[0].reconnects)())
    silence = max(s.longest_silence for s in load.subscribers)
    if http.failures:
        problems.append(f"{len(http.failures)} failed HTTP requests, e.g. {http.failures[:3]}")
    if load.capacity.most > CAPACITY:
        problems.append(f"a slot held {load.capacity.most} bookings at once (capacity {CAPACITY})")
    if silence > SILENCE_LIMIT:
        problems.append(f"a connected subscription went {silence:.1f} s without a message")
    print(f"requests: {len(http.latencies)} in {seconds:.0f} s ({len(http.latencies) / seconds:.0f}/s)")
    print(f"failures: {len(http.failures)}")
    print(f"p99: {http.p99_ms():.0f} ms")
    print(f"bookings: {dict(load.outcomes)}; most places held at once in a slot: {load.capacity.most}/{CAPACITY}")
    print(f"subscriptions: {len(load.subscribers)}; reconnects: {sum(reconnects.values())} {dict(reconnects)}")
    print(f"longest silence of a connected subscription: {silence:.1f} s")
    if problems:
        print("FAIL\n  - " + "\n  - ".join(problems))
        return 1
    print("PASS")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="postgres://postgres@127.0.0.1:5432/postgres", help="PostgreSQL server")
    parser.add_argument(
        "--statement-cache",
        action="store_true",
        help="leave asyncpg's named prepared statements on (shows why DATABASE_URL needs statement_cache_size=0)",
    )
    args = parser.parse_args()
    # Real processes on the real clock, as in production: uvicorn's worker processes could not follow a moved test
    # clock (tests/clocked.py travels only the process it starts). Nothing here depends on the day: the contended
    # slots are on the next open day, the reminders fall due from now on.
    os.environ.pop("TEST_CLOCK_START", None)
    pooler_parameters = "" if args.statement_cache else "?statement_cache_size=0"
    with tempfile.TemporaryDirectory(prefix="drill-") as folder:
        try:
            status = asyncio.run(drill(args.base, Path(folder), pooler_parameters))
        except DrillFailure as failure:
            print(f"FAIL\n  - {failure}")
            status = 1
        if status and os.environ.get("DRILL_LOGS"):
            for log in sorted(Path(folder).glob("*.log")):
                print(f"== {log.name}\n{log.read_text()[-3000:]}")
    return status


if __name__ == "__main__":
    sys.exit(main())
