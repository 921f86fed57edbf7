"""The citizen's documents: uploads (bytes over tus, never through GraphQL), the document store, and staff's
review of documents attached to a dossier."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app.api.arguments import Input
from app.api.context import Info
from app.api.dossier_access import dossier_to_change
from app.api.dossier_reference import DOSSIER_FIELD
from app.api.enums import described_enum
from app.api.errors import UserError, coded_mutation
from app.api.ids import database_id
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen, require_staff
from app.catalogue.document_requirements import DocumentRequirement as Requirement
from app.documents import models
from app.documents.attachments import Attachment
from app.documents.models import DocumentSource, DocumentStatus, ReviewStatus
from app.documents.quota import usage
from app.errors import ErrorCode

described_enum(
    DocumentStatus,
    "DocumentStatus",
    "Where a document stands in its checks; only CLEAN documents can be attached to a dossier.",
    {
        DocumentStatus.UPLOADED: "Received, checks not finished.",
        DocumentStatus.QUARANTINED: "Checked, waiting for the virus scan (retried until the scanner answers).",
        DocumentStatus.CLEAN: "Checked and clean: can be attached and read.",
        DocumentStatus.REJECTED: "Refused by a check (see `rejectionCode`); its bytes are deleted.",
    },
)
described_enum(
    DocumentSource,
    "DocumentSource",
    "How a document entered the citizen's store.",
    {
        DocumentSource.UPLOADED: "The citizen uploaded it.",
        DocumentSource.ISSUED_RESULT: "A centre issued it as a dossier's result.",
        DocumentSource.AT_COUNTER: "An officer scanned it for you at a centre's counter.",
        DocumentSource.FROM_DELEGATE: "A copy of a document your delegate attached to a dossier they filed for you.",
    },
)
described_enum(
    ReviewStatus,
    "DocumentReviewStatus",
    "Staff's verdict on a document attached to a dossier.",
    {
        ReviewStatus.PENDING: "Not reviewed yet.",
        ReviewStatus.ACCEPTED: "Accepted by staff.",
        ReviewStatus.REJECTED: "Rejected by staff; `reviewReason` says why.",
    },
)

ACCEPTED_TYPES_TEXT = "application/pdf, image/jpeg, image/png or image/heic"


@strawberry.type(description="One document a procedure asks for.")
class DocumentRequirement:
    key: str = strawberry.field(description="Stable key; name it in `attachments[].requirementKey`.")
    name_vi: str = strawberry.field(description="Name in Vietnamese.")
    name_en: str | None = strawberry.field(description="Name in English; null when not translated.")
    mandatory: bool = strawberry.field(description="A dossier cannot be submitted without it.")
    accepted_types: list[str] = strawberry.field(description=f"Accepted MIME types, among {ACCEPTED_TYPES_TEXT}.")
    max_bytes: int = strawberry.field(description="Largest accepted file, in bytes.")
    reusable_kind: str | None = strawberry.field(
        description="Kind of document reusable across procedures (e.g. citizen_id_card); null when specific."
    )

    @strawberry.field(description="Name in the caller's language.")
    def name(self, info: Info) -> str:
        return self.name_en if info.context.locale == "en" and self.name_en else self.name_vi

    @classmethod
    def from_requirement(cls, requirement: Requirement) -> DocumentRequirement:
        return cls(
            key=requirement.key,
            name_vi=requirement.name_vi,
            name_en=requirement.name_en,
            mandatory=requirement.mandatory,
            accepted_types=list(requirement.accepted_types),
            max_bytes=requirement.max_bytes,
            reusable_kind=requirement.reusable_kind,
        )


@strawberry.type(description="A file in the citizen's document store.")
class Document(relay.Node):
    id: relay.NodeID[int]
    model: strawberry.Private[models.Document]

    @strawberry.field(description="Reusable kind or requirement key given at upload (may be empty).")
    def kind(self) -> str:
        return self.model.kind

    @strawberry.field(description="The file's name as uploaded.")
    def file_name(self) -> str:
        return self.model.file_name

    @strawberry.field(description="The real type, found from the file's content.")
    def content_type(self) -> str:
        return self.model.content_type

    @strawberry.field(description="Size of the original in bytes.")
    def byte_size(self) -> int:
        return self.model.byte_size

    @strawberry.field(description="Hex SHA-256 of the original.")
    def sha256(self) -> str:
        return self.model.sha256

    @strawberry.field(description="Where it stands in its checks.")
    def status(self) -> DocumentStatus:
        return self.model.status

    @strawberry.field(description="The error code of the check that refused it; null unless REJECTED.")
    def rejection_code(self) -> str | None:
        return self.model.rejection_code

    @strawberry.field(description="How it entered the store.")
    def source(self) -> DocumentSource:
        return self.model.source

    @strawberry.field(
        description="Form answers it vouches for, keyed by `Procedure.formFields[].key` (results a centre issued: "
        "the answers of their dossier); `formPrefill` suggests them as STORED_DOCUMENT. Empty for uploads."
    )
    def known_fields(self) -> JSON:
        return self.model.known_fields

    @strawberry.field(description="When it was stored.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="When its checks and virus scan finished; null while quarantined.")
    def checked_at(self) -> datetime | None:
        return self.model.checked_at

    async def _link(self, info: Info, key: str | None) -> str | None:
        viewer = info.context.viewer
        mine = viewer is not None and viewer.is_citizen and viewer.id == self.model.owner_id  # type: ignore[attr-defined]
        if not mine or key is None or self.model.status is not DocumentStatus.CLEAN:
            return None
        services = info.context.services
        return await services.storage.signed_read_url(
            key,
            bound_to=f"citizen:{viewer.id}",
            expires_in=services.settings.signed_link_ttl_seconds,
            file_name=self.model.file_name,
        )

    @strawberry.field(description="Short-lived signed link to the original (owner only, clean documents only).")
    async def original_url(self, info: Info) -> str | None:
        return await self._link(info, self.model.original_key)

    @strawberry.field(description="Short-lived link to a re-encoded JPEG without metadata (images only).")
    async def reading_url(self, info: Info) -> str | None:
        return await self._link(info, self.model.reading_key)

    @strawberry.field(description="Short-lived link to a small JPEG preview (images only).")
    async def preview_url(self, info: Info) -> str | None:
        return await self._link(info, self.model.preview_key)

    @classmethod
    def from_model(cls, document: models.Document) -> Document:
        return cls(id=document.id, model=document)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids, required: bool = False) -> list:
        viewer = info.context.viewer
        ids = [int(node_id) if node_id.isdigit() else None for node_id in node_ids]
        found = {}
        if viewer is not None and viewer.is_citizen:
            owned = models.Document.filter(owner_id=viewer.id, id__in=[pk for pk in ids if pk is not None])
            found = {document.id: document for document in await owned}
        return [cls.from_model(found[pk]) if pk in found else None for pk in ids]


@strawberry.type(description="A stored document attached to a dossier for one requirement, with staff's review.")
class DossierDocument:
    id: relay.GlobalID = strawberry.field(description="The attachment's ID (for `reviewDossierDocument`).")
    requirement_key: str = strawberry.field(description="The requirement it meets.")
    document: Document = strawberry.field(description="The document.")
    review_status: ReviewStatus = strawberry.field(description="Staff's verdict.")
    review_reason: str = strawberry.field(description="Why staff rejected it (empty otherwise).")
    reviewed_at: datetime | None = strawberry.field(description="When staff reviewed it.")
    attached_at: datetime = strawberry.field(description="When it was attached.")

    @classmethod
    def from_model(cls, attachment: models.DossierDocument) -> DossierDocument:
        """Needs `document` fetched."""
        return cls(
            id=relay.GlobalID("DossierDocument", str(attachment.id)),
            requirement_key=attachment.requirement_key,
            document=Document.from_model(attachment.document),
            review_status=attachment.review_status,
            review_reason=attachment.review_reason,
            reviewed_at=attachment.reviewed_at,
            attached_at=attachment.attached_at,
        )


@strawberry.input(description="A stored document chosen for one of the procedure's requirements.")
class DocumentAttachmentInput:
    requirement_key: str = strawberry.field(description="`Procedure.documentRequirements[].key`.")
    document_id: relay.GlobalID = strawberry.field(description="A CLEAN document of `myDocuments`.")


def attachments_of(inputs: list[DocumentAttachmentInput]) -> list[Attachment]:
    return [Attachment(item.requirement_key, database_id(item.document_id, "Document")) for item in inputs]


@strawberry.input(description="Announce a file before sending its bytes.")
class StartUploadInput:
    content_type: str = strawberry.field(description=f"MIME type: {ACCEPTED_TYPES_TEXT}.")
    byte_size: int = strawberry.field(description="Exact size in bytes (at most DOCUMENT_MAX_BYTES).")
    sha256: str = strawberry.field(description="Hex SHA-256 of the whole file; checked when the upload finishes.")
    file_name: str = strawberry.field(description="The file's name, without any directory (1 to 255 characters).")
    kind: str = strawberry.field(default="", description="Reusable kind or requirement key it is for (optional).")


@strawberry.type(description="Where and how to send a file's bytes: the tus 1.0.0 core protocol.")
class UploadTicket:
    id: str = strawberry.field(description="The upload's id, for `finishUpload`.")
    url: str = strawberry.field(
        description="Signed tus URL bound to the uploader: PATCH bytes with `Tus-Resumable: 1.0.0`, "
        "`Content-Type: application/offset+octet-stream` and `Upload-Offset`; HEAD it to learn the offset to "
        "resume from after a broken link."
    )
    expires_at: datetime = strawberry.field(description="Send every byte and call `finishUpload` before then.")
    offset: int = strawberry.field(description="Bytes already received (0 for a new upload).")


@strawberry.type(description="Result of `startUpload`.")
class StartUploadPayload:
    upload: UploadTicket | None = strawberry.field(default=None, description="Where to send the bytes.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(description="Every byte is sent: check the file and keep it in the document store.")
class FinishUploadInput:
    upload_id: str = strawberry.field(description="`UploadTicket.id`.")


@strawberry.type(description="Result of a document mutation.")
class DocumentPayload:
    document: Document | None = strawberry.field(default=None, description="The document.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(description="Delete a document from one's store.")
class DeleteDocumentInput:
    document_id: relay.GlobalID = strawberry.field(description="The document.")


@strawberry.type(description="Result of `deleteDocument`.")
class DeleteDocumentPayload:
    deleted_document_id: relay.GlobalID | None = strawberry.field(default=None, description="What was deleted.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(description="Accept or reject one document attached to a dossier of your centre.")
class ReviewDossierDocumentInput:
    dossier_code: str = strawberry.field(description="The dossier's code, with or without dashes.")
    attachment_id: relay.GlobalID = strawberry.field(description="`DossierDocument.id`.")
    accepted: bool = strawberry.field(description="True to accept, false to reject.")
    reason: str = strawberry.field(default="", description="Why it is rejected (required then); the citizen sees it.")


@strawberry.type(description="Result of `reviewDossierDocument`.")
class DossierDocumentPayload:
    attachment: DossierDocument | None = strawberry.field(default=None, description="The reviewed attachment.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type(description="How much of the document store is used.")
class DocumentUsage:
    used_bytes: int = strawberry.field(description="Bytes used by stored documents (refused ones excluded).")
    quota_bytes: int = strawberry.field(description="The store's size (DOCUMENT_QUOTA_BYTES).")


@strawberry.type
class DocumentsQuery:
    @strawberry.field(description="The signed-in citizen's documents, newest first.")
    async def my_documents(
        self,
        info: Info,
        status: Annotated[DocumentStatus | None, strawberry.argument(description="Only this status.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Document]:
        viewer = require_citizen(info)
        queryset = models.Document.filter(owner_id=viewer.id).order_by("-created_at", "-id")
        if status is not None:
            queryset = queryset.filter(status=status)
        return await paginate_queryset(info, queryset, first, after, Document.from_model)

    @strawberry.field(description="How much of the signed-in citizen's document store is used.")
    async def my_document_usage(self, info: Info) -> DocumentUsage:
        viewer = require_citizen(info)
        quota = info.context.services.settings.document_quota_bytes
        return DocumentUsage(used_bytes=await usage(viewer.id), quota_bytes=quota)


START_UPLOAD_ERRORS = [
    ErrorCode.UNSUPPORTED_FILE_TYPE,
    ErrorCode.FILE_TOO_LARGE,
    ErrorCode.FILE_HASH_MISMATCH,
    ErrorCode.INVALID_FILE_NAME,
    ErrorCode.UNKNOWN_REQUIREMENT,
    ErrorCode.QUOTA_EXCEEDED,
    ErrorCode.TOO_MANY_UPLOADS,
]
FINISH_UPLOAD_ERRORS = [
    ErrorCode.UPLOAD_NOT_FOUND,
    ErrorCode.UPLOAD_INCOMPLETE,
    ErrorCode.FILE_HASH_MISMATCH,
    ErrorCode.UNSUPPORTED_FILE_TYPE,
    ErrorCode.IMAGE_TOO_LARGE,
    ErrorCode.IMAGE_UNREADABLE,
    ErrorCode.PDF_ENCRYPTED,
    ErrorCode.PDF_UNREADABLE,
    ErrorCode.FILE_INFECTED,
    ErrorCode.QUOTA_EXCEEDED,
]


def upload_ticket(info: Info, upload: models.Upload) -> UploadTicket:
    """Where to send a just-announced upload's bytes."""
    url = info.context.services.uploads.upload_url(upload)
    return UploadTicket(id=upload.token, url=url, expires_at=upload.expires_at, offset=0)


