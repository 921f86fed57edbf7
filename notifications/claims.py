"""Claiming due reminders so that each is handled by one worker, on PostgreSQL and SQLite alike.

A claim is a conditional UPDATE stamped with a claim token that is unique to this call, so racing workers never
take the same row (PostgreSQL also skips rows another worker has locked). A claim lasts `lease`: rows a crashed
worker claimed but never put on the wire go back to the pool; rows it had put on the wire (SENDING) are never sent
again, since FCM cannot tell us whether they arrived.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from notifications.models import Reminder, ReminderState

UNCONFIRMED = "worker stopped while the push was on the wire: not sent again"


def _claimable(now: datetime) -> Q:
    return Q(state=ReminderState.PENDING, due_at__lte=now) | Q(state=ReminderState.CLAIMED, claimed_until__lt=now)


async def claim_due(worker_id: str, now: datetime, limit: int, lease: timedelta) -> list[Reminder]:
    """Claim up to `limit` due reminders (oldest first) for `worker_id`."""
    token = f"{worker_id}:{secrets.token_hex(4)}"
    async with in_transaction():
        ids = await (
            Reminder.filter(_claimable(now))
            .order_by("due_at")
            .limit(limit)
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        if not ids:
            return []
        await Reminder.filter(Q(id__in=ids) & _claimable(now)).update(
            state=ReminderState.CLAIMED, claimed_by=token, claimed_until=now + lease, attempts=F("attempts") + 1
        )
    return await Reminder.filter(claimed_by=token, state=ReminderState.CLAIMED).order_by("due_at")


async def mark_sending(reminders: list[Reminder], now: datetime, lease: timedelta) -> None:
    """Record that these reminders are about to go on the wire."""
    await Reminder.filter(id__in=[r.id for r in reminders]).update(
        state=ReminderState.SENDING, claimed_until=now + lease
    )


async def give_up_unconfirmed(now: datetime) -> int:
    """Close the SENDING rows of workers that died mid-send: FAILED, never re-sent."""
    return await Reminder.filter(state=ReminderState.SENDING, claimed_until__lt=now).update(
        state=ReminderState.FAILED, last_error=UNCONFIRMED
    )
