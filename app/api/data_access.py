"""Who read my papers: staff reads of dossiers are logged here, and citizens page through their log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry

from app.access_log.models import AccessKind, DataAccess
from app.access_log.services import Accessed, record_accesses
from app.api.context import Info
from app.api.enums import described_enum
from app.api.pagination import After, Connection, First, paginate_queryset
from app.api.permissions import require_citizen
from app.dossiers.models import Dossier

described_enum(
    AccessKind,
    "DataAccessKind",
    "What a staff member did with the citizen's data.",
    {
        AccessKind.VIEWED_DOSSIER: "Opened the dossier (its form answers and timeline).",
        AccessKind.LISTED_DOSSIER: "Saw the dossier in a list of the centre's dossiers.",
        AccessKind.CHANGED_DOSSIER: "Worked on the dossier (status, request for documents, apology).",
        AccessKind.OPENED_DOCUMENT: "Opened one of the citizen's documents through a short-lived link.",
        AccessKind.ISSUED_RESULT: "Issued the signed result into the citizen's document store.",
    },
)


async def log_staff_access(info: Info, kind: AccessKind, dossiers: Iterable[Dossier]) -> None:
    """Record that the signed-in staff member accessed `dossiers` (one batched insert; nothing for citizens)."""
    viewer = info.context.viewer
    if viewer is None or not viewer.is_staff:
        return
    accessed = [Accessed(dossier.citizen_id, dossier.id) for dossier in dossiers]  # type: ignore[attr-defined]
    await record_accesses(viewer.id, viewer.centre_id, kind, accessed, info.context.services.clock())


@strawberry.type(description="One access by staff to the signed-in citizen's data.")
class DataAccessEntry:
    at: datetime = strawberry.field(description="When it happened.")
    kind: AccessKind = strawberry.field(description="What was done.")
    staff_name: str = strawberry.field(description="The staff member's name (their email when no name is set).")
    centre_name: str | None = strawberry.field(description="Their centre; null for provincial administrators.")
    dossier_code: str | None = strawberry.field(description="The dossier concerned, when there is one.")
    document_name: str | None = strawberry.field(description="The document opened or issued, when there is one.")

    @classmethod
    def from_model(cls, access: DataAccess) -> DataAccessEntry:
        """Needs `staff`, `centre`, `dossier` and `document` fetched."""
        return cls(
            at=access.at,
            kind=access.kind,
            staff_name=access.staff.full_name or access.staff.email,
            centre_name=access.centre.name_vi if access.centre else None,
            dossier_code=access.dossier.code if access.dossier else None,
            document_name=access.document.file_name if access.document else None,
        )


@strawberry.type
class DataAccessQuery:
    @strawberry.field(
        description="Every access by staff to the signed-in citizen's dossiers and documents, newest first."
    )
    async def my_data_access_log(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[DataAccessEntry]:
        viewer = require_citizen(info)
        queryset = (
            DataAccess.filter(citizen_id=viewer.id)
            .select_related("staff", "centre", "dossier", "document")
            .order_by("-at", "-id")
        )
        return await paginate_queryset(info, queryset, first, after, DataAccessEntry.from_model)
