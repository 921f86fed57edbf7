"""Acting for someone: grants between citizens (and recorded by staff), and filing and tracking for the person
represented, with who acted for whom on every record."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay
from tortoise.expressions import Q

from app.api.acting_for import ON_BEHALF_ERRORS
from app.api.arguments import Input, local_if_naive
from app.api.context import Info
from app.api.documents import attachments_of
from app.api.dossier_inputs import ATTACHMENT_FIELDS, DossierFilingInput
from app.api.dossier_types import Dossier
from app.api.enums import described_enum
from app.api.errors import UserError, coded_mutation
from app.api.ids import database_id
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen, require_staff
from app.delegation import models
from app.delegation.models import GrantAction, GrantKind, GrantState
from app.delegation.services import GrantTerms
from app.errors import DomainError, ErrorCode

described_enum(
    GrantKind,
    "DelegationKind",
    "The relation between the person represented and the delegate.",
    {
        GrantKind.FAMILY: "A family member.",
        GrantKind.GUARDIAN: "Legal representative or guardian (minors, persons under guardianship): staff only.",
        GrantKind.CUSTOM: "Anyone else the citizen chooses.",
    },
)
described_enum(
    GrantAction,
    "DelegationAction",
    "What a delegate may do for the person represented.",
    {
        GrantAction.FILE: "File dossiers (`fileDossierFor`).",
        GrantAction.TRACK: "Track their dossiers (`representedDossiers`, `dossier(code)`, `node`).",
        GrantAction.PAY: "Pay fees (`createFeeCheckout`).",
        GrantAction.BOOK: "Book, move and cancel appointments (`bookAppointment` with `onBehalfOf`).",
        GrantAction.RATE: "Rate dossiers (`rateDossier`).",
    },
)
described_enum(
    GrantState,
    "DelegationState",
    "Where a grant stands; past `endsAt` it no longer works whatever its state.",
    {
        GrantState.REQUESTED: "Waiting for the delegate to accept.",
        GrantState.ACTIVE: "Accepted (or recorded by staff): the delegate may act.",
        GrantState.ENDED: "Ended by either side.",
    },
)


@strawberry.type(description="The right of one citizen (the delegate) to act for another (the person represented).")
class Delegation:
    id: relay.GlobalID = strawberry.field(description="The grant's ID.")
    represented_id: relay.GlobalID = strawberry.field(description="The person represented (a Citizen ID).")
    represented_phone: str = strawberry.field(description="Their phone number.")
    delegate_id: relay.GlobalID = strawberry.field(description="The delegate (a Citizen ID).")
    delegate_phone: str = strawberry.field(description="The delegate's phone number.")
    kind: GrantKind = strawberry.field(description="The relation.")
    actions: list[GrantAction] = strawberry.field(description="What it covers.")
    procedure_codes: list[str] = strawberry.field(description="Procedures covered; empty for all.")
    state: GrantState = strawberry.field(description="Where it stands.")
    ends_at: datetime = strawberry.field(description="It stops working then.")
    recorded_by_staff: bool = strawberry.field(description="Recorded by centre staff from papers.")
    created_at: datetime = strawberry.field(description="When it was asked for or recorded.")

    @classmethod
    def from_model(cls, grant: models.Grant) -> Delegation:
        """Needs `grantor` and `delegate` fetched."""
        return cls(
            id=relay.GlobalID("Delegation", str(grant.id)),
            represented_id=relay.GlobalID("Citizen", str(grant.grantor.id)),
            represented_phone=grant.grantor.phone,
            delegate_id=relay.GlobalID("Citizen", str(grant.delegate.id)),
            delegate_phone=grant.delegate.phone,
            kind=grant.kind,
            actions=[GrantAction(action) for action in grant.actions],
            procedure_codes=list(grant.procedure_codes),
            state=grant.state,
            ends_at=grant.ends_at,
            recorded_by_staff=grant.recorded_by_id is not None,  # type: ignore[attr-defined]
            created_at=grant.created_at,
        )

    @classmethod
    async def load(cls, grant: models.Grant) -> Delegation:
        await grant.fetch_related("grantor", "delegate")
        return cls.from_model(grant)


@strawberry.type(description="One action a delegate took: who acted, for whom.")
class DelegatedAction:
    action: GrantAction = strawberry.field(description="What was done.")
    delegate_id: relay.GlobalID = strawberry.field(description="Who acted (a Citizen ID).")
    represented_id: relay.GlobalID = strawberry.field(description="For whom (a Citizen ID).")
    subject: str = strawberry.field(description="What it was about, e.g. `dossier:7`.")
    at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, row: models.DelegatedAction) -> DelegatedAction:
        return cls(
            action=row.action,
            delegate_id=relay.GlobalID("Citizen", str(row.delegate_id)),  # type: ignore[attr-defined]
            represented_id=relay.GlobalID("Citizen", str(row.represented_id)),  # type: ignore[attr-defined]
            subject=row.subject,
            at=row.created_at,
        )


@strawberry.input(description="What a grant covers and until when.")
class DelegationTermsInput:
    kind: GrantKind = strawberry.field(description="The relation (GUARDIAN: staff only).")
    actions: list[GrantAction] = strawberry.field(description="What it covers (at least one).")
    procedure_codes: list[str] = strawberry.field(default_factory=list, description="Procedures; empty for all.")
    ends_at: datetime = strawberry.field(description="When it stops (in the future, at most 5 years ahead).")


@strawberry.input(description="Ask another citizen to act for you; they accept it.")
class RequestDelegationInput:
    delegate_phone: str = strawberry.field(description="The delegate's phone number.")
    terms: DelegationTermsInput = strawberry.field(description="What it covers.")


@strawberry.input(
    description="Staff: record a grant checked on paper (guardianship, a minor's parent); active at once."
)
class RecordDelegationInput:
    grantor_phone: str = strawberry.field(description="Phone number of the person represented.")
    delegate_phone: str = strawberry.field(description="The delegate's phone number.")
    terms: DelegationTermsInput = strawberry.field(description="What it covers.")


@strawberry.input(description="Accept or end a grant.")
class DelegationIdInput:
    id: relay.GlobalID = strawberry.field(description="The grant.")


@strawberry.input(
    description="File a dossier for the person you represent; it is theirs. Documents come from their store or yours "
    "(yours are copied into theirs)."
)
class FileDossierForInput(DossierFilingInput):
    represented_id: relay.GlobalID = strawberry.field(description="The person represented (a Citizen ID).")


@strawberry.type(description="Result of a delegation mutation.")
class DelegationPayload:
    delegation: Delegation | None = strawberry.field(default=None, description="The grant after the change.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `fileDossierFor`.")
class FileDossierForPayload:
    dossier: Dossier | None = strawberry.field(default=None, description="The dossier, owned by the represented.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


def _terms(terms: DelegationTermsInput) -> GrantTerms:
    return GrantTerms(terms.kind, list(terms.actions), list(terms.procedure_codes), local_if_naive(terms.ends_at))


TERMS_FIELDS = {  # the domain's terms fields, as the input nests them
    "kind": "terms.kind",
    "actions": "terms.actions",
    "procedure_codes": "terms.procedureCodes",
    "ends_at": "terms.endsAt",
}


@strawberry.type
class DelegationQuery:
    @strawberry.field(description="Grants you gave and grants you received, newest first.")
    async def my_delegations(self, info: Info, first: First = None, after: After = None) -> Connection[Delegation]:
        viewer = require_citizen(info)
        queryset = (
            models.Grant.filter(Q(grantor_id=viewer.id) | Q(delegate_id=viewer.id))
            .order_by("-id")
            .select_related("grantor", "delegate")
        )
        return await paginate_queryset(info, queryset, first, after, Delegation.from_model)

    @strawberry.field(description="What delegates did for you, and what you did for others, newest first.")
    async def my_delegated_actions(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[DelegatedAction]:
        viewer = require_citizen(info)
        queryset = models.DelegatedAction.filter(Q(represented_id=viewer.id) | Q(delegate_id=viewer.id)).order_by("-id")
        return await paginate_queryset(info, queryset, first, after, DelegatedAction.from_model)

    @strawberry.field(
        description="The dossiers of a person you represent with a TRACK grant (those of the procedures it covers, "
        "newest 100); null when no grant lets you."
    )
    async def represented_dossiers(
        self,
        info: Info,
        represented_id: Annotated[relay.GlobalID, strawberry.argument(description="The person (a Citizen ID).")],
    ) -> list[Dossier] | None:
        viewer = require_citizen(info)
        try:
            rows = await info.context.services.delegation.dossiers_for(
                viewer.id, database_id(represented_id, "Citizen")
            )
        except DomainError:
            return None
        return [Dossier.from_model(row) for row in rows]


@strawberry.type
class DelegationMutation:
    @coded_mutation(
        DelegationPayload,
        description="Ask another citizen (by phone) to act for you; at most 5 requests wait at once per person.",
        errors=[
            ErrorCode.INVALID_PHONE,
            ErrorCode.INVALID_DELEGATION,
            ErrorCode.DELEGATION_STAFF_ONLY,
            ErrorCode.DELEGATION_EXISTS,
            ErrorCode.TOO_MANY_DELEGATION_REQUESTS,
            ErrorCode.PROCEDURE_NOT_FOUND,
        ],
        fields=TERMS_FIELDS,
    )
    async def request_delegation(self, info: Info, input: Input[RequestDelegationInput]) -> DelegationPayload:
        viewer = require_citizen(info)
        grant = await info.context.services.delegation.request(viewer.id, input.delegate_phone, _terms(input.terms))
        return DelegationPayload(delegation=await Delegation.load(grant))

    @coded_mutation(
        DelegationPayload,
        description="Staff: record a grant checked on paper (any kind, GUARDIAN included); active at once.",
        errors=[
            ErrorCode.INVALID_PHONE,
            ErrorCode.INVALID_DELEGATION,
            ErrorCode.DELEGATION_EXISTS,
            ErrorCode.PROCEDURE_NOT_FOUND,
        ],
        fields=TERMS_FIELDS,
    )
    async def record_delegation(self, info: Info, input: Input[RecordDelegationInput]) -> DelegationPayload:
        viewer = require_staff(info)
        grant = await info.context.services.delegation.record_by_staff(
            viewer.id, input.grantor_phone, input.delegate_phone, _terms(input.terms)
        )
        return DelegationPayload(delegation=await Delegation.load(grant))

    @coded_mutation(
        DelegationPayload,
        description="Accept a grant you were asked to take.",
        errors=[
            ErrorCode.DELEGATION_NOT_FOUND,
            ErrorCode.DELEGATION_NOT_ACTIVE,
        ],
    )
    async def accept_delegation(self, info: Info, input: Input[DelegationIdInput]) -> DelegationPayload:
        viewer = require_citizen(info)
        grant = await info.context.services.delegation.accept(viewer.id, database_id(input.id, "Delegation"))
        return DelegationPayload(delegation=await Delegation.load(grant))

    @coded_mutation(
        DelegationPayload,
        description="End a grant, as either side, at any time.",
        errors=[
            ErrorCode.DELEGATION_NOT_FOUND,
            ErrorCode.DELEGATION_NOT_ACTIVE,
        ],
    )
    async def end_delegation(self, info: Info, input: Input[DelegationIdInput]) -> DelegationPayload:
        viewer = require_citizen(info)
        grant = await info.context.services.delegation.end(viewer.id, database_id(input.id, "Delegation"))
        return DelegationPayload(delegation=await Delegation.load(grant))

    @coded_mutation(
        FileDossierForPayload,
        description="File a dossier for the person you represent: it is theirs, the timeline names you, they are "
        "notified. Documents come from their store or yours (yours are copied into theirs, as `FROM_DELEGATE`); "
        "document errors come one per requirement, with `field` `attachments.<requirementKey>`.",
        errors=[
            *ON_BEHALF_ERRORS,
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
    async def file_dossier_for(self, info: Info, input: Input[FileDossierForInput]) -> FileDossierForPayload:
        viewer = require_citizen(info)
        dossier = await info.context.services.delegation.file_for(
            viewer.id,
            database_id(input.represented_id, "Citizen"),
            input.procedure_code,
            database_id(input.centre_id, "Centre"),
            input.form_fields,
            attachments_of(input.attachments),
        )
        return FileDossierForPayload(dossier=Dossier.from_model(dossier))
