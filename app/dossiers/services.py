"""Dossier actions: submission, status changes with their timeline events, supplements and apologies.

Every change is one transaction guarded by the dossier's version; its event is published only after commit.
"""

from __future__ import annotations

import functools
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.accounts.models import Citizen
from app.catalogue.document_requirements import requirements_of
from app.catalogue.eligibility import check_eligibility, provincial_centre_id
from app.catalogue.forms import FormField, validate_form
from app.catalogue.models import Centre, Procedure
from app.clock import Clock, system_clock
from app.documents.attachments import Attachment, attach, checked_attachments
from app.documents.sharing import LentDocuments
from app.dossiers import reminders
from app.dossiers.codes import new_dossier_code, new_tracking_secret, normalise_dossier_code
from app.dossiers.deadlines import is_overdue
from app.dossiers.lifecycle import FINISHED, may_transition
from app.dossiers.models import ActorKind, Apology, Dossier, DossierEvent, DossierStatus, SupplementRequest
from app.errors import DomainError, ErrorCode
from app.events import EventBus
from app.portal_sync.outbox import PortalOutboxWriter
from app.rate_limits.limiter import Limit, RateLimiter
from app.working_days import add_working_time, due_at, working_start, working_time_between

MAX_NOTE = 2000
MAX_ITEMS = 20
MAX_ITEM_LENGTH = 300
CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class Actor:
    """Who makes a change; `id` is the citizen's or staff member's id (None for the system)."""

    kind: ActorKind
    id: int | None = None


def dossier_channel(dossier_id: int) -> str:
    return f"dossier:{dossier_id}"


def citizen_dossiers_channel(citizen_id: int) -> str:
    return f"citizen:{citizen_id}:dossiers"


def _checked_note(note: str, field: str = "note") -> str:
    if len(note) > MAX_NOTE:
        raise DomainError(ErrorCode.INVALID_NOTE, field)
    return note.strip()


def _checked_items(items: list[str], field: str) -> list[str]:
    """1 to 20 non-empty document names of reasonable length."""
    cleaned = [item.strip() for item in items if item.strip()]
    if not 1 <= len(cleaned) <= MAX_ITEMS or any(len(item) > MAX_ITEM_LENGTH for item in cleaned):
        raise DomainError(ErrorCode.INVALID_SUPPLEMENT_ITEMS, field)
    return cleaned


