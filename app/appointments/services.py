"""Appointment actions: slots, booking, cancelling, rescheduling, check-in, no-show, closures and capacity.

Capacity is claimed with a conditional `UPDATE slot_counter SET booked = booked + 1 WHERE ... AND booked < capacity`
and its row count, in the same transaction as the appointment row, so no slot is ever overbooked, on SQLite and
PostgreSQL alike. Events go out on the bus only after commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app.appointments.models import Appointment, AppointmentStatus, CentreClosure, SlotCapacity, SlotCounter
from app.appointments.schedule import HORIZON_DAYS, bookable_from, day_slots, default_capacity, horizon_day
from app.catalogue.models import Centre, Procedure
from app.errors import DomainError, ErrorCode
from app.events import EventBus
from app.working_days import LOCAL_TZ

TICKET_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)
TICKET_LENGTH = 6
TICKET_ATTEMPTS = 5
QR_PREFIX = "QNDVC:APPT:"
MAX_PER_SLOT = 100
ACTIVE = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)


def centre_bookings_channel(centre_id: int) -> str:
    return f"centre:{centre_id}:bookings"


def qr_payload(ticket: str) -> str:
    """What the centre's scanner reads."""
    return f"{QR_PREFIX}{ticket}"


def _new_ticket() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Slot:
    """A bookable slot and its free places."""

    starts_at: datetime
    capacity: int
    remaining: int


