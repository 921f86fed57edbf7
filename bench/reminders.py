"""Benchmark: due reminders per second and lateness behind the due time, through `python -m app worker` processes,
their FcmPushSender (FCM v1 over aiohttp) and the fake FCM server, on PostgreSQL; against the same pushes sent
straight through FcmPushSender (no database, no sweep) in the same run.

Run: .venv/bin/python bench/reminders.py [--reminders 100000] [--workers 2] [--database postgres://...]
[--redis redis://127.0.0.1:6379] [--due-per-second N]
It creates a scratch PostgreSQL database next to --database (default postgres://postgres@127.0.0.1:5432/test) and
drops it afterwards. The workers publish inbox events through --redis, as in production (`--redis ""`: in-process).
All reminders fall due at once, unless --due-per-second spreads their due times at that rate: then the lateness
is that of a steady flow, not of a backlog.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

from tortoise import Tortoise, connections

from app.db import apply_migrations, tortoise_config
from app.seeding.due_reminders import seed_due_reminders
from app.settings import Settings
from notifications.models import Reminder, ReminderState
from notifications.push import FcmPushSender, PushMessage
from tests.database import scratch_database_url
from tests.fakes.fcm_server import FakeFcm

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 100
START_AFTER = timedelta(seconds=5)


async def baseline(fcm: FakeFcm, credentials: Path, count: int) -> float:
    """Pushes per second straight through FcmPushSender, in calls of 100 like the sweep."""
    sender = FcmPushSender(str(credentials), fcm.url)
    messages = [
        PushMessage(token=f"baseline-{i}", title="t", body="b", deep_link="dossier/x", data={"reminderId": f"b{i}"})
        for i in range(count)
    ]
    began = time.perf_counter()
    for start in range(0, count, CHUNK):
        await sender.send(messages[start : start + CHUNK])
    elapsed = time.perf_counter() - began
    await sender.close()
    return count / elapsed


async def lateness_percentiles() -> tuple[float, float]:
    rows = await connections.get("default").execute_query_dict(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lateness_ms) AS p50, "
        "percentile_cont(0.95) WITHIN GROUP (ORDER BY lateness_ms) AS p95 FROM reminder WHERE state = 'SENT'"
    )
    return float(rows[0]["p50"]), float(rows[0]["p95"])


async def run(reminders: int, workers: int, database: str, redis: str, due_per_second: float) -> None:
    os.environ["TEST_DATABASE_URL"] = database
    async with scratch_database_url() as url:
        settings = Settings(database_url=url)
        await apply_migrations(settings)
        await Tortoise.init(config=tortoise_config(settings))
        try:
            await seed_due_reminders(reminders, datetime.now(UTC) + timedelta(days=1))
            # A production database has statistics (autovacuum); this machine's PostgreSQL may run without it.
            await connections.get("default").execute_script("ANALYZE")
            with FakeFcm() as fcm, tempfile.TemporaryDirectory() as folder:
                credentials = fcm.credentials_file(Path(folder))
                direct = await baseline(fcm, credentials, min(reminders, 20_000))
                rate, wall = await sweep(fcm, credentials, url, redis, reminders, workers, due_per_second, Path(folder))
            p50, p95 = await lateness_percentiles()
            late = await Reminder.filter(state=ReminderState.SENT, lateness_ms__gt=60_000).count()
        finally:
            await Tortoise.close_connections()
    bus = "Redis" if redis else "in-process events"
    due = f"due at {due_per_second:,.0f}/s" if due_per_second else "all due at once"
    print(f"{reminders:,} reminders {due}, {workers} worker process(es), PostgreSQL, {bus}, {os.cpu_count()} cores")
    print("| path | per second | ratio |")
    print("|---|---|---|")
    print(f"| FcmPushSender straight to the fake (baseline) | {direct:,.0f} | 1.00 |")
    print(f"| sweep: claim, re-check, inbox, push, record | {rate:,.0f} | {rate / direct:.2f} |")
    print(
        f"wall time {wall:.1f} s; lateness behind due time p50 {p50 / 1000:.2f} s, p95 {p95 / 1000:.2f} s; "
        f"{late:,} sent more than a minute late"
    )


async def sweep(
    fcm: FakeFcm,
    credentials: Path,
    url: str,
    redis: str,
    reminders: int,
    workers: int,
    due_per_second: float,
    folder: Path,
) -> tuple[float, float]:
    """Start the workers, make the reminders due from a few seconds later, wait until all are sent."""
    processes = start_workers(workers, url, redis, fcm, credentials, folder)
    try:
        due = datetime.now(UTC) + START_AFTER
        step_ms = 1000 / due_per_second if due_per_second else 0
        await connections.get("default").execute_query(
            "UPDATE reminder SET due_at = "
            "$1::timestamptz + (id - (SELECT MIN(id) FROM reminder)) * $2::float8 * interval '1 millisecond'",
            [due, step_ms],
        )
        while await Reminder.filter(state=ReminderState.SENT).count() < reminders:
            if any(p.poll() is not None for p in processes):
                raise RuntimeError((folder / "w0.log").read_text())
            await asyncio.sleep(0.5)
        wall = (datetime.now(UTC) - due).total_seconds()
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)
    last = await Reminder.all().order_by("-sent_at").first()
    first = await Reminder.all().order_by("sent_at").first()
    return reminders / max((last.sent_at - first.sent_at).total_seconds(), 1e-3), wall


def start_workers(
    count: int, url: str, redis: str, fcm: FakeFcm, credentials: Path, folder: Path
) -> list[subprocess.Popen]:
    """`python -m app worker` processes against the scratch database, Redis and the fake FCM."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis,
        "FIREBASE_CREDENTIALS": str(credentials),
        "FCM_API_BASE": fcm.url,
        "APP_ENV": "development",
        "LOG_LEVEL": "WARNING",
    }
    return [
        subprocess.Popen(
            [sys.executable, "-m", "app", "worker"],
            cwd=ROOT,
            env=env,
            stdout=(folder / f"w{n}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--due-per-second", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(run(args.reminders, args.workers, args.database, args.redis, args.due_per_second))


if __name__ == "__main__":
    main()
