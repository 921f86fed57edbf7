"""`python -m app worker`: the scheduler process sends due reminders and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime

from app.dossiers.models import ActorKind, DossierStatus
from app.dossiers.services import Actor
from notifications.models import Device, Notification, Platform, Reminder, ReminderState
from notifications.preferences import update_preferences
from tests.servers import app_env, start_worker


async def test_the_worker_sends_due_reminders_and_stops_on_sigterm(app, settings, cast, dossier, tmp_path):
    await Device.create(
        token="phone-1", citizen=cast.citizen, platform=Platform.ANDROID, last_seen_at=datetime.now(UTC)
    )
    await update_preferences(cast.citizen.id, quiet_start="00:00", quiet_end="00:00")
    await app.state.services.dossiers.change_status(
        dossier, DossierStatus.RECEIVED, Actor(ActorKind.STAFF, cast.officer.id)
    )
    worker = start_worker(app_env(DATABASE_URL=settings.database_url), tmp_path / "worker.log")
    try:
        async with asyncio.timeout(30):
            while (await Reminder.get()).state is not ReminderState.SENT:
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                await asyncio.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        returncode = await asyncio.to_thread(worker.wait, 15)
    assert returncode == 0
    assert await Notification.filter(citizen_id=cast.citizen.id).count() == 1
    assert f"push to phone-1: Hồ sơ {dossier.code} đã chuyển trạng thái" in (tmp_path / "worker.log").read_text()
