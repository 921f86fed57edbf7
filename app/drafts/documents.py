"""The documents a draft keeps: `{requirement_key, document_id}` pairs, as a dossier attaches them, each a document
of the citizen's own store for one of the procedure's requirements. Whether each document fits (checked, type,
size) and whether every mandatory requirement is met is left to the submission, which checks as `submitDossier`
does: a draft may hold a document still being scanned."""

from __future__ import annotations

from app.catalogue.document_requirements import requirements_of
from app.catalogue.models import Procedure
from app.documents.attachments import MAX_ATTACHMENTS, Attachment
from app.documents.models import Document
from app.errors import DomainError, DomainErrors, ErrorCode


def _field(key: str) -> str:
    return f"attachments.{key}"


async def checked_draft_attachments(
    citizen_id: int, procedure: Procedure, attachments: list[Attachment], legacy_document_ids: list[int]
) -> list[dict]:
    """At most 30 distinct pairs, each naming a requirement of the procedure (UNKNOWN_REQUIREMENT) and a document
    of the citizen's store (DOCUMENT_NOT_FOUND: another citizen's document is not found), one error per pair."""
    keys = {requirement.key for requirement in requirements_of(procedure)}
    chosen = list(attachments) + await _from_kinds(citizen_id, legacy_document_ids, keys)
    if len(chosen) > MAX_ATTACHMENTS or len(set(chosen)) != len(chosen):
        raise DomainError(ErrorCode.INVALID_DOCUMENT_REFERENCES, "attachments", max_documents=MAX_ATTACHMENTS)
    wanted = [attachment.document_id for attachment in chosen]
    owned = set(await Document.filter(owner_id=citizen_id, id__in=wanted).values_list("id", flat=True))
    errors = []
    for attachment in chosen:
        if attachment.requirement_key not in keys:
            errors.append(DomainError(ErrorCode.UNKNOWN_REQUIREMENT, _field(attachment.requirement_key)))
        elif attachment.document_id not in owned:
            errors.append(DomainError(ErrorCode.DOCUMENT_NOT_FOUND, _field(attachment.requirement_key)))
    if errors:
        raise DomainErrors(errors)
    return [{"requirement_key": item.requirement_key, "document_id": item.document_id} for item in chosen]


async def _from_kinds(citizen_id: int, document_ids: list[int], keys: set[str]) -> list[Attachment]:
    """Bare document ids (the deprecated `documentIds`): each must be a document of the citizen's store uploaded
    for one of the requirements (its `kind`), which becomes its requirement key."""
    if not document_ids:
        return []
    kinds = dict(await Document.filter(owner_id=citizen_id, id__in=document_ids).values_list("id", "kind"))
    if len(set(document_ids)) != len(document_ids) or any(kinds.get(pk) not in keys for pk in document_ids):
        raise DomainError(ErrorCode.INVALID_DOCUMENT_REFERENCES, "document_ids", max_documents=MAX_ATTACHMENTS)
    return [Attachment(kinds[pk], pk) for pk in document_ids]


def draft_attachments(stored: list[dict]) -> list[Attachment]:
    """A draft's kept pairs as the dossier service takes them."""
    return [Attachment(item["requirement_key"], item["document_id"]) for item in stored]
