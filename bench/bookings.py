"""Benchmark: bookings per second and p99 latency under contention, through AppointmentService, against a raw SQL
conditional UPDATE on the same `slot_counter` table, measured in the same run and reported as ratios.

Contention: 8 slots of capacity 4, 400 concurrent attempts from 400 distinct citizens (32 succeed, 368 get SLOT_FULL).
A booking is the whole service call: slot rules, the claim, the appointment row and its two reminders, one transaction.
Afterwards one untimed round counts the SQL statements each attempt sent (as Tortoise logs them: the BEGIN, COMMIT
and ROLLBACK of an ORM transaction are not logged), for booked and refused attempts apart.
Run: .venv/bin/python bench/bookings.py [--attempts 400] [--rounds 5] [--capacity 4]
Uses a throwaway SQLite database, or DATABASE_URL=postgres://... (a scratch database: it is filled with test rows).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

from tortoise import connections

from app.accounts.models import Citizen
from app.appointments.models import Appointment, SlotCounter
from app.appointments.services import AppointmentService
from app.catalogue.demo_data import load_centres, load_procedures
from app.catalogue.models import Centre
from app.db import apply_migrations
from app.errors import DomainError
from app.events import InProcessEventBus
from app.main import create_app
from app.settings import Settings
from app.working_days import LOCAL_TZ, is_working_day
from notifications.models import Reminder

SLOTS = 8
BORDERLESS = "1.004746"


def working_day_ahead() -> datetime:
    day = datetime.now(LOCAL_TZ).date() + timedelta(days=2)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ).replace(hour=7, minute=30)


STATEMENTS: ContextVar[list[str] | None] = ContextVar("statements", default=None)


class StatementLog(logging.Handler):
    """Collects the statements Tortoise logs into the current task's list, when it has one."""

    def emit(self, record: logging.LogRecord) -> None:
        seen = STATEMENTS.get()
        if seen is not None:
            seen.append(record.getMessage())


async def statements_per_attempt(calls) -> tuple[float, float]:
    """Mean statements of (booked, refused) attempts, running `calls` concurrently with statement logging on."""
    logger = logging.getLogger("tortoise.db_client")
    handler, level = StatementLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    async def one(call) -> tuple[bool, int]:
        seen: list[str] = []
        STATEMENTS.set(seen)  # each gathered call runs in its own task, with its own context
        try:
            ok = bool(await call())
        except DomainError:
            ok = False
        return ok, len(seen)

    try:
        results = await asyncio.gather(*(one(call) for call in calls))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    booked = [count for ok, count in results if ok] or [0]
    refused = [count for ok, count in results if not ok] or [0]
    return statistics.mean(booked), statistics.mean(refused)


async def timed(calls) -> tuple[float, float, float]:
    """(attempts per second, successes per second, p99 ms) of running `calls` concurrently."""
    latencies: list[float] = []

    async def one(call) -> bool:
        begin = time.perf_counter()
        try:
            ok = bool(await call())
        except DomainError:
            ok = False
        latencies.append((time.perf_counter() - begin) * 1000)
        return ok

    started = time.perf_counter()
    results = await asyncio.gather(*(one(call) for call in calls))
    elapsed = time.perf_counter() - started
    return len(calls) / elapsed, sum(results) / elapsed, statistics.quantiles(latencies, n=100)[98]


async def run(attempts: int, rounds: int, capacity: int, url: str) -> None:
    settings = Settings(app_env="test", database_url=url)
    await apply_migrations(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        if not await Centre.exists():
            await load_centres()
            await load_procedures()
        centre = await Centre.filter(kind="ward").first()
        service = AppointmentService(InProcessEventBus())
        await service.set_capacity(centre.id, capacity)
        await Citizen.bulk_create([Citizen(phone=f"+849140{n:05d}") for n in range(attempts)], ignore_conflicts=True)
        citizens = await Citizen.filter(phone__startswith="+849140").limit(attempts).values_list("id", flat=True)
        first = working_day_ahead()
        slots = [first + timedelta(minutes=30 * n) for n in range(SLOTS)]
        connection = connections.get("default")
        postgres = connection.capabilities.dialect == "postgres"
        centre_mark, starts_mark, capacity_mark = ("$1", "$2", "$3") if postgres else ("?", "?", "?")
        claim = (
            f'UPDATE "slot_counter" SET "booked" = "booked" + 1 WHERE "centre_id" = {centre_mark} '
            f'AND "starts_at" = {starts_mark} AND "booked" < {capacity_mark}'
        )
        rows = {"service": [], "raw": []}

        async def empty() -> None:
            await Reminder.all().delete()
            await Appointment.all().delete()
            await SlotCounter.all().delete()
            if postgres:  # autovacuum is off here: dead rows of earlier rounds would slow every index probe
                await connection.execute_script('VACUUM ANALYZE "reminder", "appointment", "slot_counter"')

        def booking(n: int):
            return lambda: service.book(citizens[n], centre.id, BORDERLESS, slots[n % SLOTS])

        for _ in range(rounds):
            await empty()
            rows["service"].append(await timed([booking(n) for n in range(attempts)]))
            assert await Appointment.all().count() == min(SLOTS * capacity, attempts)
            await SlotCounter.all().update(booked=0)

            def raw(n: int):
                async def call() -> bool:
                    moment = slots[n % SLOTS].astimezone(UTC)
                    value = moment if postgres else moment.isoformat(" ")
                    changed, _ = await connection.execute_query(claim, [centre.id, value, capacity])
                    return bool(changed)

                return call

            rows["raw"].append(await timed([raw(n) for n in range(attempts)]))
            booked = sum(await SlotCounter.all().values_list("booked", flat=True))
            assert booked == min(SLOTS * capacity, attempts), booked
        await empty()
        statements = await statements_per_attempt([booking(n) for n in range(attempts)])
    booking_path = [statistics.median(r[i] for r in rows["service"]) for i in range(3)]
    raw = [statistics.median(r[i] for r in rows["raw"]) for i in range(3)]
    print(f"database: {'PostgreSQL' if postgres else 'SQLite'}, {SLOTS} slots x {capacity}, {attempts} attempts")
    print("| path | attempts/s | bookings/s | p99 |")
    print("|---|---|---|---|")
    print(f"| service (book) | {booking_path[0]:,.0f} | {booking_path[1]:,.0f} | {booking_path[2]:.1f} ms |")
    print(f"| raw conditional UPDATE | {raw[0]:,.0f} | {raw[1]:,.0f} | {raw[2]:.1f} ms |")
    print(f"ratio service/raw: throughput {booking_path[0] / raw[0]:.2f}, p99 {booking_path[2] / raw[2]:.1f}x")
    print(f"SQL statements per attempt (service): {statements[0]:.1f} booked, {statements[1]:.1f} refused (raw: 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--capacity", type=int, default=4, help="places per slot (4: heavy contention, 50: none)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url:
        asyncio.run(run(args.attempts, args.rounds, args.capacity, url))
        return
    with tempfile.TemporaryDirectory(prefix="qn-bench-") as folder:
        asyncio.run(run(args.attempts, args.rounds, args.capacity, f"sqlite://{Path(folder) / 'bench.sqlite3'}"))


if __name__ == "__main__":
    main()