class DossierService:
    """The only way dossiers change."""

    def __init__(
        self,
        bus: EventBus,
        limiter: RateLimiter,
        failed_lookups: Limit,
        clock: Clock = system_clock,
        portal: PortalOutboxWriter | None = None,
    ) -> None:
        self._bus = bus
        self._portal = portal or PortalOutboxWriter(enabled=False)
        self._limiter = limiter
        self._failed_lookups = failed_lookups
        self._clock = clock

    async def track(self, code: str, secret: str) -> Dossier | None:
        """The dossier for public tracking when code and receipt secret match; None otherwise.

        Once a code has had its allowed failed lookups (TRACKING_FAILURES_PER_CODE), even the right secret gets None
        until the window ends. Each lookup takes its place before the secret is compared and a match gives it back,
        so a burst of guesses gets no more tries than allowed, on any number of workers.
        """
        canonical = normalise_dossier_code(code)
        if canonical is None:
            return None
        lookup = (self._failed_lookups, canonical)
        if await self._limiter.acquire(lookup) is not None:
            return None
        dossier = await Dossier.get_or_none(code=canonical)
        if dossier is None or not hmac.compare_digest(dossier.tracking_secret, secret.strip().upper()):
            return None
        await self._limiter.release(lookup)
        return dossier

    async def submit(
        self,
        citizen_id: int,
        procedure_code: str,
        centre_id: int,
        answers: object,
        attachments: list[Attachment] | tuple = (),
        filed_by: Actor | None = None,
        note: str = "",
        also=None,
        lent: LentDocuments | None = None,
    ) -> Dossier:
        """File a dossier online with stored documents for its procedure's requirements (every mandatory one);
        it waits in RECEIVING for intake by the centre.

        An officer filing at the counter for the citizen is `filed_by` (the timeline's actor, with `note`); `also`
        awaits `also(dossier, now)` in the same transaction. Documents may also come from the store `lent` names
        (a delegate's): they are copied into the citizen's store once every check passes.
        """
        procedure = await Procedure.get_or_none(code=procedure_code.strip(), withdrawn_at__isnull=True)
        if procedure is None:
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_code")
        centre = await Centre.get_or_none(id=centre_id)
        if centre is None:
            raise DomainError(ErrorCode.CENTRE_NOT_FOUND, "centre_id")
        citizen = await Citizen.get(id=citizen_id)
        provincial_id = await provincial_centre_id()
        verdict = check_eligibility(procedure, centre, citizen.residence_centre_id, provincial_id)  # type: ignore[attr-defined]
        if not verdict.eligible or verdict.handling_centre_id is None:
            reason = {"vi": verdict.reason_vi, "en": verdict.reason_en}
            raise DomainError(ErrorCode.CENTRE_NOT_ELIGIBLE, "centre_id", reason=reason)
        form = validate_form([FormField.from_json(f) for f in procedure.form_fields], answers)
        requirements = requirements_of(procedure)
        mandatory = [requirement for requirement in requirements if requirement.mandatory]
        owners = (citizen_id,) if lent is None else (citizen_id, lent.helper_id)
        accepted = await checked_attachments(owners, requirements, attachments, mandatory)
        now = self._clock()
        if lent is not None:
            accepted = await lent.adopted(citizen_id, accepted, now)
        for _ in range(CODE_ATTEMPTS):
            try:
                async with in_transaction():
                    dossier = await Dossier.create(
                        code=new_dossier_code(now.strftime("%y%m")),
                        tracking_secret=new_tracking_secret(),
                        citizen_id=citizen_id,
                        procedure=procedure,
                        received_centre=centre,
                        handling_centre_id=verdict.handling_centre_id,
                        status=DossierStatus.RECEIVING,
                        form_data=form,
                        fee_vnd=procedure.fee_vnd,
                        processing_days=procedure.processing_days,
                        submitted_at=now,
                        submitted_online=filed_by is None,
                    )
                    actor = filed_by or Actor(ActorKind.CITIZEN, citizen_id)
                    event = await self._record(dossier.id, None, DossierStatus.RECEIVING, actor, note, now)
                    await attach(dossier.id, accepted, now)
                    if also is not None:
                        await also(dossier, now)
                    await self._portal.dossier_changed(dossier.id, event)  # the national portal hears of it
                break
            except IntegrityError:
                continue  # a code collision: draw another
        else:
            raise RuntimeError("could not draw a unique dossier code")
        await self._publish(dossier, event)
        return dossier

    async def change_status(self, dossier: Dossier, target: DossierStatus, actor: Actor, note: str = "") -> Dossier:
        """A plain status change; requesting and supplying documents and withdrawing have their own actions."""
        if target is DossierStatus.SUPPLEMENT_REQUESTED:
            raise DomainError(ErrorCode.ILLEGAL_TRANSITION, "status")
        if dossier.status is DossierStatus.SUPPLEMENT_REQUESTED and target is DossierStatus.PROCESSING:
            raise DomainError(ErrorCode.ILLEGAL_TRANSITION, "status")
        return await self._transition(dossier, target, actor, _checked_note(note))

    async def withdraw(self, dossier: Dossier, citizen_id: int, note: str = "") -> Dossier:
        """The citizen takes the dossier back."""
        return await self._transition(
            dossier, DossierStatus.WITHDRAWN, Actor(ActorKind.CITIZEN, citizen_id), _checked_note(note)
        )

    async def request_supplement(
        self,
        dossier: Dossier,
        staff_id: int,
        items: list[str],
        deadline: datetime,
        note: str = "",
        requirement_keys: list[str] | tuple = (),
    ) -> Dossier:
        """Ask the citizen for documents, naming the procedure's requirements to supply (again) by key; the
        processing clock stops until they are supplied."""
        cleaned = _checked_items(items, "items")
        if deadline <= self._clock():
            raise DomainError(ErrorCode.INVALID_DEADLINE, "deadline")
        procedure = await Procedure.get(id=dossier.procedure_id)  # type: ignore[attr-defined]
        known = {requirement.key for requirement in requirements_of(procedure)}
        keys = list(dict.fromkeys(requirement_keys))
        if len(keys) > MAX_ITEMS or any(key not in known for key in keys):
            raise DomainError(ErrorCode.UNKNOWN_REQUIREMENT, "requirement_keys")

        async def open_request(now: datetime) -> None:
            await SupplementRequest.create(
                dossier_id=dossier.id,
                items=cleaned,
                requirement_keys=keys,
                deadline=deadline,
                requested_by_id=staff_id,
                created_at=now,
            )

        return await self._transition(
            dossier,
            DossierStatus.SUPPLEMENT_REQUESTED,
            Actor(ActorKind.STAFF, staff_id),
            _checked_note(note),
            also=open_request,
        )

    async def supply_documents(
        self,
        dossier: Dossier,
        citizen_id: int,
        documents: list[str],
        note: str = "",
        attachments: list[Attachment] | tuple = (),
    ) -> Dossier:
        """The citizen answers the open supplement request with stored documents (one for each requirement it
        names) and/or names of documents handed in otherwise; the clock restarts."""
        request = (
            await SupplementRequest.filter(dossier_id=dossier.id, supplied_at__isnull=True).order_by("-id").first()
        )
        if request is None or dossier.status is not DossierStatus.SUPPLEMENT_REQUESTED:
            raise DomainError(ErrorCode.NO_OPEN_SUPPLEMENT_REQUEST, "dossier")
        note = _checked_note(note)
        cleaned = _checked_items(documents, "documents") if documents or not attachments else []
        requirements = requirements_of(await Procedure.get(id=dossier.procedure_id))  # type: ignore[attr-defined]
        wanted = [requirement for requirement in requirements if requirement.key in request.requirement_keys]
        accepted = await checked_attachments((citizen_id,), requirements, attachments, wanted)

        async def close_request(now: datetime) -> None:
            await SupplementRequest.filter(id=request.id).update(
                supplied_at=now, supplied_note=note, supplied_documents=cleaned
            )
            await attach(dossier.id, accepted, now, supplement_request_id=request.id)

        return await self._transition(
            dossier, DossierStatus.PROCESSING, Actor(ActorKind.CITIZEN, citizen_id), note, also=close_request
        )

    async def record_apology(self, dossier: Dossier, staff_id: int, reason: str, promised_at: datetime) -> Apology:
        """A late dossier's apology with a new promised date; the citizen sees it on the dossier."""
        now = self._clock()
        if dossier.status in FINISHED or not is_overdue(dossier, now):
            raise DomainError(ErrorCode.DOSSIER_NOT_LATE, "dossier")
        if promised_at <= now:
            raise DomainError(ErrorCode.INVALID_DEADLINE, "promised_at")
        reason = _checked_note(reason, "reason")
        if not reason:
            raise DomainError(ErrorCode.INVALID_NOTE, "reason")
        apology = await Apology.create(
            dossier_id=dossier.id, reason=reason, promised_at=promised_at, staff_id=staff_id, created_at=now
        )
        await self._publish(dossier, None)
        return apology

    async def resume_after_payment(self, dossier: Dossier, note: str, after_commit: list) -> Dossier:
        """The system moves a paid (or fee-free) dossier PAYMENT_REQUESTED -> PROCESSING inside the caller's
        transaction; the publication is appended to `after_commit`, to be awaited once that transaction commits."""
        return await self._transition(
            dossier, DossierStatus.PROCESSING, Actor(ActorKind.SYSTEM), _checked_note(note), after_commit=after_commit
        )

    async def _transition(
        self, dossier: Dossier, target: DossierStatus, actor: Actor, note: str, also=None, after_commit=None
    ) -> Dossier:
        if not may_transition(dossier.status, target, actor.kind):
            raise DomainError(ErrorCode.ILLEGAL_TRANSITION, "status")
        now = self._clock()
        changes = {
            "status": target,
            "version": dossier.version + 1,
            "updated_at": now,
            **self._clock_changes(dossier, target, now),
        }
        async with in_transaction():
            if not await Dossier.filter(id=dossier.id, version=dossier.version).update(**changes):
                raise DomainError(ErrorCode.DOSSIER_CHANGED, "dossier")
            event = await self._record(dossier.id, dossier.status, target, actor, note, now)
            await self._portal.dossier_changed(dossier.id, event)  # the national portal hears of it
            if also is not None:
                await also(now)
            await reminders.schedule_for(dossier, event, now)
        for name, value in changes.items():
            setattr(dossier, name, value)
        if after_commit is None:
            await self._publish(dossier, event)
        else:
            after_commit.append(functools.partial(self._publish, dossier, event))
        return dossier

    @staticmethod
    def _clock_changes(dossier: Dossier, target: DossierStatus, now: datetime) -> dict:
        """Start, stop, restart or end the processing clock."""
        if target is DossierStatus.RECEIVED:
            due = due_at(now, dossier.processing_days) if dossier.processing_days is not None else None
            return {"received_at": now, "due_at": due}
        if target is DossierStatus.SUPPLEMENT_REQUESTED:
            left = working_time_between(now, dossier.due_at) if dossier.due_at is not None else None
            return {
                "paused_at": now,
                "paused_remaining_seconds": int(left.total_seconds()) if left is not None else None,
            }
        changes: dict = {}
        if dossier.status is DossierStatus.SUPPLEMENT_REQUESTED:
            changes = {"paused_at": None, "paused_remaining_seconds": None}
            remaining = dossier.paused_remaining_seconds
            if target is DossierStatus.PROCESSING and remaining is not None:
                changes["due_at"] = add_working_time(working_start(now), timedelta(seconds=remaining))
        if target in FINISHED and dossier.finished_at is None:  # RETURNED keeps the moment the result was ready
            changes["finished_at"] = now
            if dossier.received_at is not None:
                changes["working_seconds_taken"] = int(working_time_between(dossier.received_at, now).total_seconds())
        return changes

    @staticmethod
    async def _record(
        dossier_id: int,
        from_status: DossierStatus | None,
        to_status: DossierStatus,
        actor: Actor,
        note: str,
        now: datetime,
    ) -> DossierEvent:
        return await DossierEvent.create(
            dossier_id=dossier_id,
            from_status=from_status,
            to_status=to_status,
            actor_kind=actor.kind,
            actor_id=actor.id,
            note=note,
            created_at=now,
        )

    @property
    def syncs_portal(self) -> bool:
        """Whether a status change also queues rows for the national portal (`app.portal_sync`)."""
        return self._portal.enabled

    async def sync_portal(self, dossier_id: int, event_id: int) -> None:
        """Queue for the portal a change written by the caller in its own transaction (timeline event `event_id`)."""
        await self._portal.dossier_changed(dossier_id, await DossierEvent.get(id=event_id))

    async def _publish(self, dossier: Dossier, event: DossierEvent | None) -> None:
        await self.publish_change(dossier.id, dossier.code, dossier.citizen_id, event.id if event else None)  # type: ignore[attr-defined]

    async def publish_change(self, dossier_id: int, code: str, citizen_id: int, event_id: int | None) -> None:
        """Tell the dossier's and its citizen's subscribers, once the change (timeline event `event_id`, None for
        a change without one) has committed."""
        message = {"dossierId": dossier_id, "code": code, "eventId": event_id}
        for channel in sorted({dossier_channel(dossier_id), citizen_dossiers_channel(citizen_id)}):
            await self._bus.publish(channel, message)
