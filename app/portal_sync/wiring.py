"""Building the portal sync of one process from the settings: nothing but a disabled writer when unconfigured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.clock import Clock
from app.portal_sync.client import PortalClient, PortalEndpoints
from app.portal_sync.delivery import PortalDelivery
from app.portal_sync.outbox import PortalOutboxWriter
from app.portal_sync.reconciliation import reconcile_with_portal
from app.settings import Settings


@dataclass(frozen=True)
class PortalSync:
    """The outbox writer for the dossier service, and (sync on) the client and the delivery job."""

    writer: PortalOutboxWriter
    client: PortalClient | None
    delivery: PortalDelivery | None
    reconcile_days: int
    clock: Clock

    async def reconcile(self) -> None:
        if self.client is not None:
            await reconcile_with_portal(self.client, self.clock(), self.reconcile_days)

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()


def build_portal_sync(settings: Settings, clock: Clock, worker_id: str) -> PortalSync:
    if not settings.portal_sync_enabled:
        return PortalSync(PortalOutboxWriter(enabled=False), None, None, settings.portal_reconcile_days, clock)
    endpoints = PortalEndpoints(
        base_url=settings.portal_sync_url,
        auth_path=settings.portal_auth_path,
        integration_path=settings.portal_integration_path,
        share_path=settings.portal_share_path,
        username=settings.portal_username,
        password=settings.portal_password,
        unit_code=settings.portal_unit_code,
    )
    client = PortalClient(endpoints, settings.portal_sync_timeout_seconds)
    delivery = PortalDelivery(
        client,
        worker_id,
        batch_size=settings.portal_sync_batch_size,
        lease=timedelta(seconds=settings.portal_sync_claim_seconds),
        retry_seconds=settings.portal_sync_retry_seconds,
        max_retry_seconds=settings.portal_sync_max_retry_seconds,
        clock=clock,
    )
    return PortalSync(PortalOutboxWriter(enabled=True), client, delivery, settings.portal_reconcile_days, clock)
