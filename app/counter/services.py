"""Help at the counter: an officer identifies a walk-in citizen by phone number (a code sent by SMS that the
citizen reads out, or their ID card checked in person) and files a dossier that is the citizen's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.accounts.models import Citizen, StaffMember
from app.accounts.phone import normalise_phone
from app.accounts.sign_in_codes import CodeSent, SignInCodes, citizen_with_phone
from app.clock import Clock, system_clock
from app.counter.models import CounterFiling, IdentifiedBy
from app.documents.attachments import Attachment
from app.documents.models import Document, Upload
from app.documents.uploads import UploadService
from app.dossiers.models import ActorKind, Dossier
from app.dossiers.services import Actor, DossierService
from app.errors import DomainError, ErrorCode
from app.profiles import services as profiles
from app.profiles.citizen_id import is_valid_citizen_id
from app.profiles.models import AttributeName, ProfileAttribute, UsePurpose

COUNTER_TEXT = (
    "Ma xac nhan nop ho so tai quay Dich vu cong Quang Ninh: {code}. Doc ma nay cho can bo dang tiep nhan "
    "ho so cua ban. Het han sau {minutes} phut."
)


@dataclass(frozen=True)
class Identification:
    """How the citizen proves who they are at the counter: exactly one of the two."""

    code: str | None = None
    id_card_number: str | None = None


@dataclass(frozen=True)
class Announced:
    """A file the officer is about to send, as `startUpload` announces one."""

    content_type: str
    byte_size: int
    sha256: str
    file_name: str
    kind: str = ""


@dataclass(frozen=True)
class CounterApplication:
    """What the officer files: the answers and documents of the citizen's store (scans the officer uploaded for
    them with `startCounterUpload`, or documents they had)."""

    procedure_code: str
    answers: object
    attachments: tuple[Attachment, ...] = ()


class CounterDesk:
    """Assisted filing for the officers of a centre."""

    def __init__(
        self, dossiers: DossierService, codes: SignInCodes, uploads: UploadService, clock: Clock = system_clock
    ) -> None:
        self._dossiers = dossiers
        self._codes = codes
        self._uploads = uploads
        self._clock = clock

    async def send_code(self, officer_id: int, raw_phone: str) -> CodeSent:
        """Text the citizen a code to read out; the per-address limit counts per officer (a busy counter shares
        one address), the per-phone limits as for sign-in."""
        return await self._codes.send(raw_phone, f"staff:{officer_id}", text=COUNTER_TEXT)

    async def start_upload(self, officer: StaffMember, raw_phone: str, upload: Announced) -> Upload:
        """An officer of a centre scans a paper for the citizen with this phone (their account is created if they
        have none): the document lands in the citizen's store, as AT_COUNTER, for the officer to attach."""
        if officer.centre_id is None:  # type: ignore[attr-defined]
            raise DomainError(ErrorCode.COUNTER_CENTRE_REQUIRED, None)
        citizen = await citizen_with_phone(normalise_phone(raw_phone))
        return await self._uploads.start(
            citizen.id,
            upload.content_type,
            upload.byte_size,
            upload.sha256,
            upload.file_name,
            upload.kind,
            started_by=officer.id,
        )

    async def finish_upload(self, officer_id: int, token: str) -> Document:
        """Check and keep a scan the officer sent (only the officer who started it finishes it)."""
        upload = await Upload.get_or_none(token=token, started_by_id=officer_id)
        if upload is None:
            raise DomainError(ErrorCode.UPLOAD_NOT_FOUND, "upload_id")
        return await self._uploads.finish(upload.owner_id, token, started_by=officer_id)  # type: ignore[attr-defined]

    async def file(
        self,
        officer: StaffMember,
        raw_phone: str,
        identification: Identification,
        application: CounterApplication,
    ) -> Dossier:
        """File the dossier for the citizen with this phone (their account is created if they have none) once they
        are identified; the timeline names the officer, and the citizen's profile log records the filing."""
        if officer.centre_id is None:  # type: ignore[attr-defined]
            raise DomainError(ErrorCode.COUNTER_CENTRE_REQUIRED, None)
        if (identification.code is None) == (identification.id_card_number is None):
            raise DomainError(ErrorCode.IDENTIFICATION_REQUIRED, "code")
        if identification.code is not None:
            citizen = await citizen_with_phone(await self._codes.redeem(raw_phone, identification.code))
            method, last_digits = IdentifiedBy.SMS_CODE, ""
        else:
            number = _checked_id_card(identification.id_card_number or "")
            phone = normalise_phone(raw_phone)
            existing = await Citizen.get_or_none(phone=phone)
            if existing is not None:
                await _check_against_verified(existing.id, number)
            citizen = existing or await citizen_with_phone(phone)
            method, last_digits = IdentifiedBy.ID_CARD, number[-4:]
        centre = await officer.centre  # type: ignore[misc]
        name = officer.full_name or officer.email

        async def record(dossier: Dossier, now: datetime) -> None:
            await CounterFiling.create(
                dossier=dossier,
                officer=officer,
                centre_id=centre.id,
                identified_by=method,
                id_card_last_digits=last_digits,
                created_at=now,
            )
            await profiles.record_use(
                citizen.id, UsePurpose.COUNTER_FILING, now, (), application.procedure_code.strip(), officer.id
            )

        return await self._dossiers.submit(
            citizen.id,
            application.procedure_code,
            centre.id,
            application.answers,
            application.attachments,
            filed_by=Actor(ActorKind.STAFF, officer.id),
            note=f"Cán bộ {name} nộp hộ tại quầy {centre.name_vi}.",
            also=record,
        )


def _checked_id_card(raw: str) -> str:
    number = raw.strip()
    if not is_valid_citizen_id(number):
        raise DomainError(ErrorCode.INVALID_CITIZEN_ID, "id_card_number")
    return number


async def _check_against_verified(citizen_id: int, number: str) -> None:
    """IDENTITY_MISMATCH when the citizen's verified number is another one."""
    verified = await ProfileAttribute.get_or_none(citizen_id=citizen_id, name=AttributeName.CITIZEN_ID, verified=True)
    if verified is not None and verified.value != number:
        raise DomainError(ErrorCode.IDENTITY_MISMATCH, "id_card_number")
