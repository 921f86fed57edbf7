"""Signed e-results: anyone can check that a presented result is genuine (`verifyResult`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from app.api.arguments import Input
from app.api.context import Info
from app.api.dossier_access import dossier_to_change
from app.api.dossier_reference import DOSSIER_FIELD
from app.api.enums import described_enum
from app.api.errors import UserError, bad_input, coded_mutation
from app.api.permissions import require_staff
from app.catalogue.document_requirements import REUSABLE_KINDS
from app.catalogue.models import localised_name
from app.errors import DomainError, ErrorCode
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


@strawberry.type(description="A signed result of a dossier, for its owner and staff.")
class DossierResult:
    verification_code: str = strawberry.field(description="Printed on the result and in its QR code.")
    issued_at: datetime = strawberry.field(description="When it was signed.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the signed file.")
    document_id: relay.GlobalID | None = strawberry.field(
        description="The signed copy in the citizen's document store (download it for offline reading); null once "
        "the citizen deleted it."
    )

    @classmethod
    def from_model(cls, result: SignedResult) -> DossierResult:
        document = result.document_id  # type: ignore[attr-defined]
        return cls(
            verification_code=result.verification_code,
            issued_at=result.issued_at,
            sha256=result.sha256,
            document_id=relay.GlobalID("Document", str(document)) if document else None,
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


@strawberry.input(description="Get a link to send a dossier's result PDF to, before `issueResult` (handling staff).")
class StartResultUploadInput:
    dossier_code: str = strawberry.field(description="Dossier code.")
    byte_size: int = strawberry.field(description="Size of the PDF in bytes (see the README's limits).")


@strawberry.type(description="Where to send a result's PDF: one HTTP PUT of its bytes to `url`.")
class ResultUpload:
    upload_key: str = strawberry.field(description="Pass it to `issueResult` once the PUT succeeded.")
    url: str = strawberry.field(description="Signed link for the PUT, bound to you.")
    expires_at: datetime = strawberry.field(description="The link works until then.")


@strawberry.type(description="Result of `startResultUpload`.")
class StartResultUploadPayload:
    upload: ResultUpload | None = strawberry.field(default=None, description="Where to send the bytes.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(description="Sign the uploaded PDF and issue it as the dossier's result (handling staff).")
class IssueResultInput:
    dossier_code: str = strawberry.field(description="Dossier code.")
    upload_key: str = strawberry.field(description="From `startResultUpload`, after the bytes were sent.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the PDF as sent, checked before signing.")
    kind: str = strawberry.field(
        default="",
        description="The reusable kind of document the result is (e.g. birth_certificate), so that the citizen can "
        f"attach it wherever that kind is required; one of {', '.join(REUSABLE_KINDS)}, or empty.",
    )


@strawberry.type(description="Result of `issueResult`.")
class IssueResultPayload:
    result: IssuedResult | None = strawberry.field(default=None, description="The signed result as issued.")
    document_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The signed copy in the citizen's document store."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type
class ResultsMutation:
    @coded_mutation(
        StartResultUploadPayload,
        description="Get a signed link to PUT a dossier's result PDF to (staff of its handling centre).",
        errors=[ErrorCode.DOSSIER_NOT_FOUND, ErrorCode.RESULT_NOT_EXPECTED, ErrorCode.FILE_TOO_LARGE],
        fields=DOSSIER_FIELD,
    )
    async def start_result_upload(self, info: Info, input: Input[StartResultUploadInput]) -> StartResultUploadPayload:
        viewer = require_staff(info)
        dossier = await dossier_to_change(info, input.dossier_code)
        staged = await info.context.services.results.start_upload(dossier, viewer.id, input.byte_size)
        return StartResultUploadPayload(
            upload=ResultUpload(upload_key=staged.key, url=staged.url, expires_at=staged.expires_at)
        )

    @coded_mutation(
        IssueResultPayload,
        description="Sign the uploaded PDF with the province's certificate (PAdES, QR code of its verification "
        "link) and put the signed copy in the citizen's document store (staff of the handling centre).",
        errors=[
            ErrorCode.DOSSIER_NOT_FOUND,
            ErrorCode.RESULT_NOT_EXPECTED,
            ErrorCode.UPLOAD_NOT_FOUND,
            ErrorCode.FILE_TOO_LARGE,
            ErrorCode.FILE_HASH_MISMATCH,
            ErrorCode.RESULT_NOT_SIGNABLE,
            ErrorCode.UNKNOWN_DOCUMENT_KIND,
        ],
        fields=DOSSIER_FIELD,
    )
    async def issue_result(self, info: Info, input: Input[IssueResultInput]) -> IssueResultPayload:
        viewer = require_staff(info)
        dossier = await dossier_to_change(info, input.dossier_code)
        digest = verification.normalise_sha256(input.sha256)
        if digest is None:
            raise DomainError(ErrorCode.FILE_HASH_MISMATCH, "sha256")
        issued = await info.context.services.results.issue_uploaded(
            dossier, viewer.id, viewer.centre_id, input.upload_key, digest, input.kind
        )
        await issued.fetch_related("dossier__procedure", "centre")
        return IssueResultPayload(
            result=IssuedResult.from_model(issued, info.context.locale),
            document_id=relay.GlobalID("Document", str(issued.document_id)),  # type: ignore[attr-defined]
        )