@strawberry.type
class DocumentsMutation:
    @coded_mutation(
        StartUploadPayload,
        description="Announce a file; send its bytes to the returned signed tus URL, then call `finishUpload`.",
        errors=START_UPLOAD_ERRORS,
    )
    async def start_upload(self, info: Info, input: Input[StartUploadInput]) -> StartUploadPayload:
        viewer = require_citizen(info)
        uploads = info.context.services.uploads
        upload = await uploads.start(
            viewer.id, input.content_type, input.byte_size, input.sha256, input.file_name, input.kind
        )
        return StartUploadPayload(upload=upload_ticket(info, upload))

    @coded_mutation(
        DocumentPayload,
        description="Check a fully sent upload (real type, size, SHA-256, images decoded and re-encoded, PDFs "
        "opened, virus scan when configured) and keep it in the document store; on any error nothing is kept "
        "and the upload must start again.",
        errors=FINISH_UPLOAD_ERRORS,
    )
    async def finish_upload(self, info: Info, input: Input[FinishUploadInput]) -> DocumentPayload:
        viewer = require_citizen(info)
        document = await info.context.services.uploads.finish(viewer.id, input.upload_id)
        return DocumentPayload(document=Document.from_model(document))

    @coded_mutation(
        DeleteDocumentPayload,
        description="Delete one's document and its bytes, unless a dossier that is not finished uses it.",
        errors=[ErrorCode.DOCUMENT_NOT_FOUND, ErrorCode.DOCUMENT_IN_USE],
    )
    async def delete_document(self, info: Info, input: Input[DeleteDocumentInput]) -> DeleteDocumentPayload:
        viewer = require_citizen(info)
        await info.context.services.documents.delete(viewer.id, database_id(input.document_id, "Document"))
        return DeleteDocumentPayload(deleted_document_id=input.document_id)

    @coded_mutation(
        DossierDocumentPayload,
        description="Accept or reject a document attached to a dossier of your centre; the citizen sees the reason.",
        errors=[
            ErrorCode.DOCUMENT_NOT_FOUND,
            ErrorCode.REASON_REQUIRED,
            ErrorCode.INVALID_NOTE,
            ErrorCode.DOSSIER_NOT_FOUND,
        ],
        fields=DOSSIER_FIELD,
    )
    async def review_dossier_document(
        self, info: Info, input: Input[ReviewDossierDocumentInput]
    ) -> DossierDocumentPayload:
        viewer = require_staff(info)
        dossier = await dossier_to_change(info, input.dossier_code)
        attachment = await info.context.services.documents.review(
            dossier.id, database_id(input.attachment_id, "DossierDocument"), viewer.id, input.accepted, input.reason
        )
        await attachment.fetch_related("document")
        return DossierDocumentPayload(attachment=DossierDocument.from_model(attachment))
