"""Appointment rules through the service, with a fixed clock (Monday 1 February 2027, 08:00 in Vietnam)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from app.accounts.models import Citizen
from app.appointments import services
from app.appointments.models import Appointment, AppointmentStatus, SlotCounter
from app.appointments.services import centre_bookings_channel, qr_payload
from app.errors import DomainError, ErrorCode
from app.working_days import LOCAL_TZ
from notifications.models import Reminder
from tests.appointments.moments import NOW, TUESDAY, WEDNESDAY, at
from tests.dossier_data import BORDERLESS_5_DAYS, RESIDENCE_BOUND


async def failure(call) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await call
    return caught.value.code


async def test_day_slots_skip_the_lunch_break(service, cast):
    slots = await service.available_slots(cast.ha_long.id, BORDERLESS_5_DAYS, WEDNESDAY, 1)
    times = [slot.starts_at.astimezone(LOCAL_TZ).strftime("%H:%M") for slot in slots]
    assert times[0] == "07:30" and times[-1] == "16:30"
    assert "11:00" in times and "11:30" not in times and "12:00" not in times and "13:00" not in times
    assert "13:30" in times
    assert len(times) == 8 + 7
    assert all(slot.remaining == 4 for slot in slots)  # a ward centre: 4 counters x 1


async def test_lunch_break_is_not_a_slot(service, cast):
    assert await failure(service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 12))) == (
        ErrorCode.NOT_A_SLOT
    )
    misaligned = at(WEDNESDAY, 9, 10)
    assert await failure(service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, misaligned)) == (
        ErrorCode.NOT_A_SLOT
    )


async def test_tet_holidays_and_weekends_have_no_slots(service, cast):
    slots = await service.available_slots(cast.ha_long.id, BORDERLESS_5_DAYS, date(2027, 2, 4), 8)
    assert {slot.starts_at.astimezone(LOCAL_TZ).date() for slot in slots} == {date(2027, 2, 11)}
    tet = at(date(2027, 2, 8), 9)
    assert await failure(service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, tet)) == (
        ErrorCode.CENTRE_CLOSED
    )


async def test_a_managers_closure_closes_the_day(service, cast):
    await service.add_closure(cast.ha_long.id, WEDNESDAY, "Bảo trì hệ thống")
    assert await service.available_slots(cast.ha_long.id, BORDERLESS_5_DAYS, WEDNESDAY, 1) == []
    assert await failure(service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))) == (
        ErrorCode.CENTRE_CLOSED
    )
    other = await service.available_slots(cast.bai_chay.id, BORDERLESS_5_DAYS, WEDNESDAY, 1)
    assert other, "a closure concerns one centre only"


async def test_minimum_notice_of_two_hours(service, cast):
    today = NOW.date()
    slots = await service.available_slots(cast.ha_long.id, BORDERLESS_5_DAYS, today, 1)
    assert slots[0].starts_at == NOW + timedelta(hours=2)
    too_soon = at(today, 9, 30)
    assert await failure(service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, too_soon)) == (
        ErrorCode.SLOT_IN_PAST
    )
    yesterday = at(today - timedelta(days=3), 9)
    assert await failure(service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, yesterday)) == (
        ErrorCode.SLOT_IN_PAST
    )
    booked = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(today, 10))
    assert booked.status is AppointmentStatus.BOOKED


async def test_horizon_of_thirty_days(service, cast):
    beyond = at(date(2027, 3, 4), 9)  # a Thursday, 31 days ahead
    assert await failure(service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, beyond)) == (
        ErrorCode.BEYOND_HORIZON
    )
    slots = await service.available_slots(cast.ha_long.id, BORDERLESS_5_DAYS, date(2027, 3, 1), 10)
    assert max(slot.starts_at.astimezone(LOCAL_TZ).date() for slot in slots) == date(2027, 3, 3)
    for start, days in ((date(2027, 1, 31), 1), (WEDNESDAY, 0), (WEDNESDAY, 40), (date(2027, 3, 4), 1)):
        assert await failure(service.available_slots(cast.ha_long.id, BORDERLESS_5_DAYS, start, days)) == (
            ErrorCode.INVALID_SLOT_RANGE
        )


async def test_booking_gives_a_ticket_and_qr_payload_and_tells_the_centre(service, bus, cast):
    async with bus.subscribe(centre_bookings_channel(cast.ha_long.id)) as updates:
        appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
        message = await asyncio.wait_for(anext(updates), 1)
    assert len(appointment.ticket) == 6 and appointment.ticket.isalnum()
    assert qr_payload(appointment.ticket) == f"QNDVC:APPT:{appointment.ticket}"
    assert message == {"appointmentId": appointment.id, "kind": "BOOKED", "ticket": appointment.ticket}
    slots = await service.available_slots(cast.ha_long.id, BORDERLESS_5_DAYS, WEDNESDAY, 1)
    assert {slot.starts_at: slot.remaining for slot in slots}[at(WEDNESDAY, 9)] == 3


async def test_one_active_booking_per_citizen_procedure_and_day(service, cast):
    first = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    again = service.book(cast.citizen.id, cast.bai_chay.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 14))
    assert await failure(again) == ErrorCode.TOO_MANY_BOOKINGS
    await service.book(cast.citizen.id, cast.ha_long.id, RESIDENCE_BOUND, at(WEDNESDAY, 9))  # another procedure
    await service.cancel(first)
    await service.book(cast.citizen.id, cast.bai_chay.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 14))


async def test_a_ticket_drawn_twice_is_drawn_again_and_the_clash_leaves_nothing_behind(service, cast, monkeypatch):
    draws = iter(["ACDEF3", "ACDEF3", "ACDEF4"])
    monkeypatch.setattr(services, "_new_ticket", lambda: next(draws))
    other = await Citizen.create(phone="+84912000776")
    first = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))

    second = await service.book(other.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))

    assert (first.ticket, second.ticket) == ("ACDEF3", "ACDEF4")
    assert (await SlotCounter.get(centre_id=cast.ha_long.id)).booked == 2, "the clashing attempt gave its place back"
    reminded = {(row.citizen_id, row.params["ticket"]) for row in await Reminder.all()}
    assert reminded == {(cast.citizen.id, "ACDEF3"), (other.id, "ACDEF4")}
    assert await Reminder.all().count() == 4


async def test_a_full_slot_refuses_and_cancelling_frees_a_place(service, cast):
    await service.set_capacity(cast.ha_long.id, 1)
    first = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    other = await Citizen.create(phone="+84912000777")
    late = service.book(other.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    assert await failure(late) == ErrorCode.SLOT_FULL
    cancelled = await service.cancel(first)
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert await failure(service.cancel(first)) == ErrorCode.APPOINTMENT_NOT_ACTIVE
    await service.book(other.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))


async def test_reschedule_takes_the_new_place_and_frees_the_old(service, cast):
    appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    moved = await service.reschedule(appointment, at(WEDNESDAY, 14))
    assert moved.starts_at == at(WEDNESDAY, 14)
    counters = dict(await SlotCounter.all().values_list("starts_at", "booked"))
    assert sorted(counters.values()) == [0, 1]


async def test_a_failed_reschedule_keeps_the_old_booking(service, cast):
    await service.set_capacity(cast.ha_long.id, 1)
    mine = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    other = await Citizen.create(phone="+84912000778")
    await service.book(other.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 14))
    assert await failure(service.reschedule(mine, at(WEDNESDAY, 14))) == ErrorCode.SLOT_FULL
    assert await failure(service.reschedule(mine, at(date(2027, 2, 8), 9))) == ErrorCode.CENTRE_CLOSED
    kept = await Appointment.get(id=mine.id)
    assert kept.status is AppointmentStatus.BOOKED and kept.starts_at == at(WEDNESDAY, 9)
    third = await Citizen.create(phone="+84912000779")
    assert await failure(service.book(third.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))) == (
        ErrorCode.SLOT_FULL
    ), "the old place is still taken"


async def test_check_in_by_ticket_or_qr_and_no_show(service, bus, cast):
    appointment = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    assert await failure(service.check_in(cast.bai_chay.id, appointment.ticket)) == ErrorCode.APPOINTMENT_NOT_FOUND
    checked = await service.check_in(cast.ha_long.id, qr_payload(appointment.ticket))
    assert checked.status is AppointmentStatus.CHECKED_IN and checked.checked_in_at is not None
    assert await failure(service.check_in(cast.ha_long.id, appointment.ticket)) == ErrorCode.APPOINTMENT_NOT_ACTIVE
    assert await failure(service.mark_no_show(checked)) == ErrorCode.APPOINTMENT_NOT_ACTIVE
    other = await service.book(cast.citizen.id, cast.ha_long.id, RESIDENCE_BOUND, at(WEDNESDAY, 10))
    assert (await service.mark_no_show(other)).status is AppointmentStatus.NO_SHOW


async def test_two_hundred_simultaneous_bookings_never_overbook(service, cast):
    await Citizen.bulk_create([Citizen(phone=f"+8491300{n:04d}") for n in range(200)])
    citizens = await Citizen.filter(phone__startswith="+8491300").values_list("id", flat=True)
    assert len(citizens) == 200
    slot = at(WEDNESDAY, 9).astimezone(UTC)  # SQLite compares stored UTC text

    async def attempt(citizen_id: int) -> str:
        try:
            await service.book(citizen_id, cast.ha_long.id, BORDERLESS_5_DAYS, slot)
        except DomainError as error:
            return error.code.value
        return "OK"

    outcomes = await asyncio.gather(*(attempt(citizen_id) for citizen_id in citizens))
    assert outcomes.count("OK") == 4
    assert outcomes.count("SLOT_FULL") == 196
    booked = await Appointment.filter(status=AppointmentStatus.BOOKED, starts_at=slot).count()
    counter = await SlotCounter.get(centre_id=cast.ha_long.id, starts_at=slot)
    assert booked == counter.booked == 4


async def test_one_citizen_racing_themselves_gets_one_booking_a_day(service, cast):
    wednesday_slots = [
        slot.starts_at for slot in await service.available_slots(cast.ha_long.id, BORDERLESS_5_DAYS, WEDNESDAY, 1)
    ]
    attempts = [wednesday_slots[n % len(wednesday_slots)].astimezone(UTC) for n in range(20)]

    async def attempt(slot: datetime) -> str:
        try:
            await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, slot)
        except DomainError as error:
            return error.code.value
        return "OK"

    outcomes = await asyncio.gather(*(attempt(slot) for slot in attempts))
    assert outcomes.count("OK") == 1
    assert outcomes.count("TOO_MANY_BOOKINGS") == 19
    assert await Appointment.filter(citizen_id=cast.citizen.id).count() == 1
    assert sum(await SlotCounter.all().values_list("booked", flat=True)) == 1, "refused attempts gave their place back"


async def test_a_closure_recorded_after_slots_were_read_still_refuses(service, cast):
    await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    await service.add_closure(cast.ha_long.id, WEDNESDAY)
    other = await Citizen.create(phone="+84912000780")
    assert await failure(service.book(other.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))) == (
        ErrorCode.CENTRE_CLOSED
    )
    assert await failure(service.book(other.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 10))) == (
        ErrorCode.CENTRE_CLOSED
    ), "a slot nobody had booked yet"
    await service.set_capacity(cast.ha_long.id, 0)
    assert await failure(service.book(other.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(date(2027, 2, 2), 9))) == (
        ErrorCode.SLOT_FULL
    ), "a capacity change applies to the next booking"


async def test_a_residence_bound_procedure_is_booked_at_the_residence_centre_only(service, cast):
    elsewhere = await Citizen.create(phone="+84912000791", residence_centre=cast.bai_chay)
    nowhere = await Citizen.create(phone="+84912000792")
    for citizen in (elsewhere, nowhere):
        refused = service.book(citizen.id, cast.ha_long.id, RESIDENCE_BOUND, at(WEDNESDAY, 9))
        assert await failure(refused) == ErrorCode.CENTRE_NOT_ELIGIBLE
    await service.book(elsewhere.id, cast.bai_chay.id, RESIDENCE_BOUND, at(WEDNESDAY, 9))
    await service.book(nowhere.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    assert await Appointment.all().count() == 2


async def test_rescheduling_onto_a_day_already_booked_for_the_procedure_is_refused(service, cast):
    tuesday = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(TUESDAY, 9))
    await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    assert await failure(service.reschedule(tuesday, at(WEDNESDAY, 14))) == ErrorCode.TOO_MANY_BOOKINGS
    kept = await Appointment.get(id=tuesday.id)
    assert kept.starts_at == at(TUESDAY, 9) and kept.active_day == TUESDAY
    taken = dict(await SlotCounter.all().values_list("starts_at", "booked"))
    assert sorted(taken.values()) == [1, 1], "the claimed 14:00 place was given back"
    moved = await service.reschedule(tuesday, at(TUESDAY, 14))
    assert moved.starts_at == at(TUESDAY, 14), "moving within the same day is fine"


async def test_cancelling_a_booking_moved_meanwhile_releases_nothing_stale(service, cast):
    booked = await service.book(cast.citizen.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    other = await Citizen.create(phone="+84912000793")
    await service.book(other.id, cast.ha_long.id, BORDERLESS_5_DAYS, at(WEDNESDAY, 9))
    stale = await Appointment.get(id=booked.id)
    await service.reschedule(booked, at(WEDNESDAY, 14))
    assert await failure(service.cancel(stale)) == ErrorCode.APPOINTMENT_NOT_ACTIVE
    taken = {moment: count for moment, count in await SlotCounter.all().values_list("starts_at", "booked")}
    assert taken == {at(WEDNESDAY, 9): 1, at(WEDNESDAY, 14): 1}, "the other citizen's 09:00 place is still counted"
    assert (await service.cancel(await Appointment.get(id=booked.id))).status is AppointmentStatus.CANCELLED
