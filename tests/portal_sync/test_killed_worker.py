"""A worker process killed while its request is on the wire: the next worker sends it again, and the portal sees
each change once and in order."""

from __future__ import annotations

import asyncio
import signal
import threading

from app.dossiers.models import DossierStatus
from app.portal_sync.models import OutboxState, PortalOutbox
from tests.fakes.portal_server import portal_settings
from tests.servers import app_env, start_worker


async def _all_delivered() -> None:
    async with asyncio.timeout(60):
        while await PortalOutbox.exclude(state=OutboxState.DELIVERED).count():  # noqa: ASYNC110 (another process)
            await asyncio.sleep(0.2)


async def test_a_worker_killed_mid_send_leaves_no_duplicate_and_no_reorder(settings, synced, cast, tmp_path):
    dossier = await synced.file(cast)
    await synced.move(dossier, cast, DossierStatus.RECEIVED, DossierStatus.PROCESSING)
    portal = synced.portal
    portal.hold = threading.Event()  # the portal applies the first request, then its answer never leaves
    env = app_env(
        DATABASE_URL=settings.database_url,
        **portal_settings(synced.services.settings.portal_sync_url),
        PORTAL_SYNC_SECONDS="1",
        PORTAL_SYNC_CLAIM_SECONDS="3",
    )
    doomed = start_worker(env, tmp_path / "doomed.log")
    workers = [doomed]
    try:
        assert await asyncio.to_thread(portal.held.wait, 60), (tmp_path / "doomed.log").read_text()
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        hold, portal.hold = portal.hold, None
        hold.set()
        assert list(portal.records) == [dossier.code], "the record reached the portal before the worker died"
        workers.append(start_worker(env, tmp_path / "survivor.log"))
        await _all_delivered()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(10)

    assert portal.repeats == 1, "the survivor resent the record the dead worker had on the wire, to no effect"
    assert portal.steps(dossier.code) == ["receiving", "new", "processing"]
    assert portal.records[dossier.code]["TrangThaiHoSo"] == "processing"
    assert portal.shape_errors == []
    assert workers[1].returncode == 0
