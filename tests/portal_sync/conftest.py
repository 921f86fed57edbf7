"""A dossier service whose changes are queued for a fake national portal, and the delivery that sends them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import pytest

from app.container import Services, build_services
from app.dossiers.models import ActorKind, Dossier, DossierStatus
from app.dossiers.services import Actor
from app.portal_sync.models import OutboxState, PortalOutbox
from app.settings import Settings
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS
from tests.fakes.portal_server import PortalState, fake_portal, portal_settings
from tests.fakes.sms import RecordingSmsSender


def synced_settings(settings: Settings, url: str) -> Settings:
    values = {name.lower(): value for name, value in portal_settings(url).items()}
    return replace(settings, **values, portal_sync_timeout_seconds=1, portal_sync_retry_seconds=10)


@dataclass
class Synced:
    services: Services
    portal: PortalState

    async def deliver(self, rounds: int = 5) -> int:
        """Run the delivery job until nothing more goes out (at most `rounds` times)."""
        total = 0
        for _ in range(rounds):
            sent = await self.services.portal_sync.delivery.run()
            total += sent
            if not sent:
                break
        return total

    async def file(self, cast) -> Dossier:
        return await self.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)

    async def move(self, dossier: Dossier, cast, *targets: DossierStatus) -> None:
        for target in targets:
            await self.services.dossiers.change_status(dossier, target, Actor(ActorKind.STAFF, cast.officer.id))


@pytest.fixture
async def synced(settings: Settings, cast) -> AsyncIterator[Synced]:
    with fake_portal() as (url, state):
        services = build_services(synced_settings(settings, url), sms=RecordingSmsSender())
        try:
            yield Synced(services, state)
        finally:
            await services.portal_sync.close()


async def outbox_states() -> list[OutboxState]:
    return [row.state for row in await PortalOutbox.all().order_by("id")]
