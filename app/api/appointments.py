"""Appointment queries, mutations and the staff's live booking feed."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay
from tortoise.expressions import Q

from app.accounts.identity import Viewer
from app.accounts.models import StaffRole
from app.api.acting_for import ON_BEHALF_ERRORS, Acting, acting_for_person, appointment_acted_on
from app.api.arguments import Input, local_if_naive
from app.api.catalogue import Centre, Procedure
from app.api.context import Info
from app.api.dossier_reference import DOSSIER_FIELD
from app.api.enums import described_enum
from app.api.errors import UserError, coded_mutation, returns_user_errors
from app.api.ids import citizen_id, database_id, database_ids
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen, require_staff_of
from app.api.subscriptions import checked_messages
from app.appointments import models
from app.appointments.models import AppointmentStatus, BookingUpdateKind
from app.appointments.schedule import SLOT_LENGTH
from app.appointments.services import centre_bookings_channel, qr_payload
from app.delegation.models import GrantAction
from app.dossiers.codes import normalise_dossier_code
from app.dossiers.models import Dossier
from app.errors import DomainError, ErrorCode

described_enum(
    AppointmentStatus,
    "AppointmentStatus",
    "Where an appointment stands.",
    {
        AppointmentStatus.BOOKED: "A place is held for the citizen.",
        AppointmentStatus.CANCELLED: "Cancelled by the citizen; the place was freed.",
        AppointmentStatus.CHECKED_IN: "The citizen arrived and the centre scanned the ticket.",
        AppointmentStatus.NO_SHOW: "The centre recorded that the citizen did not come.",
    },
)

described_enum(
    BookingUpdateKind,
    "BookingUpdateKind",
    "What happened to a booking, in the centre's live feed.",
    {
        BookingUpdateKind.BOOKED: "A citizen booked a slot.",
        BookingUpdateKind.CANCELLED: "The citizen cancelled; the place is free again.",
        BookingUpdateKind.RESCHEDULED: "The citizen moved the booking; `startsAt` is the new slot.",
        BookingUpdateKind.CHECKED_IN: "Staff checked the citizen in.",
        BookingUpdateKind.NO_SHOW: "Staff recorded that the citizen did not come.",
    },
)

CentreId = Annotated[relay.GlobalID, strawberry.argument(description="The centre's ID.")]


@strawberry.type(description="A booked visit to a centre, seen by its citizen or by staff of the centre.")
class Appointment(relay.Node):
    id: relay.NodeID[int]
    model: strawberry.Private[models.Appointment]

    @strawberry.field(description="Short code the citizen shows at the centre.")
    def ticket(self) -> str:
        return self.model.ticket

    @strawberry.field(description="Text to render as a QR code for the centre's scanner.")
    def qr_payload(self) -> str:
        return qr_payload(self.model.ticket)

    @strawberry.field(description="Where the appointment stands.")
    def status(self) -> AppointmentStatus:
        return self.model.status

    @strawberry.field(description="Slot start.")
    def starts_at(self) -> datetime:
        return self.model.starts_at

    @strawberry.field(description="Slot end (slots are 30 minutes long).")
    def ends_at(self) -> datetime:
        return self.model.starts_at + SLOT_LENGTH

    @strawberry.field(description="When the centre checked the citizen in; null until then.")
    def checked_in_at(self) -> datetime | None:
        return self.model.checked_in_at

    @strawberry.field(description="When it was booked.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="The delegate (a Citizen ID) who booked it for the citizen; null when they did.")
    def acted_by(self) -> relay.GlobalID | None:
        return citizen_id(self.model.acted_by_id)  # type: ignore[attr-defined]

    @strawberry.field(description="The centre's ID (also in `centre`).")
    def centre_id(self) -> relay.GlobalID:
        return relay.GlobalID("Centre", str(self.model.centre_id))  # type: ignore[attr-defined]

    @strawberry.field(description="The centre to visit.")
    async def centre(self, info: Info) -> Centre:
        centre = await info.context.loaders.centre_by_id.load(self.model.centre_id)  # type: ignore[attr-defined]
        return Centre.from_model(centre)

    @strawberry.field(description="National code of the procedure (also in `procedure`).")
    async def procedure_code(self, info: Info) -> str:
        procedure = await info.context.loaders.procedure_by_id.load(self.model.procedure_id)  # type: ignore[attr-defined]
        return procedure.code

    @strawberry.field(description="The procedure the visit is for.")
    async def procedure(self, info: Info) -> Procedure:
        procedure = await info.context.loaders.procedure_by_id.load(self.model.procedure_id)  # type: ignore[attr-defined]
        return Procedure.from_model(procedure)

    @classmethod
    def from_model(cls, appointment: models.Appointment) -> Appointment:
        return cls(id=appointment.id, model=appointment)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list:
        ids = database_ids(list(node_ids))
        found = {row.id: row for row in await models.Appointment.filter(id__in=[pk for pk in ids if pk])}
        visible = {pk: row for pk, row in found.items() if _may_see(info, row)}
        return [cls.from_model(visible[pk]) if pk in visible else None for pk in ids]


def _may_see(info: Info, appointment: models.Appointment) -> bool:
    """The citizen who booked it, and staff of its centre."""
    viewer = info.context.viewer
    if viewer is None:
        return False
    if viewer.is_citizen:
        return viewer.id == appointment.citizen_id  # type: ignore[attr-defined]
    return viewer.works_at(appointment.centre_id)  # type: ignore[attr-defined]


@strawberry.type(description="A bookable slot with places left.")
class AppointmentSlot:
    starts_at: datetime = strawberry.field(description="Slot start (30 minutes long).")
    remaining: int = strawberry.field(description="Places left.")
    capacity: int = strawberry.field(description="Places in the slot.")


@strawberry.type(description="Result of `availableSlots`.")
class AvailableSlotsPayload:
    slots: list[AppointmentSlot] = strawberry.field(default_factory=list, description="Slots, earliest first.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="`CENTRE_NOT_FOUND`, `PROCEDURE_NOT_FOUND`; a bad range is a top-level `BAD_USER_INPUT`.",
    )


@strawberry.type(description="Result of an appointment mutation.")
class AppointmentPayload:
    appointment: Appointment | None = strawberry.field(default=None, description="The appointment after the change.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `addCentreClosure` and `setCentreCapacity`.")
class CentreSchedulePayload:
    ok: bool = strawberry.field(default=False, description="True when the change was recorded.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="A change of a booking at the centre.")
class BookingUpdate:
    kind: BookingUpdateKind = strawberry.field(description="What happened.")
    appointment: Appointment = strawberry.field(description="The appointment as it is now.")


@strawberry.input(description="Book a slot at a centre.")
class BookAppointmentInput:
    centre_id: relay.GlobalID = strawberry.field(description="The centre's ID.")
    procedure_code: str = strawberry.field(description="National code of the procedure.")
    starts_at: datetime = strawberry.field(description="Slot start from `availableSlots` (no offset = local time).")
    dossier_code: str | None = strawberry.field(
        default=None, description="One's own dossier to bring, or the represented person's (optional)."
    )
    on_behalf_of: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Book for the person you represent with a BOOK grant (their Citizen ID, as in `myDelegations`); "
        "null books for yourself. The appointment is theirs, records you, and they are told.",
    )


@strawberry.input(description="Cancel one's own appointment, or one of a person one represents with BOOK.")
class CancelAppointmentInput:
    id: relay.GlobalID = strawberry.field(description="The appointment's ID.")


@strawberry.input(description="Move one's own appointment (or a represented person's, with BOOK) to another slot.")
class RescheduleAppointmentInput:
    id: relay.GlobalID = strawberry.field(description="The appointment's ID.")
    starts_at: datetime = strawberry.field(description="The new slot start (no offset = local time).")


@strawberry.input(description="Check a citizen in at your centre.")
class CheckInAppointmentInput:
    centre_id: relay.GlobalID = strawberry.field(description="Your centre's ID.")
    ticket: str = strawberry.field(description="The ticket code or the scanned QR payload.")


@strawberry.input(description="Record that a citizen did not come.")
class MarkNoShowInput:
    id: relay.GlobalID = strawberry.field(description="The appointment's ID.")


@strawberry.input(description="Close a centre for appointments on one date (managers).")
class AddCentreClosureInput:
    centre_id: relay.GlobalID = strawberry.field(description="The centre's ID.")
    date: date = strawberry.field(description="The closed date (local).")
    reason: str = strawberry.field(default="", description="Why (shown to staff).")


@strawberry.input(description="Set the places per slot of a centre (managers).")
class SetCentreCapacityInput:
    centre_id: relay.GlobalID = strawberry.field(description="The centre's ID.")
    per_slot: int = strawberry.field(description="Places per 30-minute slot, 0 to 100.")


async def _dossier_of(owner_id: int, code: str) -> Dossier:
    """The dossier `code` of the appointment's citizen; DOSSIER_NOT_FOUND otherwise."""
    canonical = normalise_dossier_code(code)
    dossier = await Dossier.get_or_none(code=canonical, citizen_id=owner_id) if canonical else None
    if dossier is None:
        raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, "dossier")
    return dossier


