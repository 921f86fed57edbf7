"""Scheduling through the outbox: new reminders, moving unsent ones, leaving sent ones, params, transactions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from app.working_days import LOCAL_TZ
from notifications import outbox
from notifications.models import Reminder, ReminderKind, ReminderState

SUBJECT = "appointment:7:20270203T0200Z"
DUE = datetime(2027, 2, 2, 2, 0, tzinfo=UTC)
BOTH = {ReminderKind.APPOINTMENT_24H: DUE, ReminderKind.APPOINTMENT_1H: DUE + timedelta(hours=23)}
PARAMS = {"ticket": "ACDEF3", "centre": "Phường Hạ Long"}


async def rows() -> dict[ReminderKind, Reminder]:
    return {reminder.kind: reminder for reminder in await Reminder.filter(subject=SUBJECT)}


async def test_schedule_many_writes_one_pending_reminder_per_kind(cast):
    await outbox.schedule_many(SUBJECT, BOTH, citizen_id=cast.citizen.id, centre_id=cast.ha_long.id, params=PARAMS)

    found = await rows()
    assert {kind: row.due_at for kind, row in found.items()} == BOTH
    for row in found.values():
        assert row.state is ReminderState.PENDING and row.attempts == 0
        assert (row.citizen_id, row.centre_id, row.params) == (cast.citizen.id, cast.ha_long.id, PARAMS)


async def test_a_due_time_in_local_time_is_the_same_moment(cast):
    local = DUE.astimezone(LOCAL_TZ)
    await outbox.schedule_many(SUBJECT, {ReminderKind.APPOINTMENT_1H: local}, citizen_id=cast.citizen.id)

    [row] = (await rows()).values()
    assert row.due_at == DUE and row.params == {}


@pytest.mark.parametrize("earlier", [ReminderState.PENDING, ReminderState.CANCELLED])
async def test_an_unsent_reminder_moves_and_starts_afresh(cast, earlier):
    await outbox.schedule_many(SUBJECT, BOTH, citizen_id=cast.citizen.id, params={"ticket": "OLD"})
    await Reminder.filter(subject=SUBJECT).update(state=earlier, attempts=2, last_error="timeout")
    later = {kind: due + timedelta(days=1) for kind, due in BOTH.items()}

    await outbox.schedule_many(SUBJECT, later, citizen_id=cast.citizen.id, params=PARAMS)

    found = await rows()
    assert {kind: row.due_at for kind, row in found.items()} == later
    for row in found.values():
        assert (row.state, row.attempts, row.last_error, row.params) == (ReminderState.PENDING, 0, "", PARAMS)


@pytest.mark.parametrize("past", [ReminderState.CLAIMED, ReminderState.SENT, ReminderState.SKIPPED])
async def test_a_reminder_past_moving_stays_as_it_is_while_its_sibling_moves(cast, past):
    await outbox.schedule_many(SUBJECT, BOTH, citizen_id=cast.citizen.id, params={"ticket": "OLD"})
    await Reminder.filter(subject=SUBJECT, kind=ReminderKind.APPOINTMENT_24H).update(state=past, attempts=1)
    later = {kind: due + timedelta(hours=2) for kind, due in BOTH.items()}

    await outbox.schedule_many(SUBJECT, later, citizen_id=cast.citizen.id, params=PARAMS)

    found = await rows()
    kept, moved = found[ReminderKind.APPOINTMENT_24H], found[ReminderKind.APPOINTMENT_1H]
    assert (kept.state, kept.due_at, kept.attempts, kept.params) == (past, DUE, 1, {"ticket": "OLD"})
    assert (moved.state, moved.due_at, moved.params) == (ReminderState.PENDING, later[moved.kind], PARAMS)


async def test_a_moved_reminder_keeps_its_params_when_none_are_given(cast):
    await outbox.schedule_many(SUBJECT, BOTH, citizen_id=cast.citizen.id, params=PARAMS)
    later = {kind: due + timedelta(hours=2) for kind, due in BOTH.items()}

    await outbox.schedule_many(SUBJECT, later, citizen_id=cast.citizen.id)
    await outbox.schedule(ReminderKind.APPOINTMENT_1H, SUBJECT, DUE, citizen_id=cast.citizen.id)

    found = await rows()
    assert found[ReminderKind.APPOINTMENT_1H].due_at == DUE
    assert all(row.params == PARAMS for row in found.values())


async def test_nothing_is_scheduled_when_the_source_rolls_back(cast):
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await outbox.schedule_many(SUBJECT, BOTH, citizen_id=cast.citizen.id)
            raise RuntimeError("the source's change failed")

    assert await rows() == {}
