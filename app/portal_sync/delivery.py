"""The worker's job: send the claimed rows to the portal, one in flight per dossier, and record each outcome."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from app.clock import Clock
from app.portal_sync import claims
from app.portal_sync.client import Outcome, PortalAnswer, PortalClient
from app.portal_sync.models import PortalOutbox

logger = logging.getLogger(__name__)

MAX_ROUNDS = 50  # claims per run: a dossier's next row becomes claimable once the one before it is delivered


def backoff(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """The wait before the next attempt: doubling from `base_seconds`, at most `max_seconds`."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** min(attempts - 1, 30)))


class PortalDelivery:
    """Runs every few seconds in the worker process; a second worker only shares the work."""

    def __init__(
        self,
        client: PortalClient,
        worker_id: str,
        batch_size: int,
        lease: timedelta,
        retry_seconds: float,
        max_retry_seconds: float,
        clock: Clock,
    ) -> None:
        self._client = client
        self._worker_id = worker_id
        self._batch_size = batch_size
        self._lease = lease
        self._retry = (retry_seconds, max_retry_seconds)
        self._clock = clock

    async def run(self) -> int:
        """Deliver what is due; returns how many rows were delivered."""
        await claims.release_expired(self._clock())
        delivered = 0
        for _ in range(MAX_ROUNDS):
            rows = await claims.claim(self._worker_id, self._clock(), self._batch_size, self._lease)
            if not rows:
                break
            answers = await asyncio.gather(*(self._client.send(row.body, row.idempotency_key) for row in rows))
            now = self._clock()
            done = [row for row, answer in zip(rows, answers, strict=True) if answer.outcome is Outcome.DELIVERED]
            await claims.mark_delivered(done, now)
            for row, answer in zip(rows, answers, strict=True):
                await self._record_failure(row, answer, now)
            delivered += len(done)
            if not done:
                break
        return delivered

    async def _record_failure(self, row: PortalOutbox, answer: PortalAnswer, now: datetime) -> None:
        if answer.outcome is Outcome.REFUSED:
            logger.warning("portal refused %s: %s", row.idempotency_key, answer.detail)
            await claims.park(row, answer.detail, answer.answer)
        elif answer.outcome is Outcome.FAILED:
            await claims.retry_later(row, answer.detail, now + backoff(row.attempts, *self._retry))
