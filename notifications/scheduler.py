"""The worker's clock: APScheduler 3.x jobs for the reminder sweep and token pruning, plus the jobs other domains
hand in (the staff digest, payment reconciliation).

Run it in ONE process (`python -m app worker`, or inside `serve` in the embedded single-process default). Claims in
the database keep a second scheduler harmless, but not efficient.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from app.clock import Clock
from app.working_days import LOCAL_TZ
from notifications import devices
from notifications.counts import record_counts
from notifications.sweep import Sweep

logger = logging.getLogger(__name__)

PRUNE_AT = {"hour": 3, "minute": 15}


async def prune_device_tokens(clock: Clock) -> None:
    now = clock()
    pruned = await devices.prune_unused(now)
    await record_counts(Counter(pruned_tokens=pruned), now)
    logger.info("pruned %d device tokens unused for 60 days", pruned)


def build_scheduler(
    sweep: Sweep,
    sweep_seconds: float,
    every: dict[str, tuple[Callable[[], Awaitable[object]], timedelta]],
    at: dict[str, tuple[Callable[[], Awaitable[object]], dict[str, object]]],
    clock: Clock,
) -> AsyncIOScheduler:
    """The jobs: the sweep every `sweep_seconds` and pruning at 03:15 (Asia/Ho_Chi_Minh), plus other domains'
    periodic jobs in `every` (job id -> coroutine function, interval), e.g. reconciliation, and their jobs at set
    times in `at` (job id -> coroutine function, cron fields in Asia/Ho_Chi_Minh), e.g. the staff digest."""
    scheduler = AsyncIOScheduler(timezone=LOCAL_TZ, job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(sweep.run, "interval", seconds=sweep_seconds, id="reminder-sweep", misfire_grace_time=None)
    scheduler.add_job(
        prune_device_tokens, CronTrigger(timezone=LOCAL_TZ, **PRUNE_AT), args=[clock], id="prune-device-tokens"
    )
    for job_id, (job, interval) in every.items():
        scheduler.add_job(job, "interval", seconds=interval.total_seconds(), id=job_id)
    for job_id, (job, fields) in at.items():
        scheduler.add_job(job, CronTrigger(timezone=LOCAL_TZ, **fields), id=job_id)
    return scheduler
