"""Help at the counter: officers identify a walk-in citizen and file a dossier that is the citizen's own."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.accounts.models import StaffMember
from app.api.arguments import Input
from app.api.context import Info
from app.api.documents import (
    FINISH_UPLOAD_ERRORS,
    START_UPLOAD_ERRORS,
    Document,
    DocumentPayload,
    FinishUploadInput,
    StartUploadInput,
    StartUploadPayload,
    attachments_of,
    upload_ticket,
)
from app.api.dossier_inputs import ATTACHMENT_FIELDS, DossierApplicationInput
from app.api.dossier_types import Dossier
from app.api.errors import UserError, coded_mutation
from app.api.permissions import require_staff
from app.catalogue.models import localised_name
from app.counter.services import Announced, CounterApplication, Identification
from app.errors import ErrorCode


@strawberry.input(description="Text a walk-in citizen a code to read out at the counter (staff).")
class SendCounterCodeInput:
    phone: str = strawberry.field(description="The citizen's phone number.")


@strawberry.type(description="Result of `sendCounterCode`.")
class SendCounterCodePayload:
    phone: str | None = strawberry.field(default=None, description="The number the code was sent to, E.164.")
    expires_at: datetime | None = strawberry.field(default=None, description="When the code stops working.")
    resend_after: datetime | None = strawberry.field(default=None, description="Earliest time to send another.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.input(
    description="File a dossier at your centre's counter for a citizen identified by phone number: give the code "
    "they read out (`sendCounterCode`) or the ID card number you checked in person, not both."
)
class FileDossierAtCounterInput(DossierApplicationInput):
    phone: str = strawberry.field(description="The citizen's phone number; their account is created if needed.")
    code: str | None = strawberry.field(default=None, description="The code the citizen read out.")
    id_card_number: str | None = strawberry.field(
        default=None, description="The 12-digit number of the ID card checked in person."
    )


@strawberry.input(
    description="Staff of a centre: announce a paper you scan for a walk-in citizen; it lands in their store (their "
    "account is created if needed) for `fileDossierAtCounter`'s attachments."
)
class StartCounterUploadInput(StartUploadInput):
    phone: str = strawberry.field(description="The citizen's phone number.")


@strawberry.type(description="What to print for the citizen: with these two, `trackDossier` follows the dossier.")
class CounterReceipt:
    code: str = strawberry.field(description="The dossier code.")
    secret: str = strawberry.field(description="The tracking secret.")
    procedure_name: str = strawberry.field(description="Procedure, in the caller's language.")
    centre_name: str = strawberry.field(description="The centre it was filed at.")
    submitted_at: datetime = strawberry.field(description="When it was filed.")


@strawberry.type(description="Result of `fileDossierAtCounter`.")
class FileDossierAtCounterPayload:
    dossier: Dossier | None = strawberry.field(default=None, description="The dossier filed (the citizen's).")
    receipt: CounterReceipt | None = strawberry.field(default=None, description="To print for the citizen.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type
class CounterMutation:
    @coded_mutation(
        SendCounterCodePayload,
        description="Staff: text a walk-in citizen a code to read out (limits as for sign-in codes, the address limit "
        "counted per officer).",
        errors=[
            ErrorCode.INVALID_PHONE,
            ErrorCode.SIGN_IN_CODE_RATE_LIMITED,
            ErrorCode.TOO_MANY_REQUESTS,
            ErrorCode.SMS_DELIVERY_FAILED,
        ],
    )
    async def send_counter_code(self, info: Info, input: Input[SendCounterCodeInput]) -> SendCounterCodePayload:
        viewer = require_staff(info)
        sent = await info.context.services.counter.send_code(viewer.id, input.phone)
        return SendCounterCodePayload(phone=sent.phone, expires_at=sent.expires_at, resend_after=sent.resend_after)

    @coded_mutation(
        StartUploadPayload,
        description="Staff of a centre: announce a scan for a walk-in citizen's store; send its bytes to the returned "
        "signed tus URL, then call `finishCounterUpload`. The citizen's quota and limits apply.",
        errors=[
            ErrorCode.COUNTER_CENTRE_REQUIRED,
            ErrorCode.INVALID_PHONE,
            *START_UPLOAD_ERRORS,
        ],
    )
    async def start_counter_upload(self, info: Info, input: Input[StartCounterUploadInput]) -> StartUploadPayload:
        viewer = require_staff(info)
        officer = await StaffMember.get(id=viewer.id)
        announced = Announced(input.content_type, input.byte_size, input.sha256, input.file_name, input.kind)
        upload = await info.context.services.counter.start_upload(officer, input.phone, announced)
        return StartUploadPayload(upload=upload_ticket(info, upload))

    @coded_mutation(
        DocumentPayload,
        description="Staff: check a scan you sent in full and keep it in the citizen's store (as `AT_COUNTER`); "
        "only the officer who started it finishes it. On any error nothing is kept.",
        errors=FINISH_UPLOAD_ERRORS,
    )
    async def finish_counter_upload(self, info: Info, input: Input[FinishUploadInput]) -> DocumentPayload:
        viewer = require_staff(info)
        document = await info.context.services.counter.finish_upload(viewer.id, input.upload_id)
        return DocumentPayload(document=Document.from_model(document))

    @coded_mutation(
        FileDossierAtCounterPayload,
        description="Staff of a centre: file a dossier for a walk-in citizen; it is theirs, the timeline names the "
        "officer, and the receipt is returned for printing. Documents come from the citizen's store (scans uploaded "
        "with `startCounterUpload`); document errors come one per requirement, with `field` "
        "`attachments.<requirementKey>`.",
        errors=[
            ErrorCode.COUNTER_CENTRE_REQUIRED,
            ErrorCode.IDENTIFICATION_REQUIRED,
            ErrorCode.INVALID_PHONE,
            ErrorCode.SIGN_IN_CODE_WRONG,
            ErrorCode.SIGN_IN_CODE_EXPIRED,
            ErrorCode.SIGN_IN_CODE_USED,
            ErrorCode.SIGN_IN_CODE_ATTEMPTS_EXCEEDED,
            ErrorCode.INVALID_CITIZEN_ID,
            ErrorCode.IDENTITY_MISMATCH,
            ErrorCode.PROCEDURE_NOT_FOUND,
            ErrorCode.CENTRE_NOT_ELIGIBLE,
            ErrorCode.INVALID_FORM_FIELD,
            ErrorCode.DOCUMENT_MISSING,
            ErrorCode.DOCUMENT_NOT_FOUND,
            ErrorCode.DOCUMENT_NOT_READY,
            ErrorCode.DOCUMENT_NOT_ACCEPTED,
            ErrorCode.UNKNOWN_REQUIREMENT,
        ],
        fields=ATTACHMENT_FIELDS,
    )
    async def file_dossier_at_counter(
        self, info: Info, input: Input[FileDossierAtCounterInput]
    ) -> FileDossierAtCounterPayload:
        viewer = require_staff(info)
        officer = await StaffMember.get(id=viewer.id)
        dossier = await info.context.services.counter.file(
            officer,
            input.phone,
            Identification(code=input.code, id_card_number=input.id_card_number),
            CounterApplication(input.procedure_code, input.form_fields, tuple(attachments_of(input.attachments))),
        )
        await dossier.fetch_related("procedure", "received_centre")
        procedure = dossier.procedure
        return FileDossierAtCounterPayload(
            dossier=Dossier.from_model(dossier),
            receipt=CounterReceipt(
                code=dossier.code,
                secret=dossier.tracking_secret,
                procedure_name=localised_name(procedure.name_vi, procedure.name_en, info.context.locale),
                centre_name=dossier.received_centre.name_vi,
                submitted_at=dossier.submitted_at,
            ),
        )
