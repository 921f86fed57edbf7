"""`python -m app worker`: the one process that runs the scheduler (reminder sweep, staff digest, pruning)."""

from __future__ import annotations

import asyncio
import logging
import signal

from tortoise import Tortoise

from app import db
from app.container import build_job_scheduler, build_services
from app.settings import Settings

logger = logging.getLogger(__name__)


async def run_worker(settings: Settings) -> None:
    """Run the jobs until SIGTERM or SIGINT, then let the batch in hand finish before closing."""
    services = build_services(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await Tortoise.init(config=db.tortoise_config(settings))
    await services.bus.start()
    scheduler = build_job_scheduler(services)
    scheduler.start()
    logger.info("worker started: sweeping every %s s", settings.reminder_sweep_seconds)
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        await services.sweep.idle()
        await services.push.close()
        await services.portal_sync.close()
        await services.bus.stop()
        await services.rate_limiter.close()
        await Tortoise.close_connections()
        logger.info("worker stopped")
