"""Signed e-results: anyone can check that a presented result is genuine (`verifyResult`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app.api.context import Info
from app.api.enums import described_enum
from app.api.errors import bad_input
from app.catalogue.models import localised_name
from app.results import verification
from app.results.codes import normalise_verification_code
from app.results.models import SignedResult
from app.results.verification import Verification, VerificationStatus

described_enum(
    VerificationStatus,
    "ResultVerificationStatus",
    "What the province's records say about a presented result.",
    {
        VerificationStatus.GENUINE: "Exactly the file the province signed and issued.",
        VerificationStatus.ALTERED: "Not the file that was issued: changed, or signed again after issue.",
        VerificationStatus.CODE_ISSUED: "The code was issued (see `result`); no file was presented to compare.",
        VerificationStatus.UNKNOWN: "No result was issued with this code or this file.",
    },
)


@strawberry.type(description="An issued result as anyone may see it: which dossier and centre, nothing personal.")
class IssuedResult:
    verification_code: str = strawberry.field(description="The code printed on the result and in its QR code.")
    dossier_code: str = strawberry.field(description="The dossier it was issued for.")
    procedure_name: str = strawberry.field(description="The procedure, in the caller's language.")
    centre_name: str = strawberry.field(description="The issuing centre.")
    issued_at: datetime = strawberry.field(description="When it was signed.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the signed file as issued.")

    @classmethod
    def from_model(cls, result: SignedResult, locale: str) -> IssuedResult:
        """Needs `dossier__procedure` and `centre` fetched."""
        procedure = result.dossier.procedure
        return cls(
            verification_code=result.verification_code,
            dossier_code=result.dossier.code,
            procedure_name=localised_name(procedure.name_vi, procedure.name_en, locale),
            centre_name=result.centre.name_vi,
            issued_at=result.issued_at,
            sha256=result.sha256,
        )


@strawberry.type(description="The answer of `verifyResult`.")
class ResultVerification:
    status: VerificationStatus = strawberry.field(description="Genuine, altered, issued code, or unknown.")
    result: IssuedResult | None = strawberry.field(description="The issued result the code or file names, if any.")

    @classmethod
    def from_verification(cls, verification: Verification, locale: str) -> ResultVerification:
        result = verification.result
        return cls(status=verification.status, result=IssuedResult.from_model(result, locale) if result else None)


@strawberry.type
class ResultsQuery:
    @strawberry.field(
        description="Public, no sign-in: is a presented result genuine and unaltered, and who issued it? Give the "
        "verification code (QR code or paper) and/or the SHA-256 the app computed over the file's bytes. "
        "To check a file by its signature instead, POST its bytes to `/results/verify`."
    )
    async def verify_result(
        self,
        info: Info,
        code: Annotated[
            str | None, strawberry.argument(description="Verification code, e.g. K7QM-2XWD-9RTA (dashes optional).")
        ] = None,
        sha256: Annotated[
            str | None, strawberry.argument(description="Hex SHA-256 of the presented file's bytes.")
        ] = None,
    ) -> ResultVerification:
        canonical_code = normalise_verification_code(code) if code is not None else None
        if code is not None and canonical_code is None:
            raise bad_input("`code` is not a verification code (12 letters and digits).", "code")
        digest = verification.normalise_sha256(sha256) if sha256 is not None else None
        if sha256 is not None and digest is None:
            raise bad_input("`sha256` must be 64 hexadecimal characters.", "sha256")
        if canonical_code is None and digest is None:
            raise bad_input("Give `code`, `sha256` or both.")
        found = await verification.verify_presented(canonical_code, digest)
        return ResultVerification.from_verification(found, info.context.locale)
