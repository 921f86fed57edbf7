"""Answering "is this result genuine?" from a code, a file's SHA-256 or the file itself, without personal data."""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from tortoise.queryset import QuerySet

from app.results.models import SignedResult
from app.results.signing import ResultSigner, SignatureVerdict

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class VerificationStatus(StrEnum):
    """The answer about a presented result."""

    GENUINE = "GENUINE"  # exactly the file the province signed and issued
    ALTERED = "ALTERED"  # the code (or the province's signature) is there, but the file is not what was issued
    CODE_ISSUED = "CODE_ISSUED"  # the code was issued; no file was presented to compare
    UNKNOWN = "UNKNOWN"  # no result was issued with this code or these bytes


@dataclass(frozen=True)
class Verification:
    """The status and, when a result is recognised, the issued result (dossier and centre, nothing personal)."""

    status: VerificationStatus
    result: SignedResult | None = None


def _issued() -> QuerySet[SignedResult]:
    """Signed results with what a verification shows: the dossier's procedure and the issuing centre."""
    return SignedResult.all().select_related("dossier__procedure", "centre")


def normalise_sha256(raw: str) -> str | None:
    """Lower-case hex SHA-256, None when `raw` is not one."""
    digest = raw.strip().lower()
    return digest if SHA256_HEX.match(digest) else None


async def verify_presented(code: str | None, sha256: str | None) -> Verification:
    """Check a verification `code` (from the QR code or the paper) and/or a file's `sha256` (computed by the app).

    Both already normalised; at least one is given.
    """
    if code is None:
        found = await _issued().filter(sha256=sha256).first()
        return Verification(VerificationStatus.GENUINE, found) if found else Verification(VerificationStatus.UNKNOWN)
    found = await _issued().filter(verification_code=code).first()
    if found is None:
        return Verification(VerificationStatus.UNKNOWN)
    if sha256 is None:
        return Verification(VerificationStatus.CODE_ISSUED, found)
    status = VerificationStatus.GENUINE if found.sha256 == sha256 else VerificationStatus.ALTERED
    return Verification(status, found)


async def verify_file(signer: ResultSigner, pdf: bytes) -> Verification:
    """Check the bytes of a presented PDF: its signature by the province, then that it is a result issued here."""
    verdict = await asyncio.to_thread(signer.check, pdf)
    if verdict is SignatureVerdict.NOT_SIGNED:
        return Verification(VerificationStatus.UNKNOWN)
    if verdict is SignatureVerdict.ALTERED:
        return Verification(VerificationStatus.ALTERED)
    found = await _issued().filter(sha256=hashlib.sha256(pdf).hexdigest()).first()
    return Verification(VerificationStatus.GENUINE, found) if found else Verification(VerificationStatus.UNKNOWN)