class AppointmentService:
    """The only way appointments, slot counters, closures and capacities change."""

    def __init__(self, bus: EventBus, clock=_now) -> None:
        self._bus = bus
        self._clock = clock

    async def capacity(self, centre: Centre) -> int:
        override = await SlotCapacity.get_or_none(centre_id=centre.id)
        return override.per_slot if override else default_capacity(centre.counters)

    async def set_capacity(self, centre_id: int, per_slot: int) -> int:
        if not 0 <= per_slot <= MAX_PER_SLOT:
            raise DomainError(ErrorCode.INVALID_CAPACITY, "perSlot")
        await self._centre(centre_id)
        async with in_transaction():
            updated = await SlotCapacity.filter(centre_id=centre_id).update(per_slot=per_slot)
            if not updated:
                await SlotCapacity.create(centre_id=centre_id, per_slot=per_slot)
        return per_slot

    async def add_closure(self, centre_id: int, day: date, reason: str = "") -> CentreClosure:
        """Close a centre for appointments on `day` (idempotent); existing bookings are kept for staff to handle."""
        await self._centre(centre_id)
        closure, _ = await CentreClosure.get_or_create(centre_id=centre_id, day=day, defaults={"reason": reason[:300]})
        return closure

    async def available_slots(self, centre_id: int, procedure_code: str, start: date, days: int) -> list[Slot]:
        """Slots with places left, from `start` for `days` local dates, within minimum notice and horizon."""
        centre = await self._centre(centre_id)
        await self._procedure(procedure_code)
        now = self._clock()
        today = now.astimezone(LOCAL_TZ).date()
        if not 1 <= days <= HORIZON_DAYS + 1 or start < today or start > horizon_day(now):
            raise DomainError(ErrorCode.INVALID_SLOT_RANGE, "from")
        last = min(start + timedelta(days=days - 1), horizon_day(now))
        closures = set(
            await CentreClosure.filter(centre_id=centre_id, day__gte=start, day__lte=last).values_list("day", flat=True)
        )
        earliest = bookable_from(now)
        starts: list[datetime] = []
        day = start
        while day <= last:
            starts += [slot for slot in day_slots(centre.opening_hours, day, closures) if slot >= earliest]
            day += timedelta(days=1)
        if not starts:
            return []
        capacity = await self.capacity(centre)
        taken = dict(
            await SlotCounter.filter(
                centre_id=centre_id, starts_at__gte=starts[0].astimezone(UTC), starts_at__lte=starts[-1].astimezone(UTC)
            ).values_list("starts_at", "booked")
        )
        booked = {moment.astimezone(UTC): count for moment, count in taken.items()}
        slots = [Slot(s, capacity, capacity - booked.get(s.astimezone(UTC), 0)) for s in starts]
        return [slot for slot in slots if slot.remaining > 0]

    async def book(
        self, citizen_id: int, centre_id: int, procedure_code: str, starts_at: datetime, dossier_id: int | None = None
    ) -> Appointment:
        """Take one place of a slot for the citizen; raises a coded DomainError when it cannot."""
        centre = await self._centre(centre_id)
        procedure = await self._procedure(procedure_code)
        local_day = await self._check_slot(centre, starts_at)
        capacity = await self.capacity(centre)
        starts_utc = starts_at.astimezone(UTC)
        await self._ensure_counter(centre_id, starts_utc)
        for _ in range(TICKET_ATTEMPTS):
            try:
                async with in_transaction():
                    await self._check_one_a_day(citizen_id, procedure.id, local_day)
                    await self._claim(centre_id, starts_utc, capacity)
                    appointment = await Appointment.create(
                        ticket=_new_ticket(),
                        citizen_id=citizen_id,
                        centre_id=centre_id,
                        procedure_id=procedure.id,
                        dossier_id=dossier_id,
                        starts_at=starts_utc,
                        local_day=local_day,
                    )
                break
            except IntegrityError:
                continue  # a ticket collision: the transaction rolled back, draw another
        else:
            raise RuntimeError("could not draw a unique ticket")
        await self._publish(appointment, "BOOKED")
        return appointment

    async def cancel(self, appointment: Appointment) -> Appointment:
        """Cancel a booked appointment and free its place."""
        async with in_transaction():
            changed = await Appointment.filter(id=appointment.id, status=AppointmentStatus.BOOKED).update(
                status=AppointmentStatus.CANCELLED, updated_at=self._clock()
            )
            if not changed:
                raise DomainError(ErrorCode.APPOINTMENT_NOT_ACTIVE, "id")
            await self._release(appointment.centre_id, appointment.starts_at)  # type: ignore[attr-defined]
        await appointment.refresh_from_db()
        await self._publish(appointment, "CANCELLED")
        return appointment

    async def reschedule(self, appointment: Appointment, starts_at: datetime) -> Appointment:
        """Move a booking: the new place is taken before the old is released, in one transaction.

        On any failure the old booking stays as it was.
        """
        centre = await self._centre(appointment.centre_id)  # type: ignore[attr-defined]
        if appointment.status is not AppointmentStatus.BOOKED:
            raise DomainError(ErrorCode.APPOINTMENT_NOT_ACTIVE, "id")
        local_day = await self._check_slot(centre, starts_at, field="startsAt")
        starts_utc = starts_at.astimezone(UTC)
        if starts_utc == appointment.starts_at:
            return appointment
        capacity = await self.capacity(centre)
        await self._ensure_counter(centre.id, starts_utc)
        old_starts = appointment.starts_at
        async with in_transaction():
            if local_day != appointment.local_day:
                await self._check_one_a_day(
                    appointment.citizen_id,  # type: ignore[attr-defined]
                    appointment.procedure_id,  # type: ignore[attr-defined]
                    local_day,
                )
            await self._claim(centre.id, starts_utc, capacity)
            moved = await Appointment.filter(
                id=appointment.id, status=AppointmentStatus.BOOKED, starts_at=old_starts
            ).update(starts_at=starts_utc, local_day=local_day, updated_at=self._clock())
            if not moved:
                raise DomainError(ErrorCode.APPOINTMENT_NOT_ACTIVE, "id")  # rolls the claim back
            await self._release(centre.id, old_starts)
        await appointment.refresh_from_db()
        await self._publish(appointment, "RESCHEDULED")
        return appointment

    async def check_in(self, centre_id: int, ticket: str) -> Appointment:
        """Staff scan the ticket (or its QR payload) of a booking at their centre."""
        code = ticket.strip().upper().removeprefix(QR_PREFIX)
        appointment = await Appointment.get_or_none(ticket=code, centre_id=centre_id)
        if appointment is None:
            raise DomainError(ErrorCode.APPOINTMENT_NOT_FOUND, "ticket")
        changed = await Appointment.filter(id=appointment.id, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.CHECKED_IN, checked_in_at=self._clock(), updated_at=self._clock()
        )
        if not changed:
            raise DomainError(ErrorCode.APPOINTMENT_NOT_ACTIVE, "ticket")
        await appointment.refresh_from_db()
        await self._publish(appointment, "CHECKED_IN")
        return appointment

    async def mark_no_show(self, appointment: Appointment) -> Appointment:
        """The citizen did not come; the (past) place is not given back."""
        changed = await Appointment.filter(id=appointment.id, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.NO_SHOW, updated_at=self._clock()
        )
        if not changed:
            raise DomainError(ErrorCode.APPOINTMENT_NOT_ACTIVE, "id")
        await appointment.refresh_from_db()
        return appointment

    async def _centre(self, centre_id: int) -> Centre:
        centre = await Centre.get_or_none(id=centre_id)
        if centre is None:
            raise DomainError(ErrorCode.CENTRE_NOT_FOUND, "centreId")
        return centre

    async def _procedure(self, code: str) -> Procedure:
        procedure = await Procedure.get_or_none(code=code.strip())
        if procedure is None:
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedureCode")
        return procedure

    async def _check_slot(self, centre: Centre, starts_at: datetime, field: str = "startsAt") -> date:
        """The slot's local date when `starts_at` is a bookable slot of the centre; a coded error otherwise."""
        now = self._clock()
        local = starts_at.astimezone(LOCAL_TZ)
        if starts_at < bookable_from(now):
            raise DomainError(ErrorCode.SLOT_IN_PAST, field)
        if local.date() > horizon_day(now):
            raise DomainError(ErrorCode.BEYOND_HORIZON, field)
        closures = await CentreClosure.filter(centre_id=centre.id, day=local.date()).values_list("day", flat=True)
        if not day_slots(centre.opening_hours, local.date(), closures):
            raise DomainError(ErrorCode.CENTRE_CLOSED, field)
        if local not in day_slots(centre.opening_hours, local.date()):
            raise DomainError(ErrorCode.NOT_A_SLOT, field)
        return local.date()

    async def _check_one_a_day(self, citizen_id: int, procedure_id: int, local_day: date) -> None:
        if await Appointment.filter(
            citizen_id=citizen_id, procedure_id=procedure_id, local_day=local_day, status__in=ACTIVE
        ).exists():
            raise DomainError(ErrorCode.TOO_MANY_BOOKINGS, "startsAt")

    async def _ensure_counter(self, centre_id: int, starts_at: datetime) -> None:
        """Create the slot's counter row if missing; a concurrent creator wins the unique constraint harmlessly."""
        if await SlotCounter.exists(centre_id=centre_id, starts_at=starts_at):
            return
        try:
            async with in_transaction():
                await SlotCounter.create(centre_id=centre_id, starts_at=starts_at, booked=0)
        except IntegrityError:
            pass

    async def _claim(self, centre_id: int, starts_at: datetime, capacity: int) -> None:
        claimed = await SlotCounter.filter(centre_id=centre_id, starts_at=starts_at, booked__lt=capacity).update(
            booked=F("booked") + 1
        )
        if not claimed:
            raise DomainError(ErrorCode.SLOT_FULL, "startsAt")

    async def _release(self, centre_id: int, starts_at: datetime) -> None:
        await SlotCounter.filter(centre_id=centre_id, starts_at=starts_at, booked__gt=0).update(booked=F("booked") - 1)

    async def _publish(self, appointment: Appointment, kind: str) -> None:
        message = {"appointmentId": appointment.id, "kind": kind, "ticket": appointment.ticket}
        await self._bus.publish(centre_bookings_channel(appointment.centre_id), message)  # type: ignore[attr-defined]
