"""Dossier drafts: answers kept on the server between devices, with versions that refuse silent overwrites."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, ParamSpec, TypeVar

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app.api.arguments import Input
from app.api.catalogue import Centre, Procedure
from app.api.context import Info
from app.api.documents import attachments_of
from app.api.dossier_inputs import ATTACHMENT_FIELDS, DossierFilingInput
from app.api.dossier_types import Dossier
from app.api.errors import UserError, coded_mutation, user_error
from app.api.ids import database_id, parse_database_id
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen
from app.documents.attachments import MAX_ATTACHMENTS
from app.drafts import models
from app.drafts.services import DraftConflict, DraftContent
from app.errors import DomainError, ErrorCode

P = ParamSpec("P")
T = TypeVar("T")


def _document_id(pk: int) -> relay.GlobalID:
    return relay.GlobalID("Document", str(pk))


@strawberry.type(description="A stored document a draft keeps for one of the procedure's requirements.")
class DraftAttachment:
    requirement_key: str = strawberry.field(description="`Procedure.documentRequirements[].key`.")
    document_id: relay.GlobalID = strawberry.field(description="A document of `myDocuments`.")


@strawberry.type(description="A dossier not submitted yet: answers and documents kept on the server.")
class DossierDraft:
    model: strawberry.Private[models.DossierDraft]

    @strawberry.field(description="The draft's ID.")
    def id(self) -> relay.GlobalID:
        return relay.GlobalID("DossierDraft", str(self.model.id))

    @strawberry.field(description="Send it back with the next save, submit or discard; every save increments it.")
    def version(self) -> int:
        return self.model.version

    @strawberry.field(description="The procedure being applied for.")
    async def procedure(self, info: Info) -> Procedure:
        procedure = await info.context.loaders.procedure_by_id.load(self.model.procedure_id)  # type: ignore[attr-defined]
        return Procedure.from_model(procedure)

    @strawberry.field(description="The centre chosen to file at, null until chosen.")
    async def centre(self, info: Info) -> Centre | None:
        centre_id = self.model.centre_id  # type: ignore[attr-defined]
        centre = await info.context.loaders.centre_by_id.load(centre_id) if centre_id is not None else None
        return Centre.from_model(centre) if centre else None

    @strawberry.field(description="Answers so far, keyed by `Procedure.formFields[].key`.")
    def form_fields(self) -> JSON:
        return self.model.answers

    @strawberry.field(
        description="IDs of the stored documents to attach on submission.",
        deprecation_reason="Use `attachments`, which says the requirement each document is for.",
    )
    def document_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(str(_document_id(item["document_id"]))) for item in self.model.attachments]

    @strawberry.field(description="Stored documents to attach on submission, each for one requirement.")
    def attachments(self) -> list[DraftAttachment]:
        return [
            DraftAttachment(requirement_key=item["requirement_key"], document_id=_document_id(item["document_id"]))
            for item in self.model.attachments
        ]

    @strawberry.field(description="When the draft was started.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="When it was last saved.")
    def updated_at(self) -> datetime:
        return self.model.updated_at

    @strawberry.field(description="It is deleted then unless saved again (a `DRAFT_EXPIRING` reminder comes first).")
    def expires_at(self) -> datetime:
        return self.model.expires_at


@strawberry.input(description="Start a draft (no `id`) or save the whole state of one (with `id` and `version`).")
class SaveDossierDraftInput(DossierFilingInput):
    id: relay.GlobalID | None = strawberry.field(default=None, description="The draft to save; null starts one.")
    version: int | None = strawberry.field(
        default=None, description="The version last read, with `id`; a missing or stale one is `DRAFT_CHANGED`."
    )
    procedure_code: str | None = strawberry.field(
        default=None, description="National code of the procedure (required to start; a draft keeps its procedure)."
    )
    centre_id: relay.GlobalID | None = strawberry.field(default=None, description="Centre to file at, if chosen.")
    document_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Stored documents to attach, each uploaded for one of the requirements (its `kind`).",
        deprecation_reason="Use `attachments`, which names the requirement each document is for.",
    )


@strawberry.input(description="Submit or discard a draft at the version last read.")
class DraftVersionInput:
    id: relay.GlobalID = strawberry.field(description="The draft.")
    version: int = strawberry.field(description="The version last read; a stale one is `DRAFT_CHANGED`.")


@strawberry.type(description="Result of `saveDossierDraft`.")
class DossierDraftPayload:
    draft: DossierDraft | None = strawberry.field(default=None, description="The draft as saved.")
    current: DossierDraft | None = strawberry.field(
        default=None, description="With `DRAFT_CHANGED`: the draft as the server holds it (another device saved)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `submitDossierDraft`.")
class SubmitDossierDraftPayload:
    dossier: Dossier | None = strawberry.field(default=None, description="The dossier filed; the draft is gone.")
    current: DossierDraft | None = strawberry.field(
        default=None, description="With `DRAFT_CHANGED`: the draft as the server holds it."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="Result of `discardDossierDraft`.")
class DiscardDossierDraftPayload:
    discarded: bool = strawberry.field(default=False, description="The draft is deleted.")
    current: DossierDraft | None = strawberry.field(
        default=None, description="With `DRAFT_CHANGED`: the draft as the server holds it."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


def returns_current_on_conflict(
    payload: Callable[..., T],
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Resolver decorator: DRAFT_CHANGED becomes `payload(current=..., errors=[...])`."""

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except DraftConflict as conflict:
                locale = kwargs["info"].context.locale  # type: ignore[attr-defined]
                return payload(current=DossierDraft(model=conflict.current), errors=[user_error(conflict, locale)])

        return wrapper

    return decorate


