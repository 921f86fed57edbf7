"""The worker's clock: APScheduler 3.x jobs for the reminder sweep, the staff digest and token pruning.

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
from notifications.digest import schedule_staff_digests
from notifications.sweep import Sweep

logger = logging.getLogger(__name__)

DIGEST_AT = {"hour": 7, "minute": 30}
PRUNE_AT = {"hour": 3, "minute": 15}


async def send_staff_digests(clock: Clock) -> None:
    centres = await schedule_staff_digests(clock())
    logger.info("staff digests scheduled for %d centres", centres)


async def prune_device_tokens(clock: Clock) -> None:
    now = clock()
    pruned = await devices.prune_unused(now)
    await record_counts(Counter(pruned_tokens=pruned), now)
    logger.info("pruned %d device tokens unused for 60 days", pruned)


def build_scheduler(
    sweep: Sweep,
    sweep_seconds: float,
    every: dict[str, tuple[Callable[[], Awaitable[object]], timedelta]],
    clock: Clock,
) -> AsyncIOScheduler:
    """The jobs: the sweep every `sweep_seconds`, the digest at 07:30 and pruning at 03:15 (Asia/Ho_Chi_Minh),
    plus other domains' periodic jobs in `every` (job id -> coroutine function, interval), e.g. reconciliation."""
    scheduler = AsyncIOScheduler(timezone=LOCAL_TZ, job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(sweep.run, "interval", seconds=sweep_seconds, id="reminder-sweep", misfire_grace_time=None)
    scheduler.add_job(
        send_staff_digests,
        CronTrigger(day_of_week="mon-sat", timezone=LOCAL_TZ, **DIGEST_AT),
        args=[clock],
        id="staff-digest",
    )
    scheduler.add_job(
        prune_device_tokens, CronTrigger(timezone=LOCAL_TZ, **PRUNE_AT), args=[clock], id="prune-device-tokens"
    )
    for job_id, (job, interval) in every.items():
        scheduler.add_job(job, "interval", seconds=interval.total_seconds(), id=job_id)
    return scheduler
