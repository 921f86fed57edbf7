"""Identity profiles and form prefill: the citizen's own attributes, staff verification, the identity source,
suggested answers for a procedure's form, and the log of uses the citizen reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import strawberry

from app.accounts.models import Citizen
from app.accounts.phone import normalise_phone
from app.api.arguments import Input
from app.api.context import Info
from app.api.dossier_types import ActorKind
from app.api.enums import described_enum
from app.api.errors import UserError, coded_mutation
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen, require_staff
from app.catalogue.forms import FieldKind
from app.errors import DomainError, ErrorCode
from app.profiles import models, services
from app.profiles.attributes import field_name
from app.profiles.models import AttributeName, AttributeSource, UsePurpose
from app.profiles.prefill import Suggestion

described_enum(
    AttributeName,
    "ProfileAttributeName",
    "An identity attribute of the citizen profile, as the national ID app provides it.",
    {
        AttributeName.FULL_NAME: "Full name (họ và tên).",
        AttributeName.DATE_OF_BIRTH: "Date of birth, ISO 8601 (YYYY-MM-DD).",
        AttributeName.SEX: "Sex: `male` or `female`.",
        AttributeName.CITIZEN_ID: "12-digit personal identification number (số định danh cá nhân, CCCD); checked "
        "for its province code and against the date of birth and sex.",
        AttributeName.PERMANENT_ADDRESS: "Permanent residence address (nơi thường trú).",
        AttributeName.CURRENT_ADDRESS: "Current address (nơi ở hiện tại).",
        AttributeName.PLACE_OF_ORIGIN: "Place of origin (quê quán).",
        AttributeName.NATIONALITY: "Nationality (quốc tịch).",
    },
)
described_enum(
    AttributeSource,
    "AttributeSource",
    "Where a profile value or a prefill suggestion came from.",
    {
        AttributeSource.ENTERED_BY_CITIZEN: "Entered (or confirmed) by the citizen.",
        AttributeSource.ID_DOCUMENT: "From the ID document, through the electronic identity source (verified).",
        AttributeSource.EARLIER_DOSSIER: "From the citizen's answer in an earlier dossier.",
        AttributeSource.VERIFIED_BY_STAFF: "Checked by centre staff against the citizen's papers (verified).",
        AttributeSource.ACCOUNT: "The phone number the citizen signs in with.",
        AttributeSource.STORED_DOCUMENT: "A known field of a document the citizen stored.",
    },
)
described_enum(
    UsePurpose,
    "ProfileUsePurpose",
    "Why the citizen's profile data was used.",
    {
        UsePurpose.FORM_PREFILL: "To suggest answers for a form the citizen opened (`formPrefill`).",
        UsePurpose.IDENTITY_IMPORT: "Values imported from the electronic identity source at the citizen's request.",
        UsePurpose.STAFF_VERIFICATION: "Centre staff verified values against the citizen's papers.",
        UsePurpose.COUNTER_FILING: "An officer filed a dossier for the citizen at a centre's counter.",
    },
)


@strawberry.type(description="One identity attribute of the signed-in citizen's profile.")
class ProfileAttribute:
    name: AttributeName = strawberry.field(description="Which attribute.")
    value: str = strawberry.field(description="The value (dates as YYYY-MM-DD).")
    source: AttributeSource = strawberry.field(description="Where it came from.")
    verified: bool = strawberry.field(description="Verified values cannot be edited by the citizen.")
    confirmed_at: datetime = strawberry.field(description="When it was last entered, imported or verified.")

    @classmethod
    def from_model(cls, row: models.ProfileAttribute) -> ProfileAttribute:
        return cls(
            name=row.name, value=row.value, source=row.source, verified=row.verified, confirmed_at=row.confirmed_at
        )


@strawberry.input(description="A value for one attribute.")
class ProfileAttributeInput:
    name: AttributeName = strawberry.field(description="Which attribute.")
    value: str = strawberry.field(description="The value, at most 500 characters (dates as YYYY-MM-DD).")


@strawberry.input(description="Enter or confirm one's own identity attributes (not the verified ones).")
class UpdateMyIdentityInput:
    attributes: list[ProfileAttributeInput] = strawberry.field(description="The values, one per attribute.")


@strawberry.input(description="Verify a citizen's identity attributes against their papers (staff).")
class VerifyCitizenIdentityInput:
    phone: str = strawberry.field(description="The citizen's phone number.")
    attributes: list[ProfileAttributeInput] = strawberry.field(description="The checked values.")


@strawberry.type(description="Result of an identity profile mutation.")
class IdentityProfilePayload:
    attributes: list[ProfileAttribute] | None = strawberry.field(
        default=None, description="The whole profile after the change."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="A suggested answer and where it comes from; the citizen confirms or changes it.")
class PrefillSuggestion:
    value: str = strawberry.field(description="The suggested answer.")
    source: AttributeSource = strawberry.field(description="Where it comes from.")
    verified: bool = strawberry.field(description="Verified by staff or the identity source.")
    confirmed_at: datetime | None = strawberry.field(description="When the value was last confirmed or used.")

    @classmethod
    def of(cls, suggestion: Suggestion) -> PrefillSuggestion:
        return cls(
            value=suggestion.value,
            source=suggestion.source,
            verified=suggestion.verified,
            confirmed_at=suggestion.confirmed_at,
        )


@strawberry.type(description="One field of a procedure's form with its suggested answer.")
class PrefilledField:
    key: str = strawberry.field(description="Key to answer under in `formFields`.")
    label: str = strawberry.field(description="Question, in the caller's language.")
    kind: str = strawberry.field(description="How the answer is checked: text, citizen_id, phone or date.")
    required: bool = strawberry.field(description="Must be answered.")
    suggestion: PrefillSuggestion | None = strawberry.field(description="Null when nothing is known.")


@strawberry.type(description="A procedure's form filled with suggestions for the signed-in citizen.")
class FormPrefill:
    procedure_code: str = strawberry.field(description="National code of the procedure.")
    fields: list[PrefilledField] = strawberry.field(description="Every field of the form, in order.")


@strawberry.type(description="One use of the citizen's profile data, and why.")
class ProfileUse:
    purpose: UsePurpose = strawberry.field(description="Why it was used.")
    procedure_code: str | None = strawberry.field(description="The procedure concerned, if any.")
    items: list[str] = strawberry.field(description="The attributes or form fields involved.")
    actor: ActorKind = strawberry.field(description="Who used it: the citizen (through the app) or staff.")
    at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, row: models.ProfileUse) -> ProfileUse:
        return cls(
            purpose=row.purpose,
            procedure_code=row.procedure_code or None,
            items=list(row.items),
            actor=ActorKind.STAFF if row.staff_id is not None else ActorKind.CITIZEN,  # type: ignore[attr-defined]
            at=row.created_at,
        )


def _changes(attributes: list[ProfileAttributeInput]) -> dict[AttributeName, str]:
    """One value per attribute (a repeated attribute is INVALID_PROFILE_VALUE)."""
    changes = {item.name: item.value for item in attributes}
    if len(changes) != len(attributes):
        raise DomainError(ErrorCode.INVALID_PROFILE_VALUE, "attributes")
    return changes


@contextmanager
def _input_positions(attributes: list[ProfileAttributeInput]) -> Iterator[None]:
    """Name an attribute at fault as the client sent it: `attributes.citizenId` -> `attributes.2.value`."""
    try:
        yield
    except DomainError as error:
        positions = {field_name(item.name): f"attributes.{i}.value" for i, item in enumerate(attributes)}
        error.field = positions.get(error.field or "", error.field)
        raise


def _payload(rows: list[models.ProfileAttribute]) -> IdentityProfilePayload:
    return IdentityProfilePayload(attributes=[ProfileAttribute.from_model(row) for row in rows])


@strawberry.type
class ProfilesQuery:
    @strawberry.field(description="The signed-in citizen's identity attributes.")
    async def my_identity(self, info: Info) -> list[ProfileAttribute]:
        viewer = require_citizen(info)
        return [ProfileAttribute.from_model(row) for row in await services.profile_of(viewer.id)]

    @strawberry.field(
        description="Suggested answers for a procedure's form, from the profile, stored documents and earlier "
        "dossiers (logged in `myProfileUses`); null for an unknown procedure. Nothing is sent to staff."
    )
    async def form_prefill(
        self,
        info: Info,
        procedure_code: Annotated[str, strawberry.argument(description="National code of the procedure.")],
    ) -> FormPrefill | None:
        viewer = require_citizen(info)
        try:
            form = await info.context.services.prefill.prefill(viewer.id, procedure_code, info.context.services.clock())
        except DomainError:
            return None
        english = info.context.locale == "en"
        return FormPrefill(
            procedure_code=form.procedure.code,
            fields=[
                PrefilledField(
                    key=field.key,
                    label=field.label_en if english else field.label_vi,
                    kind=FieldKind(field.kind).value,
                    required=field.required,
                    suggestion=PrefillSuggestion.of(suggestion) if suggestion else None,
                )
                for field, suggestion in form.fields
            ],
        )

    @strawberry.field(description="Every use of the signed-in citizen's profile data and its purpose, newest first.")
    async def my_profile_uses(self, info: Info, first: First = None, after: After = None) -> Connection[ProfileUse]:
        viewer = require_citizen(info)
        queryset = models.ProfileUse.filter(citizen_id=viewer.id).order_by("-id")
        return await paginate_queryset(info, queryset, first, after, ProfileUse.from_model)


@strawberry.type
class ProfilesMutation:
    @coded_mutation(
        IdentityProfilePayload,
        description="Enter or confirm one's own identity attributes; verified ones are locked.",
        errors=[
            ErrorCode.INVALID_PROFILE_VALUE,
            ErrorCode.INVALID_CITIZEN_ID,
            ErrorCode.PROFILE_VALUE_VERIFIED,
        ],
    )
    async def update_my_identity(self, info: Info, input: Input[UpdateMyIdentityInput]) -> IdentityProfilePayload:
        viewer = require_citizen(info)
        with _input_positions(input.attributes):
            rows = await services.update_own(viewer.id, _changes(input.attributes), info.context.services.clock())
        return _payload(rows)

    @coded_mutation(
        IdentityProfilePayload,
        description="Import one's identity attributes from the electronic identity source (stored as verified).",
        errors=[
            ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE,
            ErrorCode.IDENTITY_NOT_FOUND,
            ErrorCode.INVALID_PROFILE_VALUE,
            ErrorCode.INVALID_CITIZEN_ID,
        ],
    )
    async def import_my_identity(self, info: Info) -> IdentityProfilePayload:
        viewer = require_citizen(info)
        provider = info.context.services.identity_provider
        return _payload(await services.import_identity(provider, viewer.id, info.context.services.clock()))

    @coded_mutation(
        IdentityProfilePayload,
        description="Staff: mark a citizen's attributes as verified against their papers (logged for the citizen).",
        errors=[
            ErrorCode.INVALID_PHONE,
            ErrorCode.CITIZEN_NOT_FOUND,
            ErrorCode.INVALID_PROFILE_VALUE,
            ErrorCode.INVALID_CITIZEN_ID,
        ],
    )
    async def verify_citizen_identity(
        self, info: Info, input: Input[VerifyCitizenIdentityInput]
    ) -> IdentityProfilePayload:
        viewer = require_staff(info)
        citizen = await Citizen.get_or_none(phone=normalise_phone(input.phone))
        if citizen is None:
            raise DomainError(ErrorCode.CITIZEN_NOT_FOUND, "phone")
        with _input_positions(input.attributes):
            rows = await services.verify(
                viewer.id, citizen.id, _changes(input.attributes), info.context.services.clock()
            )
        return _payload(rows)
