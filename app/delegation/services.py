"""Delegation rules: a citizen grants another (by phone) the right to act for them; the delegate accepts; either
side ends it. Guardianship grants (minors, persons under guardianship) are recorded by staff only. A delegate acts
only under a direct, active, unexpired grant that covers the action and the procedure (no chains), for a procedure
that allows it (`acting_for`, the one check of every on-behalf path); every action is logged, written in the
represented person's data access log, and (but for reading) notified to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.access_log.models import AccessKind
from app.access_log.services import Accessed, record_delegate_accesses
from app.accounts.models import Citizen
from app.accounts.phone import normalise_phone
from app.accounts.sign_in_codes import citizen_with_phone
from app.catalogue.models import DelegationRule, Procedure
from app.clock import Clock, system_clock
from app.delegation.models import DelegatedAction, Grant, GrantAction, GrantKind, GrantState
from app.documents.attachments import Attachment
from app.documents.sharing import LentDocuments
from app.documents.storage.base import DocumentStorage
from app.dossiers.models import ActorKind, Dossier, DossierEvent
from app.dossiers.services import Actor, DossierService
from app.errors import DomainError, ErrorCode
from notifications import outbox
from notifications.models import ReminderKind

MAX_OPEN_REQUESTS = 5
MAX_GRANT_DAYS = 5 * 366
OPEN = (GrantState.REQUESTED, GrantState.ACTIVE)


@dataclass(frozen=True)
class GrantTerms:
    """What a grant covers and until when."""

    kind: GrantKind
    actions: list[GrantAction]
    procedure_codes: list[str]
    ends_at: datetime


class Delegation:
    """Grants and acting under them."""

    def __init__(self, dossiers: DossierService, storage: DocumentStorage, clock: Clock = system_clock) -> None:
        self._dossiers = dossiers
        self._storage = storage
        self._clock = clock

    async def request(self, grantor_id: int, delegate_phone: str, terms: GrantTerms) -> Grant:
        """The citizen asks another (their account is created if needed) to act for them; the delegate accepts."""
        if terms.kind is GrantKind.GUARDIAN:
            raise DomainError(ErrorCode.DELEGATION_STAFF_ONLY, "kind")
        delegate = await citizen_with_phone(normalise_phone(delegate_phone, "delegatePhone"))
        return await self._create(grantor_id, delegate.id, terms, GrantState.REQUESTED, None)

    async def record_by_staff(self, staff_id: int, grantor_phone: str, delegate_phone: str, terms: GrantTerms) -> Grant:
        """Staff record a grant checked on paper (a guardianship, a minor's parent): active at once."""
        grantor = await citizen_with_phone(normalise_phone(grantor_phone, "grantorPhone"))
        delegate = await citizen_with_phone(normalise_phone(delegate_phone, "delegatePhone"))
        return await self._create(grantor.id, delegate.id, terms, GrantState.ACTIVE, staff_id)

    async def accept(self, delegate_id: int, grant_id: int) -> Grant:
        now = self._clock()
        grant = await Grant.get_or_none(id=grant_id, delegate_id=delegate_id)
        if grant is None:
            raise DomainError(ErrorCode.DELEGATION_NOT_FOUND, "id")
        accepted = await Grant.filter(id=grant_id, state=GrantState.REQUESTED, ends_at__gt=now).update(
            state=GrantState.ACTIVE, accepted_at=now
        )
        if not accepted:
            raise DomainError(ErrorCode.DELEGATION_NOT_ACTIVE, "id")
        return await Grant.get(id=grant_id)

    async def end(self, citizen_id: int, grant_id: int) -> Grant:
        """Either side ends the grant at any time."""
        grant = await Grant.get_or_none(Q(grantor_id=citizen_id) | Q(delegate_id=citizen_id), id=grant_id)
        if grant is None:
            raise DomainError(ErrorCode.DELEGATION_NOT_FOUND, "id")
        if not await Grant.filter(id=grant_id, state__in=OPEN).update(state=GrantState.ENDED, ended_at=self._clock()):
            raise DomainError(ErrorCode.DELEGATION_NOT_ACTIVE, "id")
        return await Grant.get(id=grant_id)

    async def file_for(
        self,
        delegate_id: int,
        represented_id: int,
        procedure_code: str,
        centre_id: int,
        answers: object,
        attachments: list[Attachment] | tuple = (),
    ) -> Dossier:
        """File a dossier that belongs to the person represented; the timeline's actor is the delegate. Documents
        come from the represented person's store or the delegate's (copied into the represented person's store)."""
        procedure = await Procedure.get_or_none(code=procedure_code.strip())
        if procedure is None:
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_code")
        grant = await acting_for(
            delegate_id, represented_id, GrantAction.FILE, procedure, self._clock(), procedure_field="procedure_code"
        )
        delegate = await Citizen.get(id=delegate_id)

        async def log(dossier: Dossier, now: datetime) -> None:
            await DossierEvent.filter(dossier_id=dossier.id).update(acted_by_id=delegate_id)  # the submission
            await self.record(grant, GrantAction.FILE, now, dossier=dossier)

        return await self._dossiers.submit(
            represented_id,
            procedure.code,
            centre_id,
            answers,
            attachments,
            filed_by=Actor(ActorKind.CITIZEN, delegate_id),
            note=f"Nộp thay bởi người được ủy quyền {delegate.full_name or delegate.phone}.",
            also=log,
            lent=LentDocuments(delegate_id, self._storage),
        )

    async def dossiers_for(self, delegate_id: int, represented_id: int) -> list[Dossier]:
        """The dossiers of the person represented that the delegate may track (logged as one TRACK action)."""
        now = self._clock()
        grant = await acting_for(delegate_id, represented_id, GrantAction.TRACK, None, now)
        queryset = Dossier.filter(citizen_id=represented_id).order_by("-submitted_at", "-id")
        if grant.procedure_codes:
            queryset = queryset.filter(procedure__code__in=grant.procedure_codes)
        dossiers = await queryset.limit(100)
        await self.record(grant, GrantAction.TRACK, now, subject="dossiers", listed=dossiers)
        return dossiers

    async def readable_dossier(self, delegate_id: int, dossier: Dossier) -> bool:
        """Whether the delegate may read `dossier` of someone they represent (TRACK): logged as a read if so."""
        if not await Grant.exists(grantor_id=dossier.citizen_id, delegate_id=delegate_id):  # type: ignore[attr-defined]
            return False
        procedure = await Procedure.get(id=dossier.procedure_id)  # type: ignore[attr-defined]
        now = self._clock()
        try:
            grant = await acting_for(delegate_id, dossier.citizen_id, GrantAction.TRACK, procedure, now)  # type: ignore[attr-defined]
        except DomainError:
            return False
        await self.record(grant, GrantAction.TRACK, now, dossier=dossier)
        return True

    async def _create(
        self, grantor_id: int, delegate_id: int, terms: GrantTerms, state: GrantState, staff_id: int | None
    ) -> Grant:
        now = self._clock()
        _check_terms(grantor_id, delegate_id, terms, now)
        await _check_procedures(terms.procedure_codes)
        async with in_transaction():
            # both people's rows locked: the limits below count what no parallel request can add to meanwhile
            await Citizen.select_for_update().filter(id__in=sorted({grantor_id, delegate_id})).all()
            open_pair = Grant.filter(grantor_id=grantor_id, delegate_id=delegate_id, state__in=OPEN, ends_at__gt=now)
            if await open_pair.exists():
                raise DomainError(ErrorCode.DELEGATION_EXISTS, "delegate_phone")
            if state is GrantState.REQUESTED:
                for side in ({"grantor_id": grantor_id}, {"delegate_id": delegate_id}):
                    waiting = await Grant.filter(**side, state=GrantState.REQUESTED, ends_at__gt=now).count()
                    if waiting >= MAX_OPEN_REQUESTS:
                        raise DomainError(
                            ErrorCode.TOO_MANY_DELEGATION_REQUESTS, "delegate_phone", max_requests=MAX_OPEN_REQUESTS
                        )
            return await Grant.create(
                grantor_id=grantor_id,
                delegate_id=delegate_id,
                kind=terms.kind,
                actions=sorted({action.value for action in terms.actions}),
                procedure_codes=sorted(set(terms.procedure_codes)),
                ends_at=terms.ends_at,
                state=state,
                recorded_by_id=staff_id,
                created_at=now,
                accepted_at=now if state is GrantState.ACTIVE else None,
            )

    async def record(
        self,
        grant: Grant,
        action: GrantAction,
        now: datetime,
        *,
        dossier: Dossier | None = None,
        subject: str = "",
        reference: str = "",
        listed: Iterable[Dossier] = (),
    ) -> None:
        """Record who acted for whom, write it in the represented person's data access log and (but for reading)
        tell them, by push or SMS without the app. `subject` defaults to the dossier, `reference` to its code."""
        represented_id: int = grant.grantor_id  # type: ignore[attr-defined]
        delegate_id: int = grant.delegate_id  # type: ignore[attr-defined]
        row = await DelegatedAction.create(
            grant=grant,
            delegate_id=delegate_id,
            represented_id=represented_id,
            action=action,
            subject=subject or (f"dossier:{dossier.id}" if dossier else ""),
            created_at=now,
        )
        if action is GrantAction.TRACK:
            kind = AccessKind.VIEWED_DOSSIER if dossier else AccessKind.LISTED_DOSSIER
            read = [dossier] if dossier else list(listed)
            accessed = [Accessed(represented_id, item.id) for item in read] or [Accessed(represented_id)]
            await record_delegate_accesses(delegate_id, kind, accessed, now)
            return
        await record_delegate_accesses(
            delegate_id, AccessKind.ACTED_FOR, [Accessed(represented_id, dossier.id if dossier else None)], now
        )
        delegate = await Citizen.get(id=delegate_id)
        await outbox.notify_now(
            ReminderKind.DELEGATE_ACTED,
            f"delegated-action:{row.id}",
            now,
            citizen_id=represented_id,
            params={
                "dossierCode": dossier.code if dossier else "",
                "action": action.value,
                "reference": reference or (dossier.code if dossier else ""),
                "delegate": delegate.full_name or delegate.phone,
            },
        )


async def acting_for(
    delegate_id: int,
    represented_id: int,
    action: GrantAction,
    procedure: Procedure | None,
    now: datetime,
    *,
    field: str = "represented_id",
    procedure_field: str | None = None,
) -> Grant:
    """The direct grant under which the delegate may take `action` for the person represented (for `procedure`, when
    one is concerned), else a coded refusal on `field` (`procedure_field` for what the procedure forbids).

    Refusals, in the order checked: DELEGATION_NOT_FOUND (no grant from that person), DELEGATION_NOT_ACCEPTED,
    DELEGATION_EXPIRED, DELEGATION_ENDED (as the newest grant stands), DELEGATION_NOT_COVERED (the action),
    DELEGATION_PROCEDURE_NOT_COVERED, PROCEDURE_NEEDS_PERSON, PROCEDURE_NEEDS_NOTARISED_AUTHORISATION (only a grant
    recorded by staff, who checked the notarised paper, may be used).
    """
    grants = await Grant.filter(grantor_id=represented_id, delegate_id=delegate_id).order_by("-id")
    if not grants:
        raise DomainError(ErrorCode.DELEGATION_NOT_FOUND, field)
    usable = [g for g in grants if g.state is GrantState.ACTIVE and g.ends_at > now]
    if not usable:
        raise DomainError(_why_unusable(grants[0], now), field)
    doing = [g for g in usable if action.value in g.actions]
    if not doing:
        raise DomainError(ErrorCode.DELEGATION_NOT_COVERED, field, action=action.name)
    covering = [g for g in doing if _covers(g, procedure)]
    if not covering:
        raise DomainError(ErrorCode.DELEGATION_PROCEDURE_NOT_COVERED, procedure_field or field)
    if procedure is None or procedure.delegation is DelegationRule.ALLOWED:
        return covering[0]
    reason = procedure.delegation_reason or {"vi": "", "en": ""}
    if procedure.delegation is DelegationRule.IN_PERSON_ONLY:
        raise DomainError(ErrorCode.PROCEDURE_NEEDS_PERSON, procedure_field or field, reason=reason)
    checked = [g for g in covering if g.recorded_by_id is not None]  # type: ignore[attr-defined]
    if not checked:
        raise DomainError(ErrorCode.PROCEDURE_NEEDS_NOTARISED_AUTHORISATION, procedure_field or field, reason=reason)
    return checked[0]


def _why_unusable(grant: Grant, now: datetime) -> ErrorCode:
    if grant.state is GrantState.ENDED:
        return ErrorCode.DELEGATION_ENDED
    if grant.ends_at <= now:
        return ErrorCode.DELEGATION_EXPIRED
    return ErrorCode.DELEGATION_NOT_ACCEPTED


def _covers(grant: Grant, procedure: Procedure | None) -> bool:
    return procedure is None or not grant.procedure_codes or procedure.code in grant.procedure_codes


def _check_terms(grantor_id: int, delegate_id: int, terms: GrantTerms, now: datetime) -> None:
    if grantor_id == delegate_id:
        raise DomainError(ErrorCode.INVALID_DELEGATION, "delegate_phone")
    if not terms.actions:
        raise DomainError(ErrorCode.INVALID_DELEGATION, "actions")
    if not now < terms.ends_at <= now + timedelta(days=MAX_GRANT_DAYS):
        raise DomainError(ErrorCode.INVALID_DELEGATION, "ends_at")


async def _check_procedures(codes: Iterable[str]) -> None:
    wanted = set(codes)
    if len(wanted) > 50:
        raise DomainError(ErrorCode.INVALID_DELEGATION, "procedure_codes")
    found = set(await Procedure.filter(code__in=list(wanted)).values_list("code", flat=True)) if wanted else set()
    if found != wanted:
        raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_codes")
