"""The nightly reconciliation: what the portal lost or holds differently is sent again."""

from __future__ import annotations

from app.dossiers.models import DossierStatus
from app.portal_sync.models import OutboxState, PortalOutbox
from app.portal_sync.reconciliation import reconcile_with_portal


async def test_differences_with_the_portal_are_sent_again_and_matches_left_alone(synced, cast):
    lost, stale, same = [await synced.file(cast) for _ in range(3)]
    for dossier in (lost, stale, same):
        await synced.move(dossier, cast, DossierStatus.RECEIVED)
    await synced.deliver()
    del synced.portal.records[lost.code]  # the portal lost one record
    synced.portal.records[stale.code]["TrangThaiHoSo"] = "receiving"  # and holds an old status for another
    client, now = synced.services.portal_sync.client, stale.updated_at

    report = await reconcile_with_portal(client, now, days=7)

    assert (report.checked, report.resent, report.unreachable) == (3, 2, 0)
    await synced.deliver()
    for dossier in (lost, stale, same):
        assert synced.portal.records[dossier.code]["TrangThaiHoSo"] == "new"
    assert synced.portal.shape_errors == []
    assert await PortalOutbox.exclude(state=OutboxState.DELIVERED).count() == 0
    again = await reconcile_with_portal(client, now, days=7)
    assert (again.checked, again.resent) == (3, 0)


async def test_dossiers_still_waiting_to_be_sent_are_not_checked(synced, cast):
    await synced.file(cast)
    report = await reconcile_with_portal(synced.services.portal_sync.client, await _now(), days=7)
    assert report.checked == 0


async def _now():
    row = await PortalOutbox.all().first()
    return row.created_at
