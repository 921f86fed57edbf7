"""Issuing a signed result: sign the staff's PDF, store the signed copy in the citizen's document store."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from tortoise.transactions import in_transaction

from app.access_log.models import AccessKind
from app.access_log.services import Accessed, record_accesses
from app.catalogue.document_requirements import REUSABLE_KINDS
from app.clock import Clock
from app.documents.known_fields import vouched_answers
from app.documents.models import Document, DocumentSource, DocumentStatus
from app.documents.storage.base import DocumentStorage
from app.dossiers.models import Dossier, DossierStatus
from app.errors import DomainError, ErrorCode
from app.results.codes import new_verification_code
from app.results.models import SignedResult
from app.results.signing import ResultSigner, UnsignablePdf
from app.results.signing_identity import load_identity
from app.settings import Settings

# A result is issued once the dossier is being processed and until it is handed over.
RESULT_STATUSES = (
    DossierStatus.PROCESSING,
    DossierStatus.PAYMENT_REQUESTED,
    DossierStatus.RESULT_READY,
    DossierStatus.RETURNED,
)
PDF = "application/pdf"
VERIFY_PATH = "/results/verify"
UPLOAD_SECONDS = 3600  # staff on a slow link have an hour to send the PDF to its signed upload link
STAGING = "staging/results"


@dataclass(frozen=True)
class StagedUpload:
    """Where to send a result's bytes, and until when."""

    key: str
    url: str
    expires_at: datetime


class ResultService:
    """Signs results with the province's key (loaded, or made for development, on first use)."""

    def __init__(
        self, settings: Settings, storage: DocumentStorage, clock: Clock, public_url: str, development_dir: Path
    ) -> None:
        self.settings = settings
        self.public_url = public_url.rstrip("/")
        self.storage = storage
        self.clock = clock
        self.development_dir = development_dir
        self._signer: ResultSigner | None = None

    @property
    def signer(self) -> ResultSigner:
        if self._signer is None:
            identity = load_identity(
                self.settings.result_signing_key_file, self.settings.result_signing_cert_file, self.development_dir
            )
            self._signer = ResultSigner(identity)
        return self._signer

    def verification_url(self, code: str) -> str:
        """The link in the result's QR code."""
        return f"{self.public_url}{VERIFY_PATH}?{urlencode({'code': code})}"

    async def start_upload(self, dossier: Dossier, staff_id: int, byte_size: int) -> StagedUpload:
        """Where staff PUT the result's PDF before `issue_uploaded`: a signed link to a fresh staging key.

        Raises RESULT_NOT_EXPECTED, FILE_TOO_LARGE.
        """
        self._check_can_issue(dossier)
        self._check_size(byte_size, "byte_size")
        key = f"{STAGING}/{dossier.id}/{secrets.token_hex(16)}.pdf"
        url = await self.storage.signed_upload_url(
            key, bound_to=f"staff:{staff_id}", expires_in=UPLOAD_SECONDS, content_type=PDF
        )
        return StagedUpload(key, url, self.clock() + timedelta(seconds=UPLOAD_SECONDS))

    async def issue_uploaded(
        self, dossier: Dossier, staff_id: int, staff_centre_id: int | None, key: str, sha256: str, kind: str = ""
    ) -> SignedResult:
        """Sign and issue the PDF staff sent to `key` (from `start_upload` for this dossier), then drop the staged copy.

        Raises UNKNOWN_DOCUMENT_KIND, UPLOAD_NOT_FOUND, FILE_TOO_LARGE, FILE_HASH_MISMATCH and what `issue` raises.
        """
        self._check_can_issue(dossier)
        if kind and kind not in REUSABLE_KINDS:
            raise DomainError(ErrorCode.UNKNOWN_DOCUMENT_KIND, "kind")
        size = await self.storage.size(key) if key.startswith(f"{STAGING}/{dossier.id}/") else None
        if size is None:
            raise DomainError(ErrorCode.UPLOAD_NOT_FOUND, "upload_key")
        self._check_size(size, "upload_key")
        pdf = b"".join([chunk async for chunk in self.storage.open(key)])
        if hashlib.sha256(pdf).hexdigest() != sha256:
            raise DomainError(ErrorCode.FILE_HASH_MISMATCH, "sha256")
        result = await self.issue(dossier, staff_id, staff_centre_id, pdf, kind)
        await self.storage.delete(key)
        return result

    def _check_can_issue(self, dossier: Dossier) -> None:
        if dossier.status not in RESULT_STATUSES:
            raise DomainError(ErrorCode.RESULT_NOT_EXPECTED, "dossier")

    def _check_size(self, byte_size: int, field: str) -> None:
        if not 0 < byte_size <= self.settings.max_result_bytes:
            raise DomainError(ErrorCode.FILE_TOO_LARGE, field, max_bytes=self.settings.max_result_bytes)

    async def issue(
        self, dossier: Dossier, staff_id: int, staff_centre_id: int | None, pdf: bytes, kind: str = ""
    ) -> SignedResult:
        """Sign `pdf` as the result of `dossier` and put the signed copy in its citizen's store.

        Raises RESULT_NOT_EXPECTED (the dossier's status does not allow a result), RESULT_NOT_SIGNABLE.
        """
        self._check_can_issue(dossier)
        code = new_verification_code()
        try:
            signed = await asyncio.to_thread(self.signer.sign, pdf, self.verification_url(code), code)
        except UnsignablePdf:
            raise DomainError(ErrorCode.RESULT_NOT_SIGNABLE, "upload_key") from None
        now = self.clock()
        key = f"results/{dossier.id}/{code}.pdf"
        await self.storage.put(key, _chunks(signed), PDF)
        try:
            async with in_transaction():
                document = await Document.create(
                    owner_id=dossier.citizen_id,  # type: ignore[attr-defined]
                    kind=kind,
                    file_name=f"ket-qua-{dossier.code}.pdf",
                    content_type=PDF,
                    byte_size=len(signed),
                    sha256=hashlib.sha256(signed).hexdigest(),
                    original_key=key,
                    status=DocumentStatus.CLEAN,
                    source=DocumentSource.ISSUED_RESULT,
                    known_fields=vouched_answers(dossier.form_data or {}),
                    created_at=now,
                    checked_at=now,
                )
                result = await SignedResult.create(
                    verification_code=code,
                    dossier=dossier,
                    centre_id=dossier.handling_centre_id,  # type: ignore[attr-defined]
                    document=document,
                    issued_by_id=staff_id,
                    sha256=document.sha256,
                    byte_size=len(signed),
                    issued_at=now,
                )
                accessed = Accessed(dossier.citizen_id, dossier.id, document.id)  # type: ignore[attr-defined]
                await record_accesses(staff_id, staff_centre_id, AccessKind.ISSUED_RESULT, [accessed], now)
        except BaseException:
            await self.storage.delete(key)
            raise
        return result


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data