async def _record(info: Info, acting: Acting, appointment: models.Appointment, dossier: Dossier | None = None) -> None:
    await acting.record(
        info, GrantAction.BOOK, dossier=dossier, subject=f"appointment:{appointment.id}", reference=appointment.ticket
    )


@strawberry.type
class AppointmentsQuery:
    @strawberry.field(description="Slots of a centre with places left, honouring 2 hours' notice and 30 days ahead.")
    @returns_user_errors(AvailableSlotsPayload)
    async def available_slots(
        self,
        info: Info,
        centre_id: CentreId,
        procedure_code: Annotated[str, strawberry.argument(description="National code of the procedure.")],
        from_: Annotated[date, strawberry.argument(name="from", description="First local date.")],
        days: Annotated[int, strawberry.argument(description="How many dates, 1 to 31.")] = 7,
    ) -> AvailableSlotsPayload:
        slots = await info.context.services.appointments.available_slots(
            database_id(centre_id, "Centre"), procedure_code, from_, days
        )
        return AvailableSlotsPayload(
            slots=[AppointmentSlot(starts_at=s.starts_at, remaining=s.remaining, capacity=s.capacity) for s in slots]
        )

    @strawberry.field(description="Appointments of your centre on one local date, earliest first (its staff).")
    async def centre_appointments(
        self,
        info: Info,
        centre_id: CentreId,
        date: Annotated[date, strawberry.argument(description="The local date.")],
        status: Annotated[
            AppointmentStatus | None, strawberry.argument(description="Only this status (default: all).")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Appointment]:
        centre = database_id(centre_id, "Centre")
        require_staff_of(info, centre)
        queryset = models.Appointment.filter(centre_id=centre, local_day=date).order_by("starts_at", "id")
        if status is not None:
            queryset = queryset.filter(status=status)
        return await paginate_queryset(info, queryset, first, after, Appointment.from_model)

    @strawberry.field(description="The signed-in citizen's appointments.")
    async def my_appointments(
        self,
        info: Info,
        upcoming: Annotated[
            bool | None,
            strawberry.argument(
                description="True: booked ones not yet started, earliest first. False: the others, latest first. "
                "Omitted: all, latest first."
            ),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Appointment]:
        viewer = require_citizen(info)
        queryset = models.Appointment.filter(citizen_id=viewer.id)
        now = info.context.services.clock()
        booked_ahead = Q(status=AppointmentStatus.BOOKED, starts_at__gte=now)
        if upcoming:
            queryset = queryset.filter(booked_ahead).order_by("starts_at", "id")
        else:
            if upcoming is False:
                queryset = queryset.filter(~booked_ahead)
            queryset = queryset.order_by("-starts_at", "-id")
        return await paginate_queryset(info, queryset, first, after, Appointment.from_model)


@strawberry.type
class AppointmentsMutation:
    @coded_mutation(
        AppointmentPayload,
        description="Book a slot: one active booking per procedure and day. With `onBehalfOf`, a delegate books for "
        "the person represented.",
        errors=[
            *ON_BEHALF_ERRORS,
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.CENTRE_NOT_FOUND,
            ErrorCode.PROCEDURE_NOT_FOUND,
            ErrorCode.CENTRE_NOT_ELIGIBLE,
            ErrorCode.SLOT_IN_PAST,
            ErrorCode.BEYOND_HORIZON,
            ErrorCode.CENTRE_CLOSED,
            ErrorCode.NOT_A_SLOT,
            ErrorCode.SLOT_FULL,
            ErrorCode.TOO_MANY_BOOKINGS,
        ],
        fields=DOSSIER_FIELD,
    )
    async def book_appointment(self, info: Info, input: Input[BookAppointmentInput]) -> AppointmentPayload:
        acting = await acting_for_person(info, input.on_behalf_of, input.procedure_code, GrantAction.BOOK)
        dossier = await _dossier_of(acting.owner_id, input.dossier_code) if input.dossier_code else None
        appointment = await info.context.services.appointments.book(
            acting.owner_id,
            database_id(input.centre_id, "Centre"),
            input.procedure_code,
            local_if_naive(input.starts_at),
            dossier.id if dossier else None,
            acting.acted_by,
        )
        await _record(info, acting, appointment, dossier)
        return AppointmentPayload(appointment=Appointment.from_model(appointment))

    @coded_mutation(
        AppointmentPayload,
        description="Cancel one's own appointment (or, with BOOK, the represented person's); the place is freed.",
        errors=[ErrorCode.APPOINTMENT_NOT_FOUND, ErrorCode.APPOINTMENT_NOT_ACTIVE, *ON_BEHALF_ERRORS],
    )
    async def cancel_appointment(self, info: Info, input: Input[CancelAppointmentInput]) -> AppointmentPayload:
        appointment, acting = await appointment_acted_on(info, input.id)
        appointment = await info.context.services.appointments.cancel(appointment)
        await _record(info, acting, appointment)
        return AppointmentPayload(appointment=Appointment.from_model(appointment))

    @coded_mutation(
        AppointmentPayload,
        description="Move one's own appointment (or, with BOOK, the represented person's); on failure the old booking "
        "stays.",
        errors=[
            *ON_BEHALF_ERRORS,
            ErrorCode.APPOINTMENT_NOT_FOUND,
            ErrorCode.APPOINTMENT_NOT_ACTIVE,
            ErrorCode.CENTRE_NOT_FOUND,
            ErrorCode.PROCEDURE_NOT_FOUND,
            ErrorCode.CENTRE_NOT_ELIGIBLE,
            ErrorCode.SLOT_IN_PAST,
            ErrorCode.BEYOND_HORIZON,
            ErrorCode.CENTRE_CLOSED,
            ErrorCode.NOT_A_SLOT,
            ErrorCode.SLOT_FULL,
            ErrorCode.TOO_MANY_BOOKINGS,
        ],
    )
    async def reschedule_appointment(self, info: Info, input: Input[RescheduleAppointmentInput]) -> AppointmentPayload:
        appointment, acting = await appointment_acted_on(info, input.id)
        appointment = await info.context.services.appointments.reschedule(appointment, local_if_naive(input.starts_at))
        await _record(info, acting, appointment)
        return AppointmentPayload(appointment=Appointment.from_model(appointment))

    @coded_mutation(
        AppointmentPayload,
        description="Check in the holder of a ticket at your centre (staff).",
        errors=[ErrorCode.APPOINTMENT_NOT_FOUND, ErrorCode.APPOINTMENT_NOT_ACTIVE],
    )
    async def check_in_appointment(self, info: Info, input: Input[CheckInAppointmentInput]) -> AppointmentPayload:
        centre = database_id(input.centre_id, "Centre")
        require_staff_of(info, centre)
        appointment = await info.context.services.appointments.check_in(centre, input.ticket)
        return AppointmentPayload(appointment=Appointment.from_model(appointment))

    @coded_mutation(
        AppointmentPayload,
        description="Record that the citizen did not come (staff of the centre).",
        errors=[ErrorCode.APPOINTMENT_NOT_FOUND, ErrorCode.APPOINTMENT_NOT_ACTIVE],
    )
    async def mark_no_show(self, info: Info, input: Input[MarkNoShowInput]) -> AppointmentPayload:
        appointment = await models.Appointment.get_or_none(id=database_id(input.id, "Appointment"))
        if appointment is None:
            raise DomainError(ErrorCode.APPOINTMENT_NOT_FOUND, "id")
        require_staff_of(info, appointment.centre_id)  # type: ignore[attr-defined]
        appointment = await info.context.services.appointments.mark_no_show(appointment)
        return AppointmentPayload(appointment=Appointment.from_model(appointment))

    @coded_mutation(
        CentreSchedulePayload,
        description="Close your centre for appointments on one date (managers).",
        errors=[ErrorCode.CENTRE_NOT_FOUND],
    )
    async def add_centre_closure(self, info: Info, input: Input[AddCentreClosureInput]) -> CentreSchedulePayload:
        centre = database_id(input.centre_id, "Centre")
        require_staff_of(info, centre, StaffRole.MANAGER, StaffRole.ADMIN)
        await info.context.services.appointments.add_closure(centre, input.date, input.reason)
        return CentreSchedulePayload(ok=True)

    @coded_mutation(
        CentreSchedulePayload,
        description="Set the places per slot of your centre (managers).",
        errors=[ErrorCode.CENTRE_NOT_FOUND, ErrorCode.INVALID_CAPACITY],
    )
    async def set_centre_capacity(self, info: Info, input: Input[SetCentreCapacityInput]) -> CentreSchedulePayload:
        centre = database_id(input.centre_id, "Centre")
        require_staff_of(info, centre, StaffRole.MANAGER, StaffRole.ADMIN)
        await info.context.services.appointments.set_capacity(centre, input.per_slot)
        return CentreSchedulePayload(ok=True)


@strawberry.type
class AppointmentsSubscription:
    @strawberry.subscription(description="Bookings, cancellations, moves and check-ins at a centre (its staff).")
    async def centre_bookings(self, info: Info, centre_id: CentreId) -> AsyncGenerator[BookingUpdate, None]:
        centre = database_id(centre_id, "Centre")

        def staff_of_centre(info: Info) -> Viewer:
            return require_staff_of(info, centre)

        async for message in checked_messages(info, staff_of_centre, centre_bookings_channel(centre)):
            appointment = await models.Appointment.get_or_none(id=message["appointmentId"], centre_id=centre)
            if appointment is not None:
                yield BookingUpdate(
                    kind=BookingUpdateKind(message["kind"]), appointment=Appointment.from_model(appointment)
                )
