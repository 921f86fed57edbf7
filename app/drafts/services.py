"""Draft rules: one citizen's drafts, saved with optimistic versions (a stale version is a conflict that carries
the current draft, never a silent overwrite), expiring after DRAFT_LIFETIME_DAYS with a reminder before, and
submitted through the dossier service like `submitDossier`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from app.accounts.models import Citizen
from app.catalogue.forms import FormField
from app.catalogue.models import Centre, Procedure
from app.clock import Clock, system_clock
from app.documents.attachments import Attachment
from app.dossiers.models import Dossier
from app.dossiers.services import DossierService
from app.drafts import reminders
from app.drafts.answers import checked_answers
from app.drafts.documents import checked_draft_attachments, draft_attachments
from app.drafts.models import DossierDraft
from app.errors import DomainError, DomainErrors, ErrorCode


class DraftConflict(DomainError):
    """DRAFT_CHANGED: the draft is at another version than the caller's; `current` is what the server holds."""

    def __init__(self, current: DossierDraft) -> None:
        super().__init__(ErrorCode.DRAFT_CHANGED, "version", version=current.version)
        self.current = current


@dataclass(frozen=True)
class DraftRules:
    """How long drafts live, when the reminder goes, and how many one citizen may keep."""

    lifetime: timedelta
    reminder_before: timedelta
    max_per_citizen: int


@dataclass(frozen=True)
class DraftContent:
    """What a save sends: the whole state of the draft."""

    centre_id: int | None
    answers: object
    attachments: list[Attachment] = field(default_factory=list)
    legacy_document_ids: list[int] = field(default_factory=list)


class DraftService:
    """The only way drafts change."""

    def __init__(self, dossiers: DossierService, rules: DraftRules, clock: Clock = system_clock) -> None:
        self._dossiers = dossiers
        self._rules = rules
        self._clock = clock

    def open_drafts(self, citizen_id: int):
        """The citizen's drafts not expired yet, most recently saved first (a queryset)."""
        return DossierDraft.filter(citizen_id=citizen_id, expires_at__gt=self._clock()).order_by("-updated_at", "-id")

    async def start(self, citizen_id: int, procedure_code: str, content: DraftContent) -> DossierDraft:
        """A new draft at version 1; TOO_MANY_DRAFTS when the citizen already keeps the maximum."""
        procedure = await Procedure.get_or_none(code=procedure_code.strip())
        if procedure is None:
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_code")
        values = await self._checked(citizen_id, procedure, content)
        now = self._clock()
        async with in_transaction():
            await Citizen.select_for_update().filter(id=citizen_id).first()  # one new draft of a citizen at a time
            await DossierDraft.filter(citizen_id=citizen_id, expires_at__lte=now).delete()
            if await DossierDraft.filter(citizen_id=citizen_id).count() >= self._rules.max_per_citizen:
                raise DomainError(ErrorCode.TOO_MANY_DRAFTS, None, max_drafts=self._rules.max_per_citizen)
            draft = await DossierDraft.create(
                citizen_id=citizen_id, procedure=procedure, created_at=now, **values, **self._times(now)
            )
            await reminders.arm(draft, self._reminder_at(draft), None)
        return draft

    async def save(self, citizen_id: int, draft_id: int, version: int, content: DraftContent) -> DossierDraft:
        """Replace the draft's content if it is still at `version`; the expiry starts again."""
        draft = await self._own(citizen_id, draft_id)
        procedure = await Procedure.get(id=draft.procedure_id)  # type: ignore[attr-defined]
        values = await self._checked(citizen_id, procedure, content)
        now = self._clock()
        changes = {**values, **self._times(now), "version": version + 1}
        async with in_transaction():
            if not await DossierDraft.filter(id=draft_id, version=version, expires_at__gt=now).update(**changes):
                raise await self._refusal(citizen_id, draft_id)
            draft = await DossierDraft.get(id=draft_id)
            await reminders.arm(draft, self._reminder_at(draft), version)
        return draft

    async def submit(self, citizen_id: int, draft_id: int, version: int) -> Dossier:
        """File the draft through `DossierService.submit`, exactly as `submitDossier` does; the draft is gone once
        the dossier exists. A refused submission leaves the draft as it was."""
        draft = await self._own(citizen_id, draft_id)
        if draft.centre_id is None:  # type: ignore[attr-defined]
            raise DomainError(ErrorCode.CENTRE_REQUIRED, "centre_id")
        claimed = version + 1  # taken, so that a second device cannot submit or change it meanwhile
        if not await DossierDraft.filter(id=draft_id, version=version, expires_at__gt=self._clock()).update(
            version=claimed
        ):
            raise await self._refusal(citizen_id, draft_id)
        procedure = await Procedure.get(id=draft.procedure_id)  # type: ignore[attr-defined]
        try:
            dossier = await self._dossiers.submit(
                citizen_id,
                procedure.code,
                draft.centre_id,  # type: ignore[attr-defined]
                draft.answers,
                draft_attachments(draft.attachments),
            )
        except (DomainError, DomainErrors):
            await DossierDraft.filter(id=draft_id, version=claimed).update(version=version)
            raise
        async with in_transaction():
            await DossierDraft.filter(id=draft_id).delete()
            await reminders.disarm(draft_id, version)
        return dossier

    async def discard(self, citizen_id: int, draft_id: int, version: int) -> None:
        """Delete the draft if it is still at `version`."""
        await self._own(citizen_id, draft_id)
        async with in_transaction():
            if not await DossierDraft.filter(id=draft_id, version=version).delete():
                raise await self._refusal(citizen_id, draft_id)
            await reminders.disarm(draft_id, version)

    async def prune_expired(self) -> int:
        """Delete expired drafts (their pending reminders no longer apply); returns how many."""
        return await DossierDraft.filter(expires_at__lte=self._clock()).delete()

    async def _own(self, citizen_id: int, draft_id: int) -> DossierDraft:
        draft = await DossierDraft.get_or_none(id=draft_id, citizen_id=citizen_id)
        if draft is None:
            raise DomainError(ErrorCode.DRAFT_NOT_FOUND, "id")
        if draft.expires_at <= self._clock():
            raise DomainError(ErrorCode.DRAFT_EXPIRED, "id")
        return draft

    async def _refusal(self, citizen_id: int, draft_id: int) -> DomainError:
        """Why a versioned change matched nothing: gone, expired, or changed by someone else."""
        try:
            current = await self._own(citizen_id, draft_id)
        except DomainError as error:
            return error
        return DraftConflict(current)

    async def _checked(self, citizen_id: int, procedure: Procedure, content: DraftContent) -> dict:
        fields = [FormField.from_json(value) for value in procedure.form_fields]
        answers = checked_answers(fields, content.answers)
        if content.centre_id is not None and not await Centre.filter(id=content.centre_id).exists():
            raise DomainError(ErrorCode.CENTRE_NOT_FOUND, "centre_id")
        attachments = await checked_draft_attachments(
            citizen_id, procedure, content.attachments, content.legacy_document_ids
        )
        return {"centre_id": content.centre_id, "answers": answers, "attachments": attachments}

    def _times(self, now: datetime) -> dict:
        return {"updated_at": now, "expires_at": now + self._rules.lifetime}

    def _reminder_at(self, draft: DossierDraft) -> datetime:
        return draft.expires_at - self._rules.reminder_before
