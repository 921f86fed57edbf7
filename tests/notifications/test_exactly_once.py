"""Two worker processes race over 5,000 due reminders on PostgreSQL and one is killed mid-batch: the fake FCM
server receives every reminder exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime, timedelta

import pytest

from app.seeding.due_reminders import seed_due_reminders
from notifications.models import Reminder, ReminderState
from tests.fakes.fcm_server import FakeFcm
from tests.servers import app_env, start_worker

REMINDERS = 5000
FINAL = (ReminderState.SENT, ReminderState.FAILED)

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"), reason="races two processes on PostgreSQL"
)


async def _wait_until_all_final() -> None:
    async with asyncio.timeout(120):
        while await Reminder.exclude(state__in=FINAL).count():  # noqa: ASYNC110 (another process writes)
            await asyncio.sleep(0.5)


async def test_two_racing_workers_one_killed_mid_batch_deliver_each_reminder_exactly_once(settings, tmp_path):
    reminder_ids = [str(i) for i in await seed_due_reminders(REMINDERS, datetime.now(UTC) - timedelta(seconds=1))]
    with FakeFcm() as fcm:
        env = app_env(
            DATABASE_URL=settings.database_url,
            FIREBASE_CREDENTIALS=str(fcm.credentials_file(tmp_path)),
            FCM_API_BASE=fcm.url,
            REMINDER_CLAIM_SECONDS="3",
        )
        workers = [start_worker(env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
        try:
            while sum(fcm.counts.values()) < REMINDERS // 4:
                assert all(w.poll() is None for w in workers), (tmp_path / "worker-1.log").read_text()
                await asyncio.sleep(0.05)
            fcm.stall()  # both workers now wait for answers with a batch on the wire
            fcm.wait_quiet(0.5)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(10)
            fcm.resume()
            await _wait_until_all_final()
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.terminate()
                    worker.wait(10)
        counts = fcm.counts

    assert sorted(counts) == sorted(reminder_ids)
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
    unconfirmed = await Reminder.filter(state=ReminderState.FAILED).count()
    assert 0 < unconfirmed <= 100  # the killed worker's batch on the wire: delivered, never sent again
    assert await Reminder.filter(state=ReminderState.SENT).count() == REMINDERS - unconfirmed
    assert workers[1].returncode == 0  # the survivor stopped cleanly on SIGTERM
