"""Dossier queries, mutations and live subscriptions."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from functools import partial
from typing import Annotated

import strawberry
from strawberry import relay
from tortoise.expressions import Case, Q, When

from app.access_log.models import AccessKind
from app.accounts.identity import Viewer
from app.api.access_logging import log_staff_access, log_staff_access_soon
from app.api.arguments import Input, local_if_naive
from app.api.context import Info
from app.api.documents import DocumentAttachmentInput, attachments_of
from app.api.dossier_access import dossier_rights, dossier_to_change, visible_dossier
from app.api.dossier_inputs import ATTACHMENT_FIELDS, DossierFilingInput
from app.api.dossier_reference import NamesDossier
from app.api.dossier_types import (
    Apology,
    Dossier,
    DossierUpdate,
    PublicTimelineEvent,
    TimelineEvent,
    TrackedDossier,
    status_label,
)
from app.api.errors import UserError, coded_mutation, forbidden
from app.api.event_scope import SharedExecution, variables_text
from app.api.ids import database_id
from app.api.loaders import Loaders
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen, require_staff, require_staff_of, require_viewer
from app.api.shared_delivery import sent_to_group_member
from app.api.subscriptions import checked_messages, event_scope_of
from app.catalogue.models import localised_name
from app.dossiers import deadlines, models
from app.dossiers.lifecycle import FINISHED, PORTAL_CODES
from app.dossiers.models import ActorKind, DossierStatus
from app.dossiers.services import Actor, citizen_dossiers_channel, dossier_channel
from app.errors import ErrorCode

Code = Annotated[str, strawberry.argument(description="Dossier code, with or without dashes.")]


@strawberry.input(description="File a dossier online.")
class SubmitDossierInput(DossierFilingInput):
    pass


@strawberry.input(description="Withdraw one's own dossier.")
class WithdrawDossierInput(NamesDossier):
    note: str = strawberry.field(default="", description="Why (optional).")


@strawberry.input(description="Answer an open request for documents.")
class SupplyDocumentsInput(NamesDossier):
    documents: list[str] = strawberry.field(
        default_factory=list,
        description="Names of documents handed in otherwise (1 to 20; may be left empty when `attachments` are given).",
    )
    attachments: list[DocumentAttachmentInput] = strawberry.field(
        default_factory=list,
        description="Stored documents; one for each of the request's `requirementKeys` at least.",
    )
    note: str = strawberry.field(default="", description="Message to the centre (optional).")


@strawberry.input(description="Move a dossier to another status (staff of its centre).")
class UpdateDossierStatusInput(NamesDossier):
    status: DossierStatus = strawberry.field(description="The new status.")
    note: str = strawberry.field(default="", description="Shown in the timeline.")


@strawberry.input(description="Ask the citizen for documents; the processing clock stops meanwhile.")
class RequestSupplementInput(NamesDossier):
    items: list[str] = strawberry.field(description="Documents to supply (1 to 20).")
    requirement_keys: list[str] = strawberry.field(
        default_factory=list,
        description="The procedure's document requirements the citizen must attach (again), by key.",
    )
    deadline: datetime = strawberry.field(description="Supply by then (in the future).")
    note: str = strawberry.field(default="", description="Shown in the timeline.")


@strawberry.input(description="Apologise for a late dossier with a new promised date.")
class RecordApologyInput(NamesDossier):
    reason: str = strawberry.field(description="Why it is late.")
    promised_at: datetime = strawberry.field(description="The new promised date (in the future).")


@strawberry.type(description="Result of a dossier mutation.")
class DossierPayload:
    dossier: Dossier | None = strawberry.field(default=None, description="The dossier after the change.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `recordApology`.")
class RecordApologyPayload:
    apology: Apology | None = strawberry.field(default=None, description="The apology recorded.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="A status and how the national portal names it.")
class DossierStatusDescription:
    status: DossierStatus = strawberry.field(description="The status.")
    portal_code: str = strawberry.field(description="The national public service portal's code.")
    label: str = strawberry.field(description="In words, in the caller's language.")
    finished: bool = strawberry.field(description="No further processing happens in this status.")


@strawberry.type
class DossiersQuery:
    @strawberry.field(description="The signed-in citizen's dossiers, newest first.")
    async def my_dossiers(
        self,
        info: Info,
        status: Annotated[DossierStatus | None, strawberry.argument(description="Only this status.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Dossier]:
        viewer = require_citizen(info)
        queryset = models.Dossier.filter(citizen_id=viewer.id).order_by("-submitted_at", "-id")
        if status is not None:
            queryset = queryset.filter(status=status)
        return await paginate_queryset(info, queryset, first, after, Dossier.from_model)

    @strawberry.field(description="A dossier by code; null when unknown or not yours (citizens) or your centre's.")
    async def dossier(self, info: Info, code: Code) -> Dossier | None:
        require_viewer(info)
        found = await visible_dossier(info, code=code)
        if found is None:
            return None
        await log_staff_access(info, AccessKind.VIEWED_DOSSIER, [found])
        return Dossier.from_model(found)

    @strawberry.field(
        description="Public tracking with the code and the secret printed on the receipt; null when either is wrong."
    )
    async def track_dossier(
        self,
        info: Info,
        code: Code,
        secret: Annotated[str, strawberry.argument(description="The secret printed on the receipt.")],
    ) -> TrackedDossier | None:
        dossier = await info.context.services.dossiers.track(code, secret)
        if dossier is None:
            return None
        locale = info.context.locale
        procedure = await info.context.loaders.procedure_by_id.load(dossier.procedure_id)  # type: ignore[attr-defined]
        centre = await info.context.loaders.centre_by_id.load(dossier.handling_centre_id)  # type: ignore[attr-defined]
        events = await info.context.loaders.events_by_dossier.load(dossier.id)
        return TrackedDossier(
            code=dossier.code,
            status=dossier.status,
            portal_status=PORTAL_CODES[dossier.status],
            status_label=status_label(dossier.status, locale),
            procedure_name=localised_name(procedure.name_vi, procedure.name_en, locale),
            handling_centre_name=centre.name_vi,
            submitted_at=dossier.submitted_at,
            due_at=dossier.due_at,
            is_overdue=deadlines.is_overdue(dossier, info.context.services.clock()),
            timeline=[PublicTimelineEvent(status=event.to_status, at=event.created_at) for event in events],
        )

    @strawberry.field(
        description="Dossiers received or processed by a centre (its staff only), by due date (none last)."
    )
    async def centre_dossiers(
        self,
        info: Info,
        centre_id: Annotated[relay.GlobalID, strawberry.argument(description="The centre.")],
        status: Annotated[DossierStatus | None, strawberry.argument(description="Only this status.")] = None,
        overdue: Annotated[
            bool | None, strawberry.argument(description="Only unfinished dossiers past (true) or within (false) due.")
        ] = None,
        due_before: Annotated[datetime | None, strawberry.argument(description="Only dossiers due before.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Dossier]:
        centre = database_id(centre_id, "Centre")
        require_staff_of(info, centre)
        queryset = models.Dossier.filter(Q(handling_centre_id=centre) | Q(received_centre_id=centre))
        if status is not None:
            queryset = queryset.filter(status=status)
        if overdue is not None:
            now = info.context.services.clock()
            condition = deadlines.overdue_condition if overdue else deadlines.on_time_condition
            queryset = queryset.filter(condition(now))
        if due_before is not None:
            queryset = queryset.filter(due_at__lt=local_if_naive(due_before))
        ordered = queryset.annotate(undated=Case(When(due_at__isnull=True, then="1"), default="0")).order_by(
            "undated", "due_at", "id"
        )
        page = await paginate_queryset(info, ordered, first, after, Dossier.from_model)
        await log_staff_access(info, AccessKind.LISTED_DOSSIER, [edge.node.model for edge in page.edges])
        return page

    @strawberry.field(description="Every dossier status with its national portal code.")
    def dossier_statuses(self, info: Info) -> list[DossierStatusDescription]:
        return [
            DossierStatusDescription(
                status=status,
                portal_code=PORTAL_CODES[status],
                label=status_label(status, info.context.locale),
                finished=status in FINISHED,
            )
            for status in DossierStatus
        ]


def _staff_actor(viewer: Viewer) -> Actor:
    return Actor(ActorKind.STAFF, viewer.id)


@strawberry.type
class DossiersMutation:
    @coded_mutation(
        DossierPayload,
        description="File a dossier online with stored documents for its requirements; it waits for intake as "
        "RECEIVING. Document errors come one per requirement, with `field` `attachments.<requirementKey>`.",
        errors=[
            ErrorCode.PROCEDURE_NOT_FOUND,
            ErrorCode.CENTRE_NOT_FOUND,
            ErrorCode.CENTRE_NOT_ELIGIBLE,
            ErrorCode.INVALID_FORM_FIELD,
            ErrorCode.DOCUMENT_MISSING,
            ErrorCode.DOCUMENT_NOT_FOUND,
            ErrorCode.DOCUMENT_NOT_READY,
            ErrorCode.DOCUMENT_NOT_ACCEPTED,
            ErrorCode.UNKNOWN_REQUIREMENT,
        ],
        fields=ATTACHMENT_FIELDS,
    )
    async def submit_dossier(self, info: Info, input: Input[SubmitDossierInput]) -> DossierPayload:
        viewer = require_citizen(info)
        dossier = await info.context.services.dossiers.submit(
            viewer.id,
            input.procedure_code,
            database_id(input.centre_id, "Centre"),
            input.form_fields,
            attachments_of(input.attachments),
        )
        return DossierPayload(dossier=Dossier.from_model(dossier))

    @coded_mutation(
        DossierPayload,
        description="Withdraw one's own dossier before it is finished.",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.ILLEGAL_TRANSITION,
            ErrorCode.DOSSIER_CHANGED,
            ErrorCode.INVALID_NOTE,
        ],
    )
    async def withdraw_dossier(self, info: Info, input: Input[WithdrawDossierInput]) -> DossierPayload:
        viewer = require_citizen(info)
        dossier = await dossier_to_change(info, input.named_code())
        dossier = await info.context.services.dossiers.withdraw(dossier, viewer.id, input.note)
        return DossierPayload(dossier=Dossier.from_model(dossier))

    @coded_mutation(
        DossierPayload,
        description="Answer the open request for documents, attaching stored documents; processing resumes. "
        "Document errors come one per requirement, with `field` `attachments.<requirementKey>`.",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.NO_OPEN_SUPPLEMENT_REQUEST,
            ErrorCode.INVALID_SUPPLEMENT_ITEMS,
            ErrorCode.INVALID_NOTE,
            ErrorCode.DOSSIER_CHANGED,
            ErrorCode.DOCUMENT_MISSING,
            ErrorCode.DOCUMENT_NOT_FOUND,
            ErrorCode.DOCUMENT_NOT_READY,
            ErrorCode.DOCUMENT_NOT_ACCEPTED,
            ErrorCode.UNKNOWN_REQUIREMENT,
        ],
        fields=ATTACHMENT_FIELDS,
    )
    async def supply_documents(self, info: Info, input: Input[SupplyDocumentsInput]) -> DossierPayload:
        viewer = require_citizen(info)
        dossier = await dossier_to_change(info, input.named_code())
        dossier = await info.context.services.dossiers.supply_documents(
            dossier, viewer.id, input.documents, input.note, attachments_of(input.attachments)
        )
        return DossierPayload(dossier=Dossier.from_model(dossier))

    @coded_mutation(
        DossierPayload,
        description="Move a dossier of your centre to another status (legal transitions only).",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.ILLEGAL_TRANSITION,
            ErrorCode.DOSSIER_CHANGED,
            ErrorCode.INVALID_NOTE,
        ],
    )
    async def update_dossier_status(self, info: Info, input: Input[UpdateDossierStatusInput]) -> DossierPayload:
        viewer = require_staff(info)
        intake = input.status in (DossierStatus.RECEIVED, DossierStatus.DENIED)
        dossier = await dossier_to_change(info, input.named_code(), intake=intake)
        dossier = await info.context.services.dossiers.change_status(
            dossier, input.status, _staff_actor(viewer), input.note
        )
        return DossierPayload(dossier=Dossier.from_model(dossier))

    @coded_mutation(
        DossierPayload,
        description="Ask the citizen for documents; the clock stops until they supply them.",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.ILLEGAL_TRANSITION,
            ErrorCode.INVALID_SUPPLEMENT_ITEMS,
            ErrorCode.UNKNOWN_REQUIREMENT,
            ErrorCode.INVALID_DEADLINE,
            ErrorCode.INVALID_NOTE,
            ErrorCode.DOSSIER_CHANGED,
        ],
    )
    async def request_supplement(self, info: Info, input: Input[RequestSupplementInput]) -> DossierPayload:
        viewer = require_staff(info)
        dossier = await dossier_to_change(info, input.named_code())
        dossier = await info.context.services.dossiers.request_supplement(
            dossier, viewer.id, input.items, local_if_naive(input.deadline), input.note, input.requirement_keys
        )
        return DossierPayload(dossier=Dossier.from_model(dossier))

    @coded_mutation(
        RecordApologyPayload,
        description="Record an apology for a late dossier, with a new promised date.",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.DOSSIER_NOT_LATE,
            ErrorCode.INVALID_DEADLINE,
            ErrorCode.INVALID_NOTE,
        ],
    )
    async def record_apology(self, info: Info, input: Input[RecordApologyInput]) -> RecordApologyPayload:
        viewer = require_staff(info)
        dossier = await dossier_to_change(info, input.named_code())
        apology = await info.context.services.dossiers.record_apology(
            dossier, viewer.id, input.reason, local_if_naive(input.promised_at)
        )
        return RecordApologyPayload(apology=Apology.from_model(apology))


async def _updates(
    info: Info, authorize: Callable[[Info], Viewer], channel: str
) -> AsyncGenerator[DossierUpdate, None]:
    """Each message on `channel` as the caller may see it: read once per event, checked in memory per caller.

    A caller whose group already has its answer under way is sent that answer directly (`sent_to_group_member`).
    """
    variables = variables_text(info.variable_values)
    async for message in checked_messages(info, authorize, channel):
        scope = event_scope_of(info, message)
        dossier, event = await scope.once("dossier update", partial(_dossier_and_event, message, scope.loaders))
        rights = dossier_rights(info.context.viewer, dossier) if dossier is not None else None
        if rights is not None and not await sent_to_group_member(info, SharedExecution(scope, rights), variables):
            yield DossierUpdate(
                dossier=Dossier.from_model(dossier),
                event=TimelineEvent.from_model(event) if event else None,
                shared=SharedExecution(scope, rights),
            )


async def _dossier_and_event(
    message: dict, loaders: Loaders
) -> tuple[models.Dossier | None, models.DossierEvent | None]:
    """The dossier a message names, and its timeline event (None for changes other than a status change).

    Both come through the event's `loaders`, which messages handed on in the same turn share (see
    `app.api.event_scope`): their dossiers, with procedure and centres, and their timelines are read in one query
    each.
    """
    dossier = await loaders.dossier_by_id.load(message["dossierId"])
    event_id = message["eventId"]
    if not event_id or dossier is None:
        return dossier, None
    events = await loaders.events_by_dossier.load(dossier.id)  # the timeline's read too, when it is selected
    return dossier, next((event for event in events if event.id == event_id), None)


@strawberry.type
class DossiersSubscription:
    @strawberry.subscription(description="Changes of one dossier, for its owner or staff of its centres.")
    async def dossier_updated(self, info: Info, code: Code) -> AsyncGenerator[DossierUpdate, None]:
        require_viewer(info)
        dossier = await visible_dossier(info, code=code)
        if dossier is None:
            raise forbidden()
        log_staff_access_soon(info, AccessKind.VIEWED_DOSSIER, [dossier])
        async for update in _updates(info, require_viewer, dossier_channel(dossier.id)):
            yield update

    @strawberry.subscription(description="Changes of every dossier of the signed-in citizen.")
    async def my_dossier_updates(self, info: Info) -> AsyncGenerator[DossierUpdate, None]:
        viewer = require_citizen(info)
        async for update in _updates(info, require_citizen, citizen_dossiers_channel(viewer.id)):
            yield update
