"""The citizen's document store and staff's review of attached documents."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from app.clock import Clock, system_clock
from app.documents.models import Document, DossierDocument, ReviewStatus
from app.documents.storage.base import DocumentStorage
from app.dossiers.lifecycle import FINISHED
from app.errors import DomainError, ErrorCode

MAX_REASON = 1000


class DocumentService:
    """Deleting stored documents and reviewing attached ones."""

    def __init__(self, storage: DocumentStorage, clock: Clock = system_clock) -> None:
        self.storage = storage
        self._clock = clock

    async def delete(self, citizen_id: int, document_id: int) -> None:
        """Delete one's own document with its bytes, unless a dossier that is not finished uses it."""
        document = await Document.get_or_none(id=document_id, owner_id=citizen_id)
        if document is None:
            raise DomainError(ErrorCode.DOCUMENT_NOT_FOUND, "documentId")
        async with in_transaction():
            if (
                await DossierDocument.filter(document_id=document.id)
                .exclude(dossier__status__in=list(FINISHED))
                .exists()
            ):
                raise DomainError(ErrorCode.DOCUMENT_IN_USE, "documentId")
            await DossierDocument.filter(document_id=document.id).delete()
            await document.delete()
        for key in (document.original_key, document.reading_key, document.preview_key):
            if key:
                await self.storage.delete(key)

    async def review(
        self, dossier_id: int, attachment_id: int, staff_id: int, accepted: bool, reason: str = ""
    ) -> DossierDocument:
        """Accept or reject one document attached to the dossier; a rejection needs a reason the citizen sees."""
        attachment = await DossierDocument.get_or_none(id=attachment_id, dossier_id=dossier_id)
        if attachment is None:
            raise DomainError(ErrorCode.DOCUMENT_NOT_FOUND, "attachmentId")
        reason = reason.strip()
        if len(reason) > MAX_REASON:
            raise DomainError(ErrorCode.INVALID_NOTE, "reason")
        if not accepted and not reason:
            raise DomainError(ErrorCode.REASON_REQUIRED, "reason")
        now: datetime = self._clock()
        attachment.review_status = ReviewStatus.ACCEPTED if accepted else ReviewStatus.REJECTED
        attachment.review_reason = "" if accepted else reason
        attachment.reviewed_by_id = staff_id  # type: ignore[attr-defined]
        attachment.reviewed_at = now
        await attachment.save(update_fields=["review_status", "review_reason", "reviewed_by_id", "reviewed_at"])
        return attachment
