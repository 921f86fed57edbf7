"""Uploads: announced through the API, received resumably (tus 1.0 core) into a staging file, then checked
and stored as a document. The bytes never pass through GraphQL and are never held whole in memory."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from tortoise.transactions import in_transaction

from app.catalogue.document_requirements import ACCEPTED_TYPES
from app.clock import Clock, system_clock
from app.documents.checks import Announced, CheckedFile, check_file
from app.documents.models import Document, DocumentSource, DocumentStatus, Upload
from app.documents.quota import locked_usage, usage
from app.documents.scanning import ClamdScanner, ScannerUnavailable
from app.documents.storage.base import CHUNK_BYTES, DocumentStorage
from app.documents.storage.signing import is_valid, signed_query
from app.errors import DomainError, ErrorCode

UPLOADS_PATH = "/uploads/"
MAX_FILE_NAME = 255
MAX_OPEN_UPLOADS = 10
SHA256 = re.compile(r"[0-9a-f]{64}")
KIND = re.compile(r"[a-z0-9_]{0,64}")


class UploadRefused(Exception):
    """A tus request that cannot be served; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class UploadLimits:
    """Sizes and times that bound uploads."""

    max_bytes: int
    quota_bytes: int
    ttl: timedelta


def checked_file_name(name: str) -> str:
    """A bare file name: no directory part, no control characters, 1 to 255 characters."""
    if (
        not 1 <= len(name) <= MAX_FILE_NAME
        or name.strip() in ("", ".", "..")
        or any(c in name for c in "/\\")
        or any(ord(c) < 32 for c in name)
    ):
        raise DomainError(ErrorCode.INVALID_FILE_NAME, "file_name")
    return name.strip()


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as file:
        while chunk := await asyncio.to_thread(file.read, CHUNK_BYTES):
            yield chunk


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


