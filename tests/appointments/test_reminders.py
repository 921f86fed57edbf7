"""The reminders a booking schedules in the notifications outbox, and how they follow the booking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.appointments.reminders import (
    appointment_reminder_subject,
    parse_appointment_reminder_subject,
)
from app.errors import DomainError, ErrorCode
from notifications.models import Reminder, ReminderKind, ReminderState
from notifications.subjects import load_deliveries
from tests.appointments.moments import NOW, WEDNESDAY, at
from tests.dossier_data import BORDERLESS_5_DAYS, RESIDENCE_BOUND

PENDING_24H_AND_1H = {
    (ReminderKind.APPOINTMENT_24H, ReminderState.PENDING),
    (ReminderKind.APPOINTMENT_1H, ReminderState.PENDING),
}


async def reminders(subject: str) -> dict[ReminderKind, Reminder]:
    return {reminder.kind: reminder for reminder in await Reminder.filter(subject=subject)}


def test_the_subject_names_the_appointment_and_its_slot_in_utc():
    subject = appointment_reminder_subject(42, at(WEDNESDAY, 9))
    assert subject == "appointment:42:20270203T0200Z"
    assert parse_appointment_reminder_subject(subject) == (42, datetime(2027, 2, 3, 2, 0, tzinfo=UTC))
    for other in ("appointment:42", "dossier:42", "appointment:x:20270203T0200Z", "appointment:42:20270203T0200"):
        assert parse_appointment_reminder_subject(other) is None


async def test_booking_schedules_both_reminders_for_the_citizen(service, cast):
    appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    found = await reminders(appointment_reminder_subject(appointment.id, at(WEDNESDAY, 9)))
    assert {(kind, row.state) for kind, row in found.items()} == PENDING_24H_AND_1H
    assert found[ReminderKind.APPOINTMENT_24H].due_at == at(WEDNESDAY, 9) - timedelta(hours=24)
    assert found[ReminderKind.APPOINTMENT_1H].due_at == at(WEDNESDAY, 9) - timedelta(hours=1)
    for row in found.values():
        assert row.citizen_id == cast.citizen.id and row.centre_id == cast.ha_long.id
        assert row.params == {
            "startsAt": "2027-02-03T02:00:00+00:00",
            "centreId": cast.ha_long.id,
            "ticket": appointment.ticket,
        }


async def test_no_reminder_is_scheduled_in_the_past(service, cast):
    appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(NOW.date(), 10))
    found = await reminders(appointment_reminder_subject(appointment.id, at(NOW.date(), 10)))
    assert set(found) == {ReminderKind.APPOINTMENT_1H}, "24 hours before was yesterday"
    assert found[ReminderKind.APPOINTMENT_1H].due_at == at(NOW.date(), 9)


async def test_rescheduling_moves_the_reminders_to_the_new_slot(service, cast):
    appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    tuesday = date(2027, 2, 2)
    await service.reschedule(appointment, at(tuesday, 14))
    old = await reminders(appointment_reminder_subject(appointment.id, at(WEDNESDAY, 9)))
    new = await reminders(appointment_reminder_subject(appointment.id, at(tuesday, 14)))
    assert {row.state for row in old.values()} == {ReminderState.CANCELLED}
    assert {(kind, row.state) for kind, row in new.items()} == PENDING_24H_AND_1H
    assert new[ReminderKind.APPOINTMENT_1H].due_at == at(tuesday, 13)
    await service.reschedule(appointment, at(WEDNESDAY, 9))
    back = await reminders(appointment_reminder_subject(appointment.id, at(WEDNESDAY, 9)))
    assert {(kind, row.state) for kind, row in back.items()} == PENDING_24H_AND_1H, "moving back revives them"
    assert await Reminder.filter(state=ReminderState.PENDING).count() == 2


async def test_a_failed_reschedule_leaves_the_reminders_alone(service, cast):
    appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    await service.add_closure(cast.ha_long.id, date(2027, 2, 2))
    with pytest.raises(DomainError) as refused:
        await service.reschedule(appointment, at(date(2027, 2, 2), 9))
    assert refused.value.code is ErrorCode.CENTRE_CLOSED
    assert await Reminder.filter(state=ReminderState.PENDING).count() == 2
    assert await Reminder.all().count() == 2


@pytest.mark.parametrize("ending", ["cancel", "check_in", "mark_no_show"])
async def test_cancelling_checking_in_or_missing_stops_the_reminders(service, cast, ending):
    appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    other = await service.book(cast.citizen.id, cast.ha_long.id, RESIDENCE_BOUND, at(WEDNESDAY, 10))
    if ending == "check_in":
        await service.check_in(cast.ha_long.id, appointment.ticket)
    else:
        await getattr(service, ending)(appointment)
    mine = await reminders(appointment_reminder_subject(appointment.id, at(WEDNESDAY, 9)))
    assert {row.state for row in mine.values()} == {ReminderState.CANCELLED}
    kept = await reminders(appointment_reminder_subject(other.id, at(WEDNESDAY, 10)))
    assert {row.state for row in kept.values()} == {ReminderState.PENDING}, "another booking's reminders stay"


async def test_the_sender_sends_a_reminder_only_while_the_booking_is_at_its_slot(service, cast):
    appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))

    async def applies(slot: datetime) -> bool:
        rows = await Reminder.filter(subject=appointment_reminder_subject(appointment.id, slot))
        return bool(rows) and set(await load_deliveries(rows, NOW)) == {row.id for row in rows}

    assert await applies(at(WEDNESDAY, 9))
    await service.reschedule(appointment, at(WEDNESDAY, 14))
    assert not await applies(at(WEDNESDAY, 9)), "the booking moved"
    assert await applies(at(WEDNESDAY, 14))
    await service.cancel(appointment)
    assert not await applies(at(WEDNESDAY, 14))
