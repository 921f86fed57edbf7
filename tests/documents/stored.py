"""Documents put straight into a citizen's store, for tests about attaching them (uploads have their own tests)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from strawberry import relay

from app.documents.models import Document, DocumentStatus


async def stored_document(
    citizen_id: int,
    content_type: str = "application/pdf",
    status: DocumentStatus = DocumentStatus.CLEAN,
    byte_size: int = 1000,
) -> Document:
    """A checked document row (its bytes are not stored: attaching never reads them)."""
    return await Document.create(
        owner_id=citizen_id,
        file_name="scan.pdf",
        content_type=content_type,
        byte_size=byte_size,
        sha256=hashlib.sha256(b"%d" % byte_size).hexdigest(),
        original_key=f"{citizen_id}/test/original",
        status=status,
        created_at=datetime(2026, 11, 30, tzinfo=UTC),
        checked_at=datetime(2026, 11, 30, tzinfo=UTC),
    )


def document_id(document: Document) -> str:
    return str(relay.GlobalID("Document", str(document.id)))


async def birth_attachments(citizen_id: int) -> list[dict]:
    """Stored documents for both mandatory requirements of birth registration (1.001193)."""
    return [
        {"requirementKey": key, "documentId": document_id(await stored_document(citizen_id))}
        for key in ("birth_medical_certificate", "applicant_id_card")
    ]
