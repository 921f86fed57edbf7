"""Staff open a citizen's document only through a short-lived link, and every link handed out is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.access_log.models import AccessKind
from app.access_log.services import Accessed, record_accesses
from app.documents.models import Document, DossierDocument
from app.documents.storage.base import DocumentStorage
from app.dossiers.models import Dossier
from app.errors import DomainError, ErrorCode
from app.results.models import SignedResult


@dataclass(frozen=True)
class DocumentLink:
    """A link that reads one document until it expires."""

    url: str
    expires_at: datetime


async def staff_document_link(
    storage: DocumentStorage,
    staff_id: int,
    staff_centre_id: int | None,
    dossier: Dossier,
    document_id: int,
    now: datetime,
    ttl_seconds: int,
) -> DocumentLink:
    """A link for staff to read a document of `dossier` (attached to it, or its signed result), logged for the owner.

    Images are read from their re-encoded copy, never the original with its EXIF. Raises DOCUMENT_NOT_FOUND.
    """
    belongs = await DossierDocument.exists(dossier_id=dossier.id, document_id=document_id) or (
        await SignedResult.exists(dossier_id=dossier.id, document_id=document_id)
    )
    document = await Document.get_or_none(id=document_id) if belongs else None
    if document is None:
        raise DomainError(ErrorCode.DOCUMENT_NOT_FOUND, "document_id")
    url = await storage.signed_read_url(
        document.reading_key or document.original_key,
        bound_to=f"staff:{staff_id}",
        expires_in=ttl_seconds,
        file_name=document.file_name,
    )
    accessed = Accessed(document.owner_id, dossier.id, document.id)  # type: ignore[attr-defined]
    await record_accesses(staff_id, staff_centre_id, AccessKind.OPENED_DOCUMENT, [accessed], now)
    return DocumentLink(url, now + timedelta(seconds=ttl_seconds))
