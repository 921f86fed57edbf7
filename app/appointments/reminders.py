"""The reminders a booking creates (24 hours and 1 hour before), through the notifications outbox.

The subject names the slot as well as the appointment: after a reschedule the new slot's reminders are new rows,
so they go out even when the old slot's reminder was already sent. Call these inside the booking's transaction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from notifications import outbox
from notifications.models import ReminderKind

REMINDER_LEADS = {ReminderKind.APPOINTMENT_24H: timedelta(hours=24), ReminderKind.APPOINTMENT_1H: timedelta(hours=1)}
SLOT_FORMAT = "%Y%m%dT%H%MZ"
_SUBJECT = re.compile(r"appointment:(\d+):(\d{8}T\d{4}Z)")


def appointment_reminder_subject(appointment_id: int, starts_at: datetime) -> str:
    """`appointment:<id>:<slot start in UTC>`, e.g. `appointment:42:20270203T0200Z`."""
    return f"appointment:{appointment_id}:{starts_at.astimezone(UTC).strftime(SLOT_FORMAT)}"


def parse_appointment_reminder_subject(subject: str) -> tuple[int, datetime] | None:
    """(appointment id, slot start in UTC) of a subject made by `appointment_reminder_subject`, else None."""
    match = _SUBJECT.fullmatch(subject)
    if match is None:
        return None
    return int(match[1]), datetime.strptime(match[2], SLOT_FORMAT).replace(tzinfo=UTC)


async def schedule_reminders(
    appointment_id: int, citizen_id: int, centre_id: int, ticket: str, starts_at: datetime, now: datetime
) -> None:
    """Schedule the reminders of a booking whose due time is still ahead of `now`."""
    subject = appointment_reminder_subject(appointment_id, starts_at)
    params = {"startsAt": starts_at.astimezone(UTC).isoformat(), "centreId": centre_id, "ticket": ticket}
    for kind, lead in REMINDER_LEADS.items():
        due_at = starts_at - lead
        if due_at > now:
            await outbox.schedule(kind, subject, due_at, citizen_id=citizen_id, centre_id=centre_id, params=params)


async def cancel_reminders(appointment_id: int, starts_at: datetime) -> None:
    """Cancel the pending reminders of a booking at `starts_at` (cancelled, moved, checked in or missed)."""
    await outbox.cancel(appointment_reminder_subject(appointment_id, starts_at), kinds=REMINDER_LEADS)