class UploadService:
    """Starts uploads, receives their bytes, and turns complete ones into checked documents."""

    def __init__(
        self,
        storage: DocumentStorage,
        staging_dir: Path,
        limits: UploadLimits,
        *,
        secret: str,
        base_url: str,
        scanner: ClamdScanner | None = None,
        checks_in_parallel: int = 2,
        clock: Clock = system_clock,
    ) -> None:
        self.storage = storage
        self.staging_dir = staging_dir
        self.limits = limits
        self._secret = secret
        self._base_url = base_url
        self._scanner = scanner
        self._checks = asyncio.Semaphore(checks_in_parallel)
        self._clock = clock

    def staging_path(self, upload: Upload) -> Path:
        return self.staging_dir / f"{upload.token}.part"

    async def start(
        self,
        citizen_id: int,
        content_type: str,
        byte_size: int,
        sha256: str,
        file_name: str,
        kind: str = "",
        started_by: int | None = None,
    ) -> Upload:
        """Announce a file for the citizen's store; returns the upload to send its bytes to (see `upload_url`).
        An officer scanning it at the counter for them is `started_by`."""
        if content_type not in ACCEPTED_TYPES:
            raise DomainError(ErrorCode.UNSUPPORTED_FILE_TYPE, "content_type")
        if not 1 <= byte_size <= self.limits.max_bytes:
            raise DomainError(ErrorCode.FILE_TOO_LARGE, "byte_size", max_bytes=self.limits.max_bytes)
        sha256 = sha256.strip().lower()
        if not SHA256.fullmatch(sha256):
            raise DomainError(ErrorCode.FILE_HASH_MISMATCH, "sha256")
        if not KIND.fullmatch(kind):
            raise DomainError(ErrorCode.UNKNOWN_REQUIREMENT, "kind")
        file_name = checked_file_name(file_name)
        if await usage(citizen_id) + byte_size > self.limits.quota_bytes:
            raise DomainError(ErrorCode.QUOTA_EXCEEDED, "byte_size", quota_bytes=self.limits.quota_bytes)
        now = self._clock()
        if await Upload.filter(owner_id=citizen_id, document_id__isnull=True, expires_at__gt=now).count() >= (
            MAX_OPEN_UPLOADS
        ):
            raise DomainError(ErrorCode.TOO_MANY_UPLOADS, "file_name", limit=MAX_OPEN_UPLOADS)
        upload = await Upload.create(
            token=secrets.token_urlsafe(24),
            owner_id=citizen_id,
            file_name=file_name,
            content_type=content_type,
            byte_size=byte_size,
            sha256=sha256,
            kind=kind,
            started_by_id=started_by,
            expires_at=now + self.limits.ttl,
            created_at=now,
        )
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        self.staging_path(upload).touch()
        return upload

    def upload_url(self, upload: Upload) -> str:
        """The tus upload URL: signed, bound to the uploader, valid until the upload expires."""
        query = signed_query(
            self._secret,
            action="upload",
            key=upload.token,
            bound_to=f"citizen:{upload.owner_id}",  # type: ignore[attr-defined]
            expires=int(upload.expires_at.timestamp()),
        )
        return f"{self._base_url}{UPLOADS_PATH}{upload.token}?{query}"

    async def open_upload(self, token: str, by: str, expires: int, sig: str) -> Upload:
        """The upload a signed tus URL names; UploadRefused(403/404/410) otherwise."""
        now = self._clock()
        grant = {"action": "upload", "key": token, "bound_to": by, "expires": expires, "sig": sig}
        if not is_valid(self._secret, now=now.timestamp(), **grant):
            raise UploadRefused(403, "invalid or expired signature")
        upload = await Upload.get_or_none(token=token)
        if upload is None or f"citizen:{upload.owner_id}" != by:  # type: ignore[attr-defined]
            raise UploadRefused(404, "no such upload")
        if upload.document_id is not None or upload.expires_at <= now:  # type: ignore[attr-defined]
            raise UploadRefused(410, "upload finished or expired")
        return upload

    async def receive(self, upload: Upload, offset: int, chunks: AsyncIterable[bytes]) -> int:
        """Append bytes at `offset` (tus PATCH); keeps what arrived even when the link drops. Returns the new offset."""
        if offset != upload.received_bytes:
            raise UploadRefused(409, f"offset is {upload.received_bytes}")
        path = self.staging_path(upload)
        written = offset
        try:
            with path.open("r+b") as file:
                file.seek(offset)
                file.truncate()
                async for chunk in chunks:
                    if written + len(chunk) > upload.byte_size:
                        raise UploadRefused(413, "more bytes than announced")
                    await asyncio.to_thread(file.write, chunk)
                    written += len(chunk)
        finally:
            if written != offset:
                await Upload.filter(id=upload.id, received_bytes=offset).update(received_bytes=written)
        return written

    async def finish(self, citizen_id: int, token: str, started_by: int | None = None) -> Document:
        """Check the complete upload and keep it as a document of the citizen's store (for an upload an officer
        started, give `started_by`: only they finish it); on any failure nothing is stored."""
        now = self._clock()
        upload = await Upload.get_or_none(
            token=token, owner_id=citizen_id, started_by_id=started_by, document_id__isnull=True, expires_at__gt=now
        )
        if upload is None:
            raise DomainError(ErrorCode.UPLOAD_NOT_FOUND, "upload_id")
        if upload.received_bytes != upload.byte_size:
            raise DomainError(
                ErrorCode.UPLOAD_INCOMPLETE, "upload_id", received=upload.received_bytes, expected=upload.byte_size
            )
        path = self.staging_path(upload)
        try:
            checked = await self._checked(path, upload)
            infected = await self._scan(path) if self._scanner else None
            if infected:
                raise DomainError(ErrorCode.FILE_INFECTED, "upload_id")
            return await self._keep(upload, path, checked, scanned=self._scanner is None or infected is None)
        except DomainError:
            await self.discard(upload)
            raise

    async def _checked(self, path: Path, upload: Upload) -> CheckedFile:
        async with self._checks:
            return await asyncio.to_thread(
                check_file, path, Announced(upload.content_type, upload.byte_size, upload.sha256)
            )

    async def _scan(self, path: Path) -> str | bool | None:
        """The malware found, None when clean, False when the scanner could not answer (stays quarantined)."""
        try:
            return await self._scanner.scan(_file_chunks(path))  # type: ignore[union-attr]
        except ScannerUnavailable:
            return False

    async def _keep(self, upload: Upload, path: Path, checked: CheckedFile, scanned: bool) -> Document:
        prefix = f"{upload.owner_id}/{secrets.token_hex(12)}"  # type: ignore[attr-defined]
        keys = {"original": f"{prefix}/original"}
        await self.storage.put(keys["original"], _file_chunks(path), checked.content_type)
        if checked.renditions is not None:
            keys["reading"], keys["preview"] = f"{prefix}/reading.jpg", f"{prefix}/preview.jpg"
            await self.storage.put(keys["reading"], _one(checked.renditions.reading), "image/jpeg")
            await self.storage.put(keys["preview"], _one(checked.renditions.preview), "image/jpeg")
        now = self._clock()
        try:
            async with in_transaction():
                used = await locked_usage(upload.owner_id)  # type: ignore[attr-defined]
                if used + upload.byte_size > self.limits.quota_bytes:
                    raise DomainError(ErrorCode.QUOTA_EXCEEDED, "upload_id", quota_bytes=self.limits.quota_bytes)
                document = await Document.create(
                    owner_id=upload.owner_id,  # type: ignore[attr-defined]
                    kind=upload.kind,
                    file_name=upload.file_name,
                    content_type=checked.content_type,
                    byte_size=upload.byte_size,
                    sha256=upload.sha256,
                    original_key=keys["original"],
                    reading_key=keys.get("reading"),
                    preview_key=keys.get("preview"),
                    status=DocumentStatus.CLEAN if scanned else DocumentStatus.QUARANTINED,
                    source=DocumentSource.UPLOADED if upload.started_by_id is None else DocumentSource.AT_COUNTER,  # type: ignore[attr-defined]
                    created_at=now,
                    checked_at=now if scanned else None,
                )
                await Upload.filter(id=upload.id).update(document_id=document.id)
        except BaseException:
            for key in keys.values():
                await self.storage.delete(key)
            raise
        await asyncio.to_thread(path.unlink, missing_ok=True)
        return document

    async def discard(self, upload: Upload) -> None:
        """Forget an upload and its received bytes."""
        self.staging_path(upload).unlink(missing_ok=True)
        await Upload.filter(id=upload.id).delete()

    async def prune_expired(self) -> int:
        """Drop unfinished uploads past their expiry with their staged bytes; returns how many."""
        expired = await Upload.filter(document_id__isnull=True, expires_at__lte=self._clock())
        for upload in expired:
            await self.discard(upload)
        return len(expired)

    async def rescan_quarantined(self) -> int:
        """Scan documents left quarantined while the scanner was away; returns how many were decided."""
        if self._scanner is None:
            return 0
        decided = 0
        for document in await Document.filter(status=DocumentStatus.QUARANTINED).order_by("id").limit(100):
            try:
                found = await self._scanner.scan(self.storage.open(document.original_key))
            except ScannerUnavailable:
                break
            await self._record_verdict(document, found)
            decided += 1
        return decided

    async def _record_verdict(self, document: Document, found: str | None) -> None:
        now = self._clock()
        if found is None:
            await Document.filter(id=document.id).update(status=DocumentStatus.CLEAN, checked_at=now)
            return
        await Document.filter(id=document.id).update(
            status=DocumentStatus.REJECTED, rejection_code=ErrorCode.FILE_INFECTED.value, checked_at=now
        )
        for key in (document.original_key, document.reading_key, document.preview_key):
            if key:
                await self.storage.delete(key)
