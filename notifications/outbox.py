"""How sources (dossiers, appointments, payments, ratings) schedule, move and cancel notifications.

Call these inside the source's own transaction: the reminder then exists exactly when the change that caused it
committed. A (kind, subject) pair is scheduled at most once, so a replayed source changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from notifications.models import Reminder, ReminderKind, ReminderState

MOVABLE = (ReminderState.PENDING, ReminderState.CANCELLED)


async def schedule(
    kind: ReminderKind,
    subject: str,
    due_at: datetime,
    *,
    citizen_id: int | None = None,
    centre_id: int | None = None,
    params: dict | None = None,
) -> None:
    """Schedule (kind, subject) for `due_at`, or move it there while it has not been sent.

    A reminder already claimed, sent or skipped stays as it is: nothing is ever sent twice.
    """
    values = {"due_at": due_at, "state": ReminderState.PENDING, "attempts": 0, "last_error": ""}
    if params is not None:
        values["params"] = params
    moved = await Reminder.filter(kind=kind, subject=subject, state__in=MOVABLE).update(**values)
    if not moved:  # new, or past moving: INSERT ... ON CONFLICT DO NOTHING leaves an existing one as it is
        reminder = Reminder(
            kind=kind, subject=subject, due_at=due_at, citizen_id=citizen_id, centre_id=centre_id, params=params or {}
        )
        await Reminder.bulk_create([reminder], ignore_conflicts=True)


async def notify_now(
    kind: ReminderKind, subject: str, now: datetime, *, citizen_id: int, params: dict | None = None
) -> None:
    """Send (kind, subject) as soon as the sweep next runs (within about a second of `now`)."""
    await schedule(kind, subject, now, citizen_id=citizen_id, params=params)


async def cancel(subject: str, kinds: Iterable[ReminderKind] | None = None) -> int:
    """Cancel the pending reminders about `subject` (all kinds, or only `kinds`); returns how many."""
    query = Reminder.filter(subject=subject, state=ReminderState.PENDING)
    if kinds is not None:
        query = query.filter(kind__in=list(kinds))
    return await query.update(state=ReminderState.CANCELLED)
