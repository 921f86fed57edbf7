"""Appointment actions: slots, booking, cancelling, rescheduling, check-in, no-show, closures and capacity.

A place is claimed by one conditional statement on the slot's counter row (app/appointments/claims.py) in the same
transaction as the appointment row and its reminders, so no slot is ever overbooked, on SQLite and PostgreSQL alike
(on PostgreSQL the whole booking is one statement: app/appointments/booking_statement.py).
One active booking per citizen, procedure and day is a unique constraint (`active_day`), so a citizen racing
themselves gets one. Centres and procedures are cached per process for a few minutes (catalogue data); capacity and
closures are always read fresh. Events go out on the bus only after commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.accounts.models import Citizen
from app.appointments import booking_statement
from app.appointments.booking_statement import Booking
from app.appointments.claims import claim_place, is_closed, release_place
from app.appointments.models import (
    Appointment,
    AppointmentStatus,
    BookingUpdateKind,
    CentreClosure,
    SlotCapacity,
    SlotCounter,
)
from app.appointments.reminders import cancel_reminders, schedule_reminders
from app.appointments.schedule import (
    HORIZON_DAYS,
    bookable_from,
    bookable_starts,
    day_slots,
    default_capacity,
    horizon_day,
)
from app.catalogue.eligibility import check_eligibility, provincial_centre_id
from app.catalogue.models import Centre, Procedure
from app.clock import Clock, system_clock
from app.errors import DomainError, ErrorCode
from app.events import EventBus
from app.ttl_cache import TtlLruCache
from app.working_days import LOCAL_TZ

TICKET_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)
TICKET_LENGTH = 6
TICKET_ATTEMPTS = 5
QR_PREFIX = "QNDVC:APPT:"
MAX_PER_SLOT = 100
CATALOGUE_CACHE_SECONDS = 300
CATALOGUE_CACHE_SIZE = 4096


def centre_bookings_channel(centre_id: int) -> str:
    return f"centre:{centre_id}:bookings"


def qr_payload(ticket: str) -> str:
    """What the centre's scanner reads."""
    return f"{QR_PREFIX}{ticket}"


def _new_ticket() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


class _TicketTaken(Exception):
    """The drawn ticket exists already: draw another."""


class _NoRoom(Exception):
    """The claim was refused: the slot is full or the day closed (told apart after the rollback)."""


@dataclass(frozen=True)
class Slot:
    """A bookable slot and its free places."""

    starts_at: datetime
    capacity: int
    remaining: int


