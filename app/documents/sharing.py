"""Documents lent by a helper: a delegate may attach documents of their own store to a dossier they file for the
person they represent. The dossier belongs to that person, so each lent document is copied (bytes and all) into
their store first: they see it in `myDocuments`, can open and reuse it, and it stays whole whatever the delegate
later deletes. The copy says where it came from (`DocumentSource.FROM_DELEGATE`) and carries no known fields (they
would be the delegate's answers). It counts towards the owner's store like any document, without refusing the
filing when that store is full."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from app.catalogue.document_requirements import DocumentRequirement
from app.documents.models import Document, DocumentSource
from app.documents.storage.base import DocumentStorage

JPEG = "image/jpeg"


@dataclass(frozen=True)
class LentDocuments:
    """The store of `helper_id` may provide documents for someone else's dossier."""

    helper_id: int
    storage: DocumentStorage

    async def adopted(
        self, owner_id: int, accepted: list[tuple[DocumentRequirement, Document]], now: datetime
    ) -> list[tuple[DocumentRequirement, Document]]:
        """`accepted` with every document of the helper's store replaced by its copy in the owner's store (a
        document used for two requirements is copied once)."""
        copies: dict[int, Document] = {}
        adopted = []
        for requirement, document in accepted:
            if document.owner_id == self.helper_id and document.owner_id != owner_id:  # type: ignore[attr-defined]
                if document.id not in copies:
                    copies[document.id] = await self._copy(document, owner_id, now)
                document = copies[document.id]
            adopted.append((requirement, document))
        return adopted

    async def _copy(self, document: Document, owner_id: int, now: datetime) -> Document:
        prefix = f"{owner_id}/{secrets.token_hex(12)}"
        keys = {
            "original_key": (document.original_key, f"{prefix}/original", document.content_type),
            "reading_key": (document.reading_key, f"{prefix}/reading.jpg", JPEG),
            "preview_key": (document.preview_key, f"{prefix}/preview.jpg", JPEG),
        }
        copied = {}
        for field, (source, target, content_type) in keys.items():
            if source:
                await self.storage.put(target, self.storage.open(source), content_type)
                copied[field] = target
        return await Document.create(
            owner_id=owner_id,
            kind=document.kind,
            file_name=document.file_name,
            content_type=document.content_type,
            byte_size=document.byte_size,
            sha256=document.sha256,
            status=document.status,
            source=DocumentSource.FROM_DELEGATE,
            created_at=now,
            checked_at=document.checked_at,
            **copied,
        )
