"""Admins watch the sync to the national portal and send parked records again."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from strawberry import relay

from app.accounts.models import StaffRole
from app.api.arguments import Input
from app.api.context import Info
from app.api.errors import UserError, coded_mutation
from app.api.ids import database_id
from app.api.permissions import require_staff
from app.errors import DomainError, ErrorCode
from app.portal_sync import figures
from app.portal_sync.models import PortalOutbox

PARKED_SHOWN = 50


@strawberry.type(description="A request the national portal refused, waiting for an admin.")
class PortalSyncRecord:
    id: relay.GlobalID = strawberry.field(description="The record's ID, for `retryPortalSync`.")
    dossier_code: str = strawberry.field(description="The dossier it reports.")
    service: str = strawberry.field(description="The portal service: DongBoHoSoMC (record) or CapNhatTienDoHoSoMC.")
    attempts: int = strawberry.field(description="How many times it was sent.")
    last_error: str = strawberry.field(description="Why it stopped, as the portal said it.")
    portal_answer: str | None = strawberry.field(description="The portal's answer as JSON text, null when none.")
    created_at: datetime = strawberry.field(description="When the dossier change it reports happened.")

    @classmethod
    def from_model(cls, row: PortalOutbox) -> PortalSyncRecord:
        """Needs `dossier` fetched."""
        answer = json.dumps(row.portal_answer, ensure_ascii=False) if row.portal_answer is not None else None
        return cls(
            id=relay.GlobalID("PortalSyncRecord", str(row.id)),
            dossier_code=row.dossier.code,
            service=row.service,
            attempts=row.attempts,
            last_error=row.last_error,
            portal_answer=answer,
            created_at=row.created_at,
        )


@strawberry.type(
    description="The sync of dossiers to the national public service portal (the same figures go to metrics)."
)
class PortalSync:
    enabled: bool = strawberry.field(description="False when no portal is configured: nothing is queued.")
    backlog: int = strawberry.field(description="Changes waiting to be sent (neither delivered nor parked).")
    failing: int = strawberry.field(description="Of the backlog, changes whose last attempt failed (retried later).")
    parked: int = strawberry.field(description="Changes the portal refused, waiting for an admin.")
    lag_seconds: float = strawberry.field(description="How long the oldest waiting change has waited (0 when none).")
    parked_records: list[PortalSyncRecord] = strawberry.field(
        description=f"The {PARKED_SHOWN} oldest parked changes; each holds back the later changes of its dossier."
    )


@strawberry.input(description="Which parked change to send again.")
class RetryPortalSyncInput:
    id: relay.GlobalID = strawberry.field(description="The parked record's ID (see `portalSync.parkedRecords`).")


@strawberry.type(description="Result of `retryPortalSync`.")
class RetryPortalSyncPayload:
    record: PortalSyncRecord | None = strawberry.field(default=None, description="The record, queued again.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type
class PortalSyncQuery:
    @strawberry.field(description="Backlog, failures, parked changes and lag of the sync to the portal (admins).")
    async def portal_sync(self, info: Info) -> PortalSync:
        require_staff(info, StaffRole.ADMIN)
        services = info.context.services
        now = services.clock()
        found = await figures.portal_sync_figures(now)
        parked = await figures.parked_rows(PARKED_SHOWN)
        return PortalSync(
            enabled=services.settings.portal_sync_enabled,
            backlog=found.backlog,
            failing=found.failing,
            parked=found.parked,
            lag_seconds=found.lag_seconds,
            parked_records=[PortalSyncRecord.from_model(row) for row in parked],
        )


@strawberry.type
class PortalSyncMutation:
    @coded_mutation(
        RetryPortalSyncPayload,
        description="Send a parked change to the portal again, with the later changes of its dossier (admins).",
        errors=[ErrorCode.PORTAL_RECORD_NOT_PARKED],
    )
    async def retry_portal_sync(self, info: Info, input: Input[RetryPortalSyncInput]) -> RetryPortalSyncPayload:
        require_staff(info, StaffRole.ADMIN)
        row = await figures.retry_parked(database_id(input.id, "PortalSyncRecord"), info.context.services.clock())
        if row is None:
            raise DomainError(ErrorCode.PORTAL_RECORD_NOT_PARKED, "id")
        return RetryPortalSyncPayload(record=PortalSyncRecord.from_model(row))