def _draft_id(global_id: relay.GlobalID) -> int:
    return database_id(global_id, "DossierDraft")


SAVED_DRAFT_FIELDS = {  # a submitted draft's failures name the fields as `saveDossierDraft` took them
    "procedure_code": "procedureCode",
    "centre_id": "centreId",
    "form_fields": "formFields",
    **ATTACHMENT_FIELDS,
}


def _legacy_document_ids(references: list[strawberry.ID]) -> list[int]:
    """The deprecated `documentIds` as database ids; INVALID_DOCUMENT_REFERENCES for one that is no Document ID."""
    ids = []
    for reference in references:
        try:
            global_id = relay.GlobalID.from_id(reference)
        except (ValueError, TypeError):
            global_id = None
        pk = parse_database_id(global_id.node_id) if global_id and global_id.type_name == "Document" else None
        if pk is None:
            raise DomainError(ErrorCode.INVALID_DOCUMENT_REFERENCES, "document_ids", max_documents=MAX_ATTACHMENTS)
        ids.append(pk)
    return ids


@strawberry.type
class DraftsQuery:
    @strawberry.field(description="The signed-in citizen's drafts not expired yet, most recently saved first.")
    async def my_dossier_drafts(self, info: Info, first: First = None, after: After = None) -> Connection[DossierDraft]:
        viewer = require_citizen(info)
        queryset = info.context.services.drafts.open_drafts(viewer.id)
        return await paginate_queryset(info, queryset, first, after, lambda row: DossierDraft(model=row))

    @strawberry.field(description="One of your drafts; null when unknown, expired or not yours.")
    async def dossier_draft(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The draft's ID.")]
    ) -> DossierDraft | None:
        viewer = require_citizen(info)
        row = await info.context.services.drafts.open_drafts(viewer.id).filter(id=_draft_id(id)).first()
        return DossierDraft(model=row) if row else None


