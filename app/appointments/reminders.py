"""The reminders a booking creates (24 hours and 1 hour before), through the notifications outbox.

The subject names the slot as well as the appointment: after a reschedule the new slot's reminders are new rows,
so they go out even when the old slot's reminder was already sent. Call these inside the booking's transaction.
At send time a reminder applies while its booking is still BOOKED at that very slot (the loader registered with
notifications when this module is imported).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.appointments.models import Appointment, AppointmentStatus
from app.catalogue.models import names_by_locale
from app.working_days import LOCAL_TZ
from notifications import outbox
from notifications.models import Reminder, ReminderKind
from notifications.subjects import Delivery, citizen_of, register

REMINDER_LEADS = {ReminderKind.APPOINTMENT_24H: timedelta(hours=24), ReminderKind.APPOINTMENT_1H: timedelta(hours=1)}
SLOT_FORMAT = "%Y%m%dT%H%MZ"
_SUBJECT = re.compile(r"appointment:(\d+):(\d{8}T\d{4}Z)")


def slot_key(starts_at: datetime) -> str:
    """The slot start in UTC as a reminder subject ends with, e.g. `20270203T0200Z`."""
    return starts_at.astimezone(UTC).strftime(SLOT_FORMAT)


def appointment_reminder_subject(appointment_id: int, starts_at: datetime) -> str:
    """`appointment:<id>:<slot key>`, e.g. `appointment:42:20270203T0200Z`."""
    return f"appointment:{appointment_id}:{slot_key(starts_at)}"


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
    params = reminder_params(centre_id, ticket, starts_at)
    await outbox.schedule_many(
        subject, reminders_due(starts_at, now), citizen_id=citizen_id, centre_id=centre_id, params=params
    )


def reminders_due(starts_at: datetime, now: datetime) -> dict[ReminderKind, datetime]:
    """When each reminder of a booking at `starts_at` is due, for those still ahead of `now`."""
    return {kind: starts_at - lead for kind, lead in REMINDER_LEADS.items() if starts_at - lead > now}


def reminder_params(centre_id: int, ticket: str, starts_at: datetime) -> dict:
    """The template values a booking's reminders carry."""
    return {"startsAt": starts_at.astimezone(UTC).isoformat(), "centreId": centre_id, "ticket": ticket}


async def cancel_reminders(appointment_id: int, starts_at: datetime) -> None:
    """Cancel the pending reminders of a booking at `starts_at` (cancelled, moved, checked in or missed)."""
    await outbox.cancel(appointment_reminder_subject(appointment_id, starts_at), kinds=REMINDER_LEADS)


async def _bookings_still_at_their_slot(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """Bookings still BOOKED at the very slot their reminder names, and not started yet."""
    slots = {r.id: parse_appointment_reminder_subject(r.subject) for r in reminders}
    ids = {slot[0] for slot in slots.values() if slot}
    rows = await Appointment.filter(id__in=ids, status=AppointmentStatus.BOOKED).select_related("centre", "procedure")
    appointments = {row.id: row for row in rows}
    deliveries = {}
    for reminder in reminders:
        slot = slots[reminder.id]
        appointment = appointments.get(slot[0]) if slot else None
        if appointment is None or appointment.starts_at != slot[1] or appointment.starts_at <= now:
            continue
        local = appointment.starts_at.astimezone(LOCAL_TZ)
        procedure = appointment.procedure
        deliveries[reminder.id] = Delivery(
            {
                "time": f"{local:%H:%M %d/%m}",
                "centre": appointment.centre.name_vi,
                "ticket": appointment.ticket,
                "procedure": names_by_locale(procedure.name_vi, procedure.name_en),
            },
            f"appointment/{appointment.id}",
            citizen_of(reminder),
            urgent=reminder.kind == ReminderKind.APPOINTMENT_1H,
        )
    return deliveries


register(_bookings_still_at_their_slot, *REMINDER_LEADS)
