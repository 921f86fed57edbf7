"""Worker processes killed at the worst moments on PostgreSQL: the fake FCM server receives every reminder exactly
once, and a dead worker leaves at most its one batch on the wire unconfirmed, never a reminder FCM did not see."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from app.seeding.due_reminders import seed_due_reminders
from notifications.models import Reminder, ReminderState
from tests.fakes.fcm_server import FakeFcm
from tests.servers import app_env, start_worker

REMINDERS = 5000
BATCH = 100  # REMINDER_BATCH_SIZE's default
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
            _stop(workers)
        counts = fcm.counts

    assert sorted(counts) == sorted(reminder_ids)
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
    unconfirmed = await Reminder.filter(state=ReminderState.FAILED).count()
    assert 0 < unconfirmed <= 100  # the killed worker's batch on the wire: delivered, never sent again
    assert await Reminder.filter(state=ReminderState.SENT).count() == REMINDERS - unconfirmed
    assert workers[1].returncode == 0  # the survivor stopped cleanly on SIGTERM


async def _hold_row_locks(reminder_ids: set[int], held: asyncio.Event, release: asyncio.Event) -> None:
    """Lock the rows as another transaction would, so that recording them waits until `release`."""
    async with in_transaction() as transaction:
        await transaction.execute_query(
            "SELECT id FROM reminder WHERE id = ANY($1::bigint[]) FOR UPDATE", [sorted(reminder_ids)]
        )
        held.set()
        await release.wait()


async def _until(condition: Callable[[], Awaitable[bool]], seconds: float) -> bool:
    """Poll `condition` until it holds (True) or `seconds` pass (False)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while not await condition():  # noqa: ASYNC110 (another process writes)
                await asyncio.sleep(0.05)
            return True
    return False


async def _someone_waits_for_a_row_lock() -> bool:
    rows = await connections.get("default").execute_query_dict("SELECT count(*) AS n FROM pg_locks WHERE NOT granted")
    return rows[0]["n"] > 0


async def _end_the_dead_workers_waiting_statement() -> None:
    """What the dead worker had asked for must not happen: PostgreSQL would otherwise finish a statement whose
    client is gone."""
    await connections.get("default").execute_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    )


async def _more_than_one_batch_sending() -> bool:
    return await Reminder.filter(state=ReminderState.SENDING).count() > BATCH


async def test_a_worker_killed_between_a_batch_answered_and_its_record_leaves_only_that_batch(settings, tmp_path):
    reminder_ids = [str(i) for i in await seed_due_reminders(6 * BATCH, datetime.now(UTC) - timedelta(seconds=1))]
    with FakeFcm() as fcm:
        env = app_env(
            DATABASE_URL=settings.database_url,
            FIREBASE_CREDENTIALS=str(fcm.credentials_file(tmp_path)),
            FCM_API_BASE=fcm.url,
            REMINDER_CLAIM_SECONDS="3",
        )
        fcm.stall()
        doomed = start_worker(env, tmp_path / "doomed.log")
        workers = [doomed]
        try:
            await asyncio.to_thread(fcm.wait_received, BATCH, 60)
            await asyncio.to_thread(fcm.wait_quiet, 0.5)  # one batch on the wire; the other lanes' are ready
            on_the_wire = {int(message["data"]["reminderId"]) for message in fcm.received}
            assert len(on_the_wire) == BATCH, (tmp_path / "doomed.log").read_text()
            held, release = asyncio.Event(), asyncio.Event()
            locker = asyncio.create_task(_hold_row_locks(on_the_wire, held, release))
            await held.wait()
            fcm.answer_held()  # FCM accepted the batch; recording it SENT now waits for our locks
            assert await _until(_someone_waits_for_a_row_lock, 30)
            await _until(_more_than_one_batch_sending, 2)  # room for another lane to mark its batch SENDING
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(10)
            await _end_the_dead_workers_waiting_statement()
            release.set()
            await locker
            fcm.resume()
            workers.append(start_worker(env, tmp_path / "survivor.log"))
            await _wait_until_all_final()
        finally:
            _stop(workers)
        counts = fcm.counts

    unconfirmed = {str(i) for i in await Reminder.filter(state=ReminderState.FAILED).values_list("id", flat=True)}
    assert unconfirmed == {str(i) for i in on_the_wire}  # only the batch FCM had answered, none it never saw
    assert sorted(counts) == sorted(reminder_ids)
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
    assert await Reminder.filter(state=ReminderState.SENT).count() == len(reminder_ids) - BATCH


def _stop(workers: list) -> None:
    """Terminate the workers still running."""
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(10)