class AppointmentService:
    """The only way appointments, slot counters, closures and capacities change."""

    def __init__(self, bus: EventBus, clock: Clock = system_clock) -> None:
        self._bus = bus
        self._clock = clock
        self._centres: TtlLruCache[int, Centre] = TtlLruCache(CATALOGUE_CACHE_SIZE, CATALOGUE_CACHE_SECONDS)
        self._procedures: TtlLruCache[str, Procedure] = TtlLruCache(CATALOGUE_CACHE_SIZE, CATALOGUE_CACHE_SECONDS)

    async def capacity(self, centre: Centre) -> int:
        override = await SlotCapacity.get_or_none(centre_id=centre.id)
        return override.per_slot if override else default_capacity(centre.counters)

    async def set_capacity(self, centre_id: int, per_slot: int) -> int:
        """Set the places per slot; the next booking on any worker uses it (claims read it in their statement)."""
        if not 0 <= per_slot <= MAX_PER_SLOT:
            raise DomainError(ErrorCode.INVALID_CAPACITY, "per_slot")
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
        closures = await CentreClosure.filter(centre_id=centre_id, day__gte=start, day__lte=last).values_list(
            "day", flat=True
        )
        starts = list(bookable_starts(centre.opening_hours, start, last, bookable_from(now), closures))
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
        self,
        citizen_id: int,
        centre_id: int,
        procedure_code: str,
        starts_at: datetime,
        dossier_id: int | None = None,
        acted_by: int | None = None,
    ) -> Appointment:
        """Take one place of a slot for the citizen, with its reminders; raises a coded DomainError when it cannot.

        `acted_by` is the delegate booking for the citizen, recorded on the appointment.
        """
        centre = await self._centre(centre_id)
        procedure = await self._procedure(procedure_code)
        local_day = self._check_slot(centre, starts_at)
        await self._check_eligible(citizen_id, procedure, centre)
        starts_utc = starts_at.astimezone(UTC)
        for _ in range(TICKET_ATTEMPTS):
            try:
                appointment = await self._book_once(
                    citizen_id, centre, procedure.id, starts_utc, local_day, dossier_id, acted_by
                )
                break
            except _TicketTaken:
                continue
        else:
            raise RuntimeError("could not draw a unique ticket")
        await self._publish(appointment, BookingUpdateKind.BOOKED)
        return appointment

    async def cancel(self, appointment: Appointment) -> Appointment:
        """Cancel a booked appointment, free its place and cancel its reminders."""
        await self._end(appointment, AppointmentStatus.CANCELLED, "id")
        await self._publish(appointment, BookingUpdateKind.CANCELLED)
        return appointment

    async def reschedule(self, appointment: Appointment, starts_at: datetime) -> Appointment:
        """Move a booking and its reminders: the new place is taken before the old is released, in one transaction.

        On any failure the old booking stays as it was.
        """
        centre = await self._centre(appointment.centre_id)  # type: ignore[attr-defined]
        if appointment.status is not AppointmentStatus.BOOKED:
            raise DomainError(ErrorCode.APPOINTMENT_NOT_ACTIVE, "id")
        local_day = self._check_slot(centre, starts_at)
        starts_utc = starts_at.astimezone(UTC)
        if starts_utc == appointment.starts_at:
            return appointment
        old_starts = appointment.starts_at
        try:
            async with in_transaction():
                await self._claim(centre, starts_utc, local_day)
                moved = await Appointment.filter(
                    id=appointment.id, status=AppointmentStatus.BOOKED, starts_at=old_starts
                ).update(starts_at=starts_utc, local_day=local_day, active_day=local_day, updated_at=self._clock())
                if not moved:
                    raise DomainError(ErrorCode.APPOINTMENT_NOT_ACTIVE, "id")  # rolls the claim back
                await release_place(centre.id, old_starts)
                await cancel_reminders(appointment.id, old_starts)
                await self._schedule_reminders(appointment, starts_utc)
        except IntegrityError:
            raise DomainError(ErrorCode.TOO_MANY_BOOKINGS, "starts_at") from None  # active that day already
        except _NoRoom:
            raise await self._no_room(centre.id, local_day) from None
        await appointment.refresh_from_db()
        await self._publish(appointment, BookingUpdateKind.RESCHEDULED)
        return appointment

    async def check_in(self, centre_id: int, ticket: str) -> Appointment:
        """Staff scan the ticket (or its QR payload) of a booking at their centre; its reminders stop."""
        code = ticket.strip().upper().removeprefix(QR_PREFIX)
        fits = len(code) == TICKET_LENGTH  # anything else is no ticket, and would not fit the column
        appointment = await Appointment.get_or_none(ticket=code, centre_id=centre_id) if fits else None
        if appointment is None:
            raise DomainError(ErrorCode.APPOINTMENT_NOT_FOUND, "ticket")
        await self._end(appointment, AppointmentStatus.CHECKED_IN, "ticket", checked_in_at=self._clock())
        await self._publish(appointment, BookingUpdateKind.CHECKED_IN)
        return appointment

    async def mark_no_show(self, appointment: Appointment) -> Appointment:
        """The citizen did not come; the (past) place is not given back, the reminders stop."""
        await self._end(appointment, AppointmentStatus.NO_SHOW, "id")
        await self._publish(appointment, BookingUpdateKind.NO_SHOW)
        return appointment

    async def _book_once(
        self,
        citizen_id: int,
        centre: Centre,
        procedure_id: int,
        starts_at: datetime,
        day: date,
        dossier_id: int | None,
        acted_by: int | None = None,
    ) -> Appointment:
        """One booking transaction: claim, insert, schedule the reminders; a unique clash says which rule broke.

        On PostgreSQL the transaction is one statement (app/appointments/booking_statement.py).
        """
        ticket = _new_ticket()
        booking = Booking(
            citizen_id=citizen_id,
            centre_id=centre.id,
            procedure_id=procedure_id,
            starts_at=starts_at,
            day=day,
            ticket=ticket,
            default_capacity=default_capacity(centre.counters),
            dossier_id=dossier_id,
            acted_by=acted_by,
        )
        try:
            if booking_statement.available():
                return await self._book_in_one_statement(booking)
            async with in_transaction():
                await self._claim(centre, starts_at, day)
                appointment = await Appointment.create(**booking.appointment_fields())
                await self._schedule_reminders(appointment, starts_at)
        except IntegrityError:
            if await Appointment.exists(ticket=ticket):
                raise _TicketTaken from None
            raise DomainError(ErrorCode.TOO_MANY_BOOKINGS, "starts_at") from None
        except _NoRoom:
            raise await self._no_room(centre.id, day) from None
        return appointment

    async def _book_in_one_statement(self, booking: Booking) -> Appointment:
        outcome = await booking_statement.book_in_one_statement(booking, self._clock())
        if outcome.appointment is None:
            raise DomainError(ErrorCode.CENTRE_CLOSED if outcome.closed else ErrorCode.SLOT_FULL, "starts_at")
        return outcome.appointment

    async def _end(self, appointment: Appointment, status: AppointmentStatus, field: str, **changes) -> None:
        """Move a BOOKED appointment to `status` and cancel its reminders; APPOINTMENT_NOT_ACTIVE if not BOOKED.

        Cancelling gives the place back. Only CHECKED_IN keeps the day active (the citizen was served that day).
        The update also requires the slot `appointment` was read with: a booking moved meanwhile is refused rather
        than releasing a place and reminders it no longer holds.
        """
        active_day = appointment.local_day if status is AppointmentStatus.CHECKED_IN else None
        async with in_transaction():
            changed = await Appointment.filter(
                id=appointment.id, status=AppointmentStatus.BOOKED, starts_at=appointment.starts_at
            ).update(status=status, active_day=active_day, updated_at=self._clock(), **changes)
            if not changed:
                raise DomainError(ErrorCode.APPOINTMENT_NOT_ACTIVE, field)
            if status is AppointmentStatus.CANCELLED:
                await release_place(appointment.centre_id, appointment.starts_at)  # type: ignore[attr-defined]
            await cancel_reminders(appointment.id, appointment.starts_at)
        await appointment.refresh_from_db()

    async def _claim(self, centre: Centre, starts_at: datetime, day: date) -> None:
        if not await claim_place(centre.id, starts_at, day, default_capacity(centre.counters)):
            raise _NoRoom

    async def _no_room(self, centre_id: int, day: date) -> DomainError:
        """Why a claim was refused, asked after its transaction ended so that it holds no lock meanwhile."""
        return DomainError(
            ErrorCode.CENTRE_CLOSED if await is_closed(centre_id, day) else ErrorCode.SLOT_FULL, "starts_at"
        )

    async def _schedule_reminders(self, appointment: Appointment, starts_at: datetime) -> None:
        await schedule_reminders(
            appointment.id,
            appointment.citizen_id,  # type: ignore[attr-defined]
            appointment.centre_id,  # type: ignore[attr-defined]
            appointment.ticket,
            starts_at,
            self._clock(),
        )

    async def _centre(self, centre_id: int) -> Centre:
        hit, centre = self._centres.get(centre_id)
        if not hit:
            centre = await Centre.get_or_none(id=centre_id)
            if centre is not None:
                self._centres.put(centre_id, centre)
        if centre is None:
            raise DomainError(ErrorCode.CENTRE_NOT_FOUND, "centre_id")
        return centre

    async def _procedure(self, code: str) -> Procedure:
        key = code.strip()
        hit, procedure = self._procedures.get(key)
        if not hit:
            procedure = await Procedure.get_or_none(code=key)
            if procedure is not None:
                self._procedures.put(key, procedure)
        if procedure is None:
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_code")
        return procedure

    async def _check_eligible(self, citizen_id: int, procedure: Procedure, centre: Centre) -> None:
        """The centre may take the procedure for this citizen (as for filing a dossier there).

        Borderless procedures, most of the catalogue, go anywhere (`check_eligibility`) and cost no query.
        """
        if procedure.borderless:
            return
        residence = await Citizen.filter(id=citizen_id).first().values_list("residence_centre_id", flat=True)
        verdict = check_eligibility(procedure, centre, residence, await provincial_centre_id())
        if not verdict.eligible:
            reason = {"vi": verdict.reason_vi, "en": verdict.reason_en}
            raise DomainError(ErrorCode.CENTRE_NOT_ELIGIBLE, "centre_id", reason=reason)

    def _check_slot(self, centre: Centre, starts_at: datetime) -> date:
        """The slot's local date when `starts_at` is a slot of the centre's hours; a coded error otherwise.

        A manager's closure is checked by the claim itself, in the booking transaction.
        """
        now = self._clock()
        local = starts_at.astimezone(LOCAL_TZ)
        if starts_at < bookable_from(now):
            raise DomainError(ErrorCode.SLOT_IN_PAST, "starts_at")
        if local.date() > horizon_day(now):
            raise DomainError(ErrorCode.BEYOND_HORIZON, "starts_at")
        slots = day_slots(centre.opening_hours, local.date())
        if not slots:
            raise DomainError(ErrorCode.CENTRE_CLOSED, "starts_at")
        if local not in slots:
            raise DomainError(ErrorCode.NOT_A_SLOT, "starts_at")
        return local.date()

    async def _publish(self, appointment: Appointment, kind: BookingUpdateKind) -> None:
        message = {"appointmentId": appointment.id, "kind": kind.value, "ticket": appointment.ticket}
        await self._bus.publish(centre_bookings_channel(appointment.centre_id), message)  # type: ignore[attr-defined]
