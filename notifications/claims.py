"""Claiming due reminders so that each is handled by one worker, on PostgreSQL and SQLite alike.

A claim is one UPDATE ... RETURNING of the oldest due PENDING rows, stamped with a claim token unique to the call,
so racing workers never take the same row: PostgreSQL picks the rows with FOR UPDATE SKIP LOCKED (walking the
(state, due_at) index, however many rows are due), SQLite runs one writer at a time. A claim lasts `lease`; a
worker puts a row on the wire only while its claim still holds (`mark_sending`, right before the row's requests are
written). Claims that ran out go back to the pool; rows a worker had put on the wire (SENDING) are never sent
again, since FCM cannot tell us whether they arrived.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from tortoise import connections

from notifications.models import Reminder, ReminderState

UNCONFIRMED = "worker stopped while the push was on the wire: not sent again"

_PICK = "SELECT id FROM reminder WHERE state = 'PENDING' AND due_at <= {p[2]} ORDER BY due_at LIMIT {p[3]}"
_CLAIM = "UPDATE reminder SET state = 'CLAIMED', claimed_by = {p[0]}, claimed_until = {p[1]}, attempts = attempts + 1"
_SENT = "UPDATE reminder SET state = 'SENT', sent_at = {p[0]}, claimed_until = NULL, lateness_ms = {lateness}"


def _claim_sql(dialect: str) -> str:
    """The claim statement; parameters: claim token, claimed until, now, limit."""
    if dialect == "postgres":
        p = ("$1", "$2", "$3", "$4")
        # The pick is a MATERIALIZED CTE: inside `id IN (...)` PostgreSQL may re-run a LIMITed pick and claim more
        # rows than asked. Ending in a SELECT: Tortoise's asyncpg client fetches rows only for statements that do
        # not start with UPDATE.
        return (
            f"WITH picked AS MATERIALIZED ({_PICK.format(p=p)} FOR UPDATE SKIP LOCKED), "
            f"claimed AS ({_CLAIM.format(p=p)} FROM picked "
            "WHERE reminder.id = picked.id AND reminder.state = 'PENDING' RETURNING reminder.*) "
            "SELECT * FROM claimed"
        )
    return f"{_CLAIM.format(p='????')} WHERE state = 'PENDING' AND id IN ({_PICK.format(p='????')}) RETURNING *"


def _sent_statement(dialect: str, now: datetime, ids: list[int]) -> tuple[str, list[object]]:
    """Marking `ids` sent at `now`, with the lateness of each: the statement and its parameters."""
    if dialect == "postgres":
        lateness = "GREATEST(0, CAST(EXTRACT(EPOCH FROM ($1::timestamptz - due_at)) * 1000 AS INTEGER))"
        return f"{_SENT.format(p=('$1',), lateness=lateness)} WHERE id = ANY($2::bigint[])", [now, ids]
    lateness = "MAX(0, CAST(ROUND((julianday(?1) - julianday(due_at)) * 86400000) AS INTEGER))"
    return f"{_SENT.format(p=('?1',), lateness=lateness)} WHERE id IN ({', '.join('?' * len(ids))})", [now, *ids]


async def claim_due(worker_id: str, now: datetime, limit: int, lease: timedelta) -> list[Reminder]:
    """Claim up to `limit` due reminders (oldest first) for `worker_id`, with one statement."""
    connection = connections.get("default")
    token = f"{worker_id}:{secrets.token_hex(4)}"
    sql = _claim_sql(connection.capabilities.dialect)
    # The executor turns rows into models, as Model.raw() does, but with bound parameters.
    claimed = await connection.executor_class(model=Reminder, db=connection).execute_select(
        sql, [token, now + lease, now, limit]
    )
    return sorted(claimed, key=lambda reminder: (reminder.due_at, reminder.id))


async def mark_sending(reminders: list[Reminder], now: datetime, lease: timedelta) -> set[int]:
    """Record that these claimed reminders are about to go on the wire; returns the ids whose claim still held
    (a claim that ran out may be another worker's now: those must not be sent)."""
    if not reminders:
        return set()
    tokens = {reminder.claimed_by for reminder in reminders}
    ids = [reminder.id for reminder in reminders]
    mine = Reminder.filter(id__in=ids, claimed_by__in=tokens, state=ReminderState.CLAIMED)
    marked = await mine.update(state=ReminderState.SENDING, claimed_until=now + lease)
    if marked == len(ids):
        return set(ids)
    return set(
        await Reminder.filter(id__in=ids, claimed_by__in=tokens, state=ReminderState.SENDING).values_list(
            "id", flat=True
        )
    )


async def mark_sent(reminders: list[Reminder], now: datetime) -> None:
    """Record these reminders sent at `now`, each with its lateness behind its due time, in one statement."""
    if not reminders:
        return
    connection = connections.get("default")
    await connection.execute_query(
        *_sent_statement(connection.capabilities.dialect, now, [reminder.id for reminder in reminders])
    )


async def release_expired(now: datetime) -> int:
    """Put back the claimed rows whose claim ran out before they went on the wire."""
    return await Reminder.filter(state=ReminderState.CLAIMED, claimed_until__lt=now).update(
        state=ReminderState.PENDING, claimed_by=""
    )


async def give_up_unconfirmed(now: datetime) -> int:
    """Close the SENDING rows of workers that died mid-send: FAILED, never re-sent."""
    return await Reminder.filter(state=ReminderState.SENDING, claimed_until__lt=now).update(
        state=ReminderState.FAILED, last_error=UNCONFIRMED
    )
