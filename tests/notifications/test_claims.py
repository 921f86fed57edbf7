"""Claims on the reminder outbox: how many rows a claim takes, who may put them on the wire, and the lateness
recorded when they are sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from app.seeding.due_reminders import seed_due_reminders
from notifications.claims import claim_due, mark_sending, mark_sent, release_expired
from notifications.models import Reminder, ReminderState

LEASE = timedelta(seconds=60)


async def test_racing_claims_take_at_most_their_limit_and_never_the_same_row():
    now = datetime.now(UTC)
    ids = await seed_due_reminders(250, now - timedelta(minutes=1))

    batches = await asyncio.gather(*(claim_due(f"worker-{n}", now, 40, LEASE) for n in range(8)))

    claimed = [reminder.id for batch in batches for reminder in batch]
    assert all(len(batch) <= 40 for batch in batches)
    assert sorted(claimed) == sorted(set(claimed))  # no row in two claims
    assert len(claimed) == 250 and set(claimed) == set(ids)
    assert await Reminder.filter(state=ReminderState.CLAIMED, attempts=1).count() == 250


async def test_a_claim_takes_the_oldest_due_rows_and_leaves_the_rest():
    now = datetime.now(UTC)
    ids = await seed_due_reminders(5, now)
    for age, reminder_id in enumerate(ids):
        await Reminder.filter(id=reminder_id).update(due_at=now - timedelta(minutes=age))
    await Reminder.filter(id=ids[0]).update(due_at=now + timedelta(minutes=1))  # not due yet

    claimed = await claim_due("worker", now, 2, LEASE)

    assert [reminder.id for reminder in claimed] == [ids[4], ids[3]]
    assert await Reminder.filter(state=ReminderState.PENDING).count() == 3


async def test_a_claim_that_ran_out_is_not_put_on_the_wire_by_its_first_worker():
    now = datetime.now(UTC)
    await seed_due_reminders(3, now - timedelta(minutes=1))
    slow = await claim_due("slow", now, 3, LEASE)
    later = now + LEASE + timedelta(seconds=1)
    assert await release_expired(later) == 3
    taken_over = await claim_due("fast", later, 1, LEASE)

    assert await mark_sending(slow, later, LEASE) == set()
    assert await Reminder.filter(state=ReminderState.SENDING).count() == 0
    assert await mark_sending(taken_over, later, LEASE) == {taken_over[0].id}
    assert (await Reminder.get(id=taken_over[0].id)).state is ReminderState.SENDING


async def test_sent_reminders_record_how_late_they_went():
    now = datetime.now(UTC)
    ids = await seed_due_reminders(2, now)
    await Reminder.filter(id=ids[0]).update(due_at=now - timedelta(seconds=90, milliseconds=250))
    await Reminder.filter(id=ids[1]).update(due_at=now + timedelta(seconds=5))  # early: lateness is never negative

    await mark_sent(await Reminder.filter(id__in=ids).order_by("id"), now)

    late, early = await Reminder.filter(id__in=ids).order_by("id")
    assert late.state is ReminderState.SENT and late.sent_at == now and late.claimed_until is None
    assert abs(late.lateness_ms - 90_250) <= 1
    assert early.lateness_ms == 0
