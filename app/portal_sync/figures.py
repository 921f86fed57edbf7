"""What staff and metrics see of the sync: backlog, failures, parked rows and lag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.portal_sync.models import OutboxState, PortalOutbox

WAITING = (OutboxState.PENDING, OutboxState.CLAIMED)


@dataclass(frozen=True)
class PortalSyncFigures:
    """backlog: rows not yet delivered nor parked; failing: those among them whose last attempt failed; parked: rows
    the portal refused, waiting for staff; lag_seconds: how long the oldest waiting row has waited (0 when none)."""

    backlog: int
    failing: int
    parked: int
    lag_seconds: float


async def portal_sync_figures(now: datetime) -> PortalSyncFigures:
    """The figures for the `portalSync` query and for metrics (one function, so both always agree)."""
    waiting = PortalOutbox.filter(state__in=WAITING)
    oldest = await waiting.order_by("created_at").first().values_list("created_at", flat=True)
    return PortalSyncFigures(
        backlog=await waiting.count(),
        failing=await waiting.filter(attempts__gt=0).exclude(last_error="").count(),
        parked=await PortalOutbox.filter(state=OutboxState.PARKED).count(),
        lag_seconds=max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0,
    )


async def parked_rows(limit: int) -> list[PortalOutbox]:
    """The parked rows, oldest first, with their dossier."""
    return await PortalOutbox.filter(state=OutboxState.PARKED).order_by("id").limit(limit).select_related("dossier")


async def retry_parked(row_id: int, now: datetime) -> PortalOutbox | None:
    """Send a parked row again from now (staff fixed the cause); None when no such parked row."""
    retried = await PortalOutbox.filter(id=row_id, state=OutboxState.PARKED).update(
        state=OutboxState.PENDING, next_attempt_at=now, attempts=0, last_error="", portal_answer=None
    )
    return await PortalOutbox.get(id=row_id).select_related("dossier") if retried else None
