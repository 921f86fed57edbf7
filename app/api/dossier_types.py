"""GraphQL types of dossiers: the full view for owners and staff, and the limited public tracking view."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app.access_log.models import AccessKind
from app.api.access_logging import log_staff_access
from app.api.catalogue import Centre, Procedure
from app.api.context import Info
from app.api.documents import DossierDocument
from app.api.dossier_access import visible_dossier
from app.api.enums import described_enum
from app.api.event_scope import SharedExecution
from app.api.ids import citizen_id, database_ids
from app.api.payment_types import Fee, Payment, Receipt, dossier_fee, dossier_receipt
from app.api.results import DossierResult
from app.documents.models import DossierDocument as DossierDocumentModel
from app.dossiers import deadlines, models
from app.dossiers.lifecycle import PORTAL_CODES, STATUS_LABELS
from app.dossiers.models import ActorKind, DossierStatus

described_enum(
    DossierStatus,
    "DossierStatus",
    "Lifecycle status of a dossier; `portalStatus` gives the national portal's code for each.",
    {status: f"{en} (portal: {PORTAL_CODES[status]})." for status, (_, en) in STATUS_LABELS.items()},
)
described_enum(
    ActorKind,
    "ActorKind",
    "Who made a change.",
    {
        ActorKind.CITIZEN: "The citizen.",
        ActorKind.STAFF: "Centre staff.",
        ActorKind.SYSTEM: "The system (e.g. a payment).",
    },
)


def status_label(status: DossierStatus, locale: str) -> str:
    vi, en = STATUS_LABELS[status]
    return en if locale == "en" else vi


@strawberry.type(description="One step of a dossier's timeline.")
class TimelineEvent:
    from_status: DossierStatus | None = strawberry.field(description="Status before; null for the submission.")
    to_status: DossierStatus = strawberry.field(description="Status after.")
    actor: ActorKind = strawberry.field(description="Who made the change.")
    note: str = strawberry.field(description="Note written with the change (may be empty).")
    at: datetime = strawberry.field(description="When it happened.")
    acted_by: relay.GlobalID | None = strawberry.field(
        description="The delegate (a Citizen ID) who made the change for the dossier's owner; null otherwise."
    )

    @classmethod
    def from_model(cls, event: models.DossierEvent) -> TimelineEvent:
        return cls(
            from_status=event.from_status,
            to_status=event.to_status,
            actor=event.actor_kind,
            note=event.note,
            at=event.created_at,
            acted_by=citizen_id(event.acted_by_id),  # type: ignore[attr-defined]
        )


@strawberry.type(description="A public timeline step: no names, no notes.")
class PublicTimelineEvent:
    status: DossierStatus = strawberry.field(description="Status reached.")
    at: datetime = strawberry.field(description="When.")


@strawberry.type(description="Working time left before the due date, like the portal's 'còn 2 ngày 3 giờ'.")
class TimeRemaining:
    days: int = strawberry.field(description="Whole working days.")
    hours: int = strawberry.field(description="Hours beyond the whole days.")
    overdue: bool = strawberry.field(description="True when the time is past the due date (then it counts lateness).")
    paused: bool = strawberry.field(description="The clock is stopped while documents are requested.")
    text: str = strawberry.field(description="Ready to show, in the caller's language.")


@strawberry.type(description="Staff asked for more documents; the processing clock stops until they are supplied.")
class SupplementRequest:
    items: list[str] = strawberry.field(description="Documents to supply.")
    deadline: datetime = strawberry.field(description="Supply them by then.")
    requested_at: datetime = strawberry.field(description="When staff asked.")
    supplied_at: datetime | None = strawberry.field(description="When the citizen supplied; null while open.")
    supplied_documents: list[str] = strawberry.field(description="What the citizen said they supplied.")
    requirement_keys: list[str] = strawberry.field(
        description="The procedure's document requirements to supply (again), by key: attach a document for each."
    )

    @classmethod
    def from_model(cls, request: models.SupplementRequest) -> SupplementRequest:
        return cls(
            requirement_keys=list(request.requirement_keys),
            items=list(request.items),
            deadline=request.deadline,
            requested_at=request.created_at,
            supplied_at=request.supplied_at,
            supplied_documents=list(request.supplied_documents),
        )


@strawberry.type(description="A centre's apology for a late dossier, with a new promised date.")
class Apology:
    reason: str = strawberry.field(description="Why the dossier is late.")
    promised_at: datetime = strawberry.field(description="The new date the result is promised for.")
    created_at: datetime = strawberry.field(description="When the apology was issued.")

    @classmethod
    def from_model(cls, apology: models.Apology) -> Apology:
        return cls(reason=apology.reason, promised_at=apology.promised_at, created_at=apology.created_at)


@strawberry.type(description="A dossier (application), seen by its owner or by staff of its centres.")
class Dossier(relay.Node):
    id: relay.NodeID[int]
    model: strawberry.Private[models.Dossier]

    @strawberry.field(description="Human-readable code with a check digit, e.g. 2611-4827-3913.")
    def code(self) -> str:
        return self.model.code

    @strawberry.field(description="Secret printed on the receipt: with the code, it opens `trackDossier`.")
    def tracking_secret(self) -> str:
        return self.model.tracking_secret

    @strawberry.field(description="Current status.")
    def status(self) -> DossierStatus:
        return self.model.status

    @strawberry.field(description="The national public service portal's code for the status.")
    def portal_status(self) -> str:
        return PORTAL_CODES[self.model.status]

    @strawberry.field(description="The status in words, in the caller's language.")
    def status_label(self, info: Info) -> str:
        return status_label(self.model.status, info.context.locale)

    @strawberry.field(description="The procedure applied for.")
    async def procedure(self, info: Info) -> Procedure:
        return Procedure.from_model(await info.context.loaders.procedure_by_id.load(self.model.procedure_id))

    @strawberry.field(description="The centre that received the dossier.")
    async def received_centre(self, info: Info) -> Centre:
        return Centre.from_model(await info.context.loaders.centre_by_id.load(self.model.received_centre_id))

    @strawberry.field(description="The unit that processes it (may differ: borderless intake).")
    async def handling_centre(self, info: Info) -> Centre:
        return Centre.from_model(await info.context.loaders.centre_by_id.load(self.model.handling_centre_id))

    @strawberry.field(description="The answers of the online form.")
    def form_fields(self) -> JSON:
        return self.model.form_data

    @strawberry.field(description="Fee due in dong; null when the fee is not known.")
    def fee_vnd(self) -> int | None:
        return self.model.fee_vnd

    @strawberry.field(description="Submitted online at.")
    def submitted_at(self) -> datetime:
        return self.model.submitted_at

    @strawberry.field(description="Received (intake accepted) at; the clock starts then.")
    def received_at(self) -> datetime | None:
        return self.model.received_at

    @strawberry.field(description="Due date; null before intake or when the processing time is not known.")
    def due_at(self) -> datetime | None:
        return self.model.due_at

    @strawberry.field(description="When the result was ready or the dossier closed without one.")
    def finished_at(self) -> datetime | None:
        return self.model.finished_at

    @strawberry.field(description="Working time left (or overdue by); null when there is no due date or it is done.")
    def time_remaining(self, info: Info) -> TimeRemaining | None:
        left = deadlines.time_left(self.model, info.context.services.clock())
        if left is None:
            return None
        return TimeRemaining(
            days=left.days,
            hours=left.hours,
            overdue=left.overdue,
            paused=deadlines.is_paused(self.model),
            text=left.text(info.context.locale),
        )

    @strawberry.field(description="Past its due date (while processing, or finished late).")
    def is_overdue(self, info: Info) -> bool:
        return deadlines.is_overdue(self.model, info.context.services.clock())

    @strawberry.field(description="The result was ready before the due date's day.")
    def finished_early(self) -> bool:
        return deadlines.finished_early(self.model)

    @strawberry.field(description="Every status change, oldest first.")
    async def timeline(self, info: Info) -> list[TimelineEvent]:
        events = await info.context.loaders.events_by_dossier.load(self.model.id)
        return [TimelineEvent.from_model(event) for event in events]

    @strawberry.field(description="Documents attached for the procedure's requirements, oldest first.")
    async def documents(self) -> list[DossierDocument]:
        attachments = DossierDocumentModel.filter(dossier_id=self.model.id).select_related("document").order_by("id")
        return [DossierDocument.from_model(attachment) for attachment in await attachments]

    @strawberry.field(description="Requests for documents, oldest first.")
    async def supplement_requests(self, info: Info) -> list[SupplementRequest]:
        requests = await info.context.loaders.supplements_by_dossier.load(self.model.id)
        return [SupplementRequest.from_model(request) for request in requests]

    @strawberry.field(description="Apologies for lateness, oldest first; the last one holds the current promise.")
    async def apologies(self, info: Info) -> list[Apology]:
        apologies = await info.context.loaders.apologies_by_dossier.load(self.model.id)
        return [Apology.from_model(apology) for apology in apologies]

    @strawberry.field(description="The fee due now, line by line; null when the fee is not known.")
    async def fee(self, info: Info) -> Fee | None:
        return await dossier_fee(self.model, info.context.locale)

    @strawberry.field(description="Attempts to pay the fee, oldest first.")
    async def payments(self, info: Info) -> list[Payment]:
        return [Payment.from_model(p) for p in await info.context.loaders.payments_by_dossier.load(self.model.id)]

    @strawberry.field(description="The e-receipt, once the fee is paid.")
    async def receipt(self, info: Info) -> Receipt | None:
        return await dossier_receipt(self.model, info.context.locale)

    @strawberry.field(description="Signed e-results, oldest first; each is also in the citizen's document store.")
    async def results(self, info: Info) -> list[DossierResult]:
        return [DossierResult.from_model(r) for r in await info.context.loaders.results_by_dossier.load(self.model.id)]

    @classmethod
    def from_model(cls, dossier: models.Dossier) -> Dossier:
        return cls(id=dossier.id, model=dossier)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list:
        found = [await visible_dossier(info, dossier_id=pk) if pk else None for pk in database_ids(list(node_ids))]
        await log_staff_access(info, AccessKind.VIEWED_DOSSIER, [dossier for dossier in found if dossier])
        return [cls.from_model(dossier) if dossier else None for dossier in found]


@strawberry.type(description="What anyone holding the receipt may see: no personal data.")
class TrackedDossier:
    code: str = strawberry.field(description="The dossier code.")
    status: DossierStatus = strawberry.field(description="Current status.")
    portal_status: str = strawberry.field(description="The national portal's code for the status.")
    status_label: str = strawberry.field(description="The status in words, in the caller's language.")
    procedure_name: str = strawberry.field(description="The procedure, in the caller's language.")
    handling_centre_name: str = strawberry.field(description="The unit processing it.")
    submitted_at: datetime = strawberry.field(description="Submitted at.")
    due_at: datetime | None = strawberry.field(description="Due date, when known.")
    is_overdue: bool = strawberry.field(description="Past its due date.")
    timeline: list[PublicTimelineEvent] = strawberry.field(description="Statuses reached, oldest first.")


@strawberry.type(description="A dossier changed: read it again.")
class DossierUpdate:
    dossier: Dossier = strawberry.field(description="The dossier as it is now.")
    event: TimelineEvent | None = strawberry.field(description="The status change, null for other changes (apology).")
    # subscribers of one event with the same rights share one execution of each selection
    shared: strawberry.Private[SharedExecution | None] = None
