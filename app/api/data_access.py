"""Who read my papers: staff open documents through logged links, and citizens page through their log."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from app.access_log.document_links import staff_document_link
from app.access_log.models import AccessKind, DataAccess
from app.api.arguments import Input
from app.api.context import Info
from app.api.dossier_access import visible_dossier
from app.api.dossier_reference import DOSSIER_FIELD
from app.api.enums import described_enum
from app.api.errors import UserError, coded_mutation
from app.api.ids import citizen_id, database_id
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen, require_staff
from app.errors import DomainError, ErrorCode

described_enum(
    AccessKind,
    "DataAccessKind",
    "What a staff member, or a delegate, did with the citizen's data.",
    {
        AccessKind.VIEWED_DOSSIER: "Opened the dossier (its form answers and timeline).",
        AccessKind.LISTED_DOSSIER: "Saw the dossier in a list of the centre's dossiers.",
        AccessKind.CHANGED_DOSSIER: "Worked on the dossier (status, request for documents, apology).",
        AccessKind.OPENED_DOCUMENT: "Opened one of the citizen's documents through a short-lived link.",
        AccessKind.ISSUED_RESULT: "Issued the signed result into the citizen's document store.",
        AccessKind.ACTED_FOR: "A delegate acted for the citizen: filed, paid, booked or rated.",
    },
)


@strawberry.type(description="One access by staff, or by a delegate, to the signed-in citizen's data.")
class DataAccessEntry:
    at: datetime = strawberry.field(description="When it happened.")
    kind: AccessKind = strawberry.field(description="What was done.")
    staff_name: str = strawberry.field(
        description="Who: the staff member's name (their email when no name is set), or for a delegate's access "
        "the delegate's name (their phone number when no name is set)."
    )
    delegate_id: relay.GlobalID | None = strawberry.field(
        description="The delegate (a Citizen ID) who read or acted for the citizen; null for staff."
    )
    centre_name: str | None = strawberry.field(description="Their centre; null for provincial administrators.")
    dossier_code: str | None = strawberry.field(description="The dossier concerned, when there is one.")
    document_name: str | None = strawberry.field(description="The document opened or issued, when there is one.")

    @classmethod
    def from_model(cls, access: DataAccess) -> DataAccessEntry:
        """Needs `staff`, `delegate`, `centre`, `dossier` and `document` fetched."""
        delegate = access.delegate
        return cls(
            at=access.at,
            kind=access.kind,
            staff_name=(delegate.full_name or delegate.phone)
            if delegate
            else access.staff.full_name or access.staff.email,
            delegate_id=citizen_id(delegate.id if delegate else None),
            centre_name=access.centre.name_vi if access.centre else None,
            dossier_code=access.dossier.code if access.dossier else None,
            document_name=access.document.file_name if access.document else None,
        )


@strawberry.type
class DataAccessQuery:
    @strawberry.field(
        description="Every access by staff, and every read or action by a delegate, to the signed-in citizen's "
        "dossiers and documents, newest first."
    )
    async def my_data_access_log(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[DataAccessEntry]:
        viewer = require_citizen(info)
        queryset = (
            DataAccess.filter(citizen_id=viewer.id)
            .select_related("staff", "delegate", "centre", "dossier", "document")
            .order_by("-at", "-id")
        )
        return await paginate_queryset(info, queryset, first, after, DataAccessEntry.from_model)


@strawberry.input(description="Open a document of a dossier (staff of its centres); the citizen sees it in their log.")
class OpenDossierDocumentInput:
    dossier_code: str = strawberry.field(description="Dossier code.")
    document_id: relay.GlobalID = strawberry.field(description="A document attached to it, or its signed result.")


@strawberry.type(description="A short-lived link that reads one document.")
class DocumentLink:
    url: str = strawberry.field(description="GET it to read the document; bound to you.")
    expires_at: datetime = strawberry.field(description="The link stops working then (SIGNED_LINK_TTL_SECONDS).")


@strawberry.type(description="Result of `openDossierDocument`.")
class OpenDossierDocumentPayload:
    link: DocumentLink | None = strawberry.field(default=None, description="The link to read the document.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type
class DataAccessMutation:
    @coded_mutation(
        OpenDossierDocumentPayload,
        description="A short-lived link to read a document of a dossier of your centre; the read is recorded in "
        "the citizen's `myDataAccessLog`.",
        errors=[ErrorCode.DOSSIER_NOT_FOUND, ErrorCode.DOCUMENT_NOT_FOUND],
        fields=DOSSIER_FIELD,
    )
    async def open_dossier_document(
        self, info: Info, input: Input[OpenDossierDocumentInput]
    ) -> OpenDossierDocumentPayload:
        viewer = require_staff(info)
        dossier = await visible_dossier(info, code=input.dossier_code)
        if dossier is None:
            raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, "dossier")
        services = info.context.services
        link = await staff_document_link(
            services.storage,
            viewer.id,
            viewer.centre_id,
            dossier,
            database_id(input.document_id, "Document"),
            services.clock(),
            services.settings.signed_link_ttl_seconds,
        )
        return OpenDossierDocumentPayload(link=DocumentLink(url=link.url, expires_at=link.expires_at))
