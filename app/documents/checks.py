"""The checks a received file passes before anyone sees it: size, announced hash, real type, decodability."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from app.documents.images import ImageTooLarge, ImageUnreadable, Renditions, renditions
from app.documents.pdfs import PdfEncrypted, PdfUnreadable, check_pdf
from app.documents.sniffing import SNIFF_BYTES, sniff_content_type
from app.errors import DomainError, ErrorCode

HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Announced:
    """What the client said about the file in `startUpload`."""

    content_type: str
    byte_size: int
    sha256: str


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed: its real type and, for images, the re-encoded copies."""

    content_type: str
    renditions: Renditions | None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(path: Path, announced: Announced) -> CheckedFile:
    """Run every check on the complete file at `path` (blocking: call it in a worker thread)."""
    received = path.stat().st_size
    if received != announced.byte_size:
        raise DomainError(ErrorCode.UPLOAD_INCOMPLETE, "uploadId", received=received, expected=announced.byte_size)
    if file_sha256(path) != announced.sha256:
        raise DomainError(ErrorCode.FILE_HASH_MISMATCH, "sha256")
    with path.open("rb") as file:
        real_type = sniff_content_type(file.read(SNIFF_BYTES))
    if real_type is None or real_type != announced.content_type:
        raise DomainError(ErrorCode.UNSUPPORTED_FILE_TYPE, "contentType")
    if real_type == "application/pdf":
        try:
            check_pdf(path)
        except PdfEncrypted:
            raise DomainError(ErrorCode.PDF_ENCRYPTED, "uploadId") from None
        except PdfUnreadable:
            raise DomainError(ErrorCode.PDF_UNREADABLE, "uploadId") from None
        return CheckedFile(real_type, None)
    try:
        return CheckedFile(real_type, renditions(path))
    except ImageTooLarge:
        raise DomainError(ErrorCode.IMAGE_TOO_LARGE, "uploadId") from None
    except ImageUnreadable:
        raise DomainError(ErrorCode.IMAGE_UNREADABLE, "uploadId") from None
