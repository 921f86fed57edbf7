"""Delegation rules: a citizen grants another (by phone) the right to act for them; the delegate accepts; either
side ends it. Guardianship grants (minors, persons under guardianship) are recorded by staff only. A delegate acts
only under a direct, active, unexpired grant that covers the action and the procedure (no chains), for a procedure
that allows it; every action is logged and the person represented is notified."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.accounts.models import Citizen
from app.accounts.phone import normalise_phone
from app.accounts.sign_in_codes import citizen_with_phone
from app.catalogue.models import Procedure
from app.clock import Clock, system_clock
from app.delegation.in_person import IN_PERSON_ONLY
from app.delegation.models import DelegatedAction, Grant, GrantAction, GrantKind, GrantState
from app.documents.attachments import Attachment
from app.documents.sharing import LentDocuments
from app.documents.storage.base import DocumentStorage
from app.dossiers.models import ActorKind, Dossier
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

    async def authorise(
        self, delegate_id: int, represented_id: int, action: GrantAction, procedure: Procedure | None
    ) -> Grant:
        """The direct grant under which the delegate may take `action` (for `procedure`, when one is concerned)."""
        grants = await Grant.filter(grantor_id=represented_id, delegate_id=delegate_id).order_by("-id")
        if not grants:
            raise DomainError(ErrorCode.DELEGATION_NOT_FOUND, "represented_id")
        now = self._clock()
        usable = [g for g in grants if g.state is GrantState.ACTIVE and g.ends_at > now]
        if not usable:
            raise DomainError(ErrorCode.DELEGATION_NOT_ACTIVE, "represented_id")
        covering = [g for g in usable if action.value in g.actions and _covers(g, procedure)]
        if not covering:
            raise DomainError(ErrorCode.DELEGATION_NOT_COVERED, "represented_id")
        reason = IN_PERSON_ONLY.get(procedure.code) if procedure is not None else None
        if reason is not None:
            raise DomainError(ErrorCode.PROCEDURE_NEEDS_PERSON, "procedure_code", reason=reason)
        return covering[0]

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
        grant = await self.authorise(delegate_id, represented_id, GrantAction.FILE, procedure)
        delegate = await Citizen.get(id=delegate_id)

        async def log(dossier: Dossier, now: datetime) -> None:
            await self._log(grant, GrantAction.FILE, f"dossier:{dossier.id}", now, dossier.code)

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
        grant = await self.authorise(delegate_id, represented_id, GrantAction.TRACK, None)
        queryset = Dossier.filter(citizen_id=represented_id).order_by("-submitted_at", "-id")
        if grant.procedure_codes:
            queryset = queryset.filter(procedure__code__in=grant.procedure_codes)
        await self._log(grant, GrantAction.TRACK, "dossiers", self._clock(), None)
        return await queryset.limit(100)

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

    async def _log(self, grant: Grant, action: GrantAction, subject: str, now: datetime, code: str | None) -> None:
        """Record who acted for whom and tell the person represented (push, or SMS without the app)."""
        row = await DelegatedAction.create(
            grant=grant,
            delegate_id=grant.delegate_id,  # type: ignore[attr-defined]
            represented_id=grant.grantor_id,  # type: ignore[attr-defined]
            action=action,
            subject=subject,
            created_at=now,
        )
        if action is not GrantAction.TRACK:
            await outbox.notify_now(
                ReminderKind.DELEGATE_ACTED,
                f"delegated-action:{row.id}",
                now,
                citizen_id=grant.grantor_id,  # type: ignore[attr-defined]
                params={"dossierCode": code or ""},
            )


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