@strawberry.type
class DraftsMutation:
    @coded_mutation(
        DossierDraftPayload,
        description="Start a draft or save the whole state of one; the expiry starts again. Answers may be blank and "
        "attachments name documents of your own store for the procedure's requirements (their checks and every "
        "mandatory requirement wait for the submission); errors about them come one per requirement, with `field` "
        "`attachments.<requirementKey>`. `DRAFT_CHANGED` comes with the server's `current` draft.",
        errors=[
            ErrorCode.PROCEDURE_NOT_FOUND,
            ErrorCode.CENTRE_NOT_FOUND,
            ErrorCode.INVALID_FORM_FIELD,
            ErrorCode.INVALID_DOCUMENT_REFERENCES,
            ErrorCode.TOO_MANY_DRAFTS,
            ErrorCode.DRAFT_NOT_FOUND,
            ErrorCode.DRAFT_EXPIRED,
            ErrorCode.DRAFT_CHANGED,
            ErrorCode.UNKNOWN_REQUIREMENT,
            ErrorCode.DOCUMENT_NOT_FOUND,
        ],
        fields=ATTACHMENT_FIELDS,
    )
    @returns_current_on_conflict(DossierDraftPayload)
    async def save_dossier_draft(self, info: Info, input: Input[SaveDossierDraftInput]) -> DossierDraftPayload:
        viewer = require_citizen(info)
        content = DraftContent(
            centre_id=database_id(input.centre_id, "Centre") if input.centre_id is not None else None,
            answers=input.form_fields,
            attachments=attachments_of(input.attachments),
            legacy_document_ids=_legacy_document_ids(input.document_ids),
        )
        drafts = info.context.services.drafts
        if input.id is None:
            draft = await drafts.start(viewer.id, input.procedure_code or "", content)
        else:
            draft = await drafts.save(viewer.id, _draft_id(input.id), input.version or 0, content)
        return DossierDraftPayload(draft=DossierDraft(model=draft))

    @coded_mutation(
        SubmitDossierDraftPayload,
        description="File the draft as a dossier with its attachments, through the same checks as `submitDossier`; the "
        "draft is then gone. Errors about the draft's answers name them as `formFields.<key>`, about its documents "
        "as `attachments.<requirementKey>`. `DRAFT_CHANGED` comes with the "
        "server's `current` draft.",
        errors=[
            ErrorCode.CENTRE_REQUIRED,
            ErrorCode.CENTRE_NOT_ELIGIBLE,
            ErrorCode.INVALID_FORM_FIELD,
            ErrorCode.PROCEDURE_NOT_FOUND,
            ErrorCode.DRAFT_NOT_FOUND,
            ErrorCode.DRAFT_EXPIRED,
            ErrorCode.DRAFT_CHANGED,
            ErrorCode.DOCUMENT_MISSING,
            ErrorCode.DOCUMENT_NOT_FOUND,
            ErrorCode.DOCUMENT_NOT_READY,
            ErrorCode.DOCUMENT_NOT_ACCEPTED,
            ErrorCode.UNKNOWN_REQUIREMENT,
        ],
        fields=SAVED_DRAFT_FIELDS,
    )
    @returns_current_on_conflict(SubmitDossierDraftPayload)
    async def submit_dossier_draft(self, info: Info, input: Input[DraftVersionInput]) -> SubmitDossierDraftPayload:
        viewer = require_citizen(info)
        dossier = await info.context.services.drafts.submit(viewer.id, _draft_id(input.id), input.version)
        return SubmitDossierDraftPayload(dossier=Dossier.from_model(dossier))

    @coded_mutation(
        DiscardDossierDraftPayload,
        description="Delete a draft. `DRAFT_CHANGED` comes with the server's `current` draft.",
        errors=[
            ErrorCode.DRAFT_NOT_FOUND,
            ErrorCode.DRAFT_EXPIRED,
            ErrorCode.DRAFT_CHANGED,
        ],
    )
    @returns_current_on_conflict(DiscardDossierDraftPayload)
    async def discard_dossier_draft(self, info: Info, input: Input[DraftVersionInput]) -> DiscardDossierDraftPayload:
        viewer = require_citizen(info)
        await info.context.services.drafts.discard(viewer.id, _draft_id(input.id), input.version)
        return DiscardDossierDraftPayload(discarded=True)
