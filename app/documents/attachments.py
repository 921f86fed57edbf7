"""Attaching stored documents to a dossier: each for one of its procedure's requirements, checked as a whole."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from app.catalogue.document_requirements import DocumentRequirement
from app.documents.models import Document, DocumentStatus, DossierDocument, ReviewStatus
from app.errors import DomainError, DomainErrors, ErrorCode

MAX_ATTACHMENTS = 30


@dataclass(frozen=True)
class Attachment:
    """A citizen's choice: this stored document meets that requirement."""

    requirement_key: str
    document_id: int


def _field(key: str) -> str:
    return f"attachments.{key}"


def _fits(requirement: DocumentRequirement, document: Document) -> DomainError | None:
    if document.status is not DocumentStatus.CLEAN:
        return DomainError(ErrorCode.DOCUMENT_NOT_READY, _field(requirement.key))
    if document.content_type not in requirement.accepted_types:
        reason = {"vi": f"loại tệp {document.content_type}", "en": f"file type {document.content_type}"}
        return DomainError(ErrorCode.DOCUMENT_NOT_ACCEPTED, _field(requirement.key), reason=reason)
    if document.byte_size > requirement.max_bytes:
        reason = {"vi": f"quá {requirement.max_bytes} byte", "en": f"over {requirement.max_bytes} bytes"}
        return DomainError(ErrorCode.DOCUMENT_NOT_ACCEPTED, _field(requirement.key), reason=reason)
    return None


async def checked_attachments(
    owner_ids: Collection[int],
    requirements: list[DocumentRequirement],
    attachments: Iterable[Attachment],
    needed: Iterable[DocumentRequirement],
) -> list[tuple[DocumentRequirement, Document]]:
    """The attachments as (requirement, document) once every one fits and every `needed` requirement is met, each
    document from the store of one of `owner_ids`; otherwise DomainErrors with one error per problem (field
    `attachments.<requirement key>`)."""
    attachments = list(dict.fromkeys(attachments))
    if len(attachments) > MAX_ATTACHMENTS:
        raise DomainError(ErrorCode.TOO_MANY_IDS, "attachments", limit=MAX_ATTACHMENTS)
    by_key = {requirement.key: requirement for requirement in requirements}
    documents = {
        document.id: document
        for document in await Document.filter(
            owner_id__in=list(owner_ids), id__in=[attachment.document_id for attachment in attachments]
        )
    }
    errors: list[DomainError] = []
    accepted: list[tuple[DocumentRequirement, Document]] = []
    for attachment in attachments:
        requirement = by_key.get(attachment.requirement_key)
        document = documents.get(attachment.document_id)
        if requirement is None:
            errors.append(DomainError(ErrorCode.UNKNOWN_REQUIREMENT, _field(attachment.requirement_key)))
        elif document is None:
            errors.append(DomainError(ErrorCode.DOCUMENT_NOT_FOUND, _field(attachment.requirement_key)))
        elif (problem := _fits(requirement, document)) is not None:
            errors.append(problem)
        else:
            accepted.append((requirement, document))
    met = {requirement.key for requirement, _ in accepted} | {attachment.requirement_key for attachment in attachments}
    for requirement in needed:
        if requirement.key not in met:
            name = {"vi": requirement.name_vi, "en": requirement.name_en or requirement.name_vi}
            errors.append(DomainError(ErrorCode.DOCUMENT_MISSING, _field(requirement.key), name=name))
    if errors:
        raise DomainErrors(errors)
    return accepted


async def attach(
    dossier_id: int,
    accepted: list[tuple[DocumentRequirement, Document]],
    now: datetime,
    supplement_request_id: int | None = None,
) -> None:
    """Record the attachments (inside the caller's transaction); one attached before goes back to review."""
    existing = set(await DossierDocument.filter(dossier_id=dossier_id).values_list("document_id", "requirement_key"))
    again = [(req, document) for req, document in accepted if (document.id, req.key) in existing]
    for requirement, document in again:
        await DossierDocument.filter(
            dossier_id=dossier_id, document_id=document.id, requirement_key=requirement.key
        ).update(
            review_status=ReviewStatus.PENDING,
            review_reason="",
            reviewed_by_id=None,
            reviewed_at=None,
            supplement_request_id=supplement_request_id,
            attached_at=now,
        )
    await DossierDocument.bulk_create(
        [
            DossierDocument(
                dossier_id=dossier_id,
                document_id=document.id,
                requirement_key=requirement.key,
                supplement_request_id=supplement_request_id,
                attached_at=now,
            )
            for requirement, document in accepted
            if (requirement, document) not in again
        ]
    )
