"""How sources (dossiers, appointments, payments, ratings) schedule, move and cancel notifications.

Call these inside the source's own transaction: the reminder then exists exactly when the change that caused it
committed. A (kind, subject) pair is scheduled at most once, so a replayed source changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache

from tortoise import connections

from notifications.models import Reminder, ReminderKind, ReminderState

# A reminder PENDING or CANCELLED moves to its new due time; one claimed, sent, skipped or failed stays as it is.
_MOVE = """ON CONFLICT ("kind", "subject") DO UPDATE
SET "due_at" = EXCLUDED."due_at", "state" = 'PENDING', "attempts" = 0, "last_error" = ''{params}
WHERE "reminder"."state" IN ('PENDING', 'CANCELLED')"""
# Per row: kind and due time; then what all rows share.
INSERT_COLUMNS = (
    '"kind", "due_at", "state", "attempts", "claimed_by", "last_error", '
    '"subject", "citizen_id", "centre_id", "params", "created_at"'
)


def on_conflict_move(replace_params: bool) -> str:
    """The `ON CONFLICT` clause of scheduling; a moved reminder takes the new params only when `replace_params`."""
    return _MOVE.format(params=', "params" = EXCLUDED."params"' if replace_params else "")


@cache
def _upsert_statement(dialect: str, rows: int, replace_params: bool) -> str:
    """`INSERT ... VALUES` one row per kind; parameters: subject, citizen, centre, params, now, then kind, due_at."""
    if dialect == "postgres":
        marks = [f"${n}::{cast}" for n, cast in enumerate(("text", "int", "int", "jsonb", "timestamptz"), 1)]
        pair = "${}::text, ${}::timestamptz"
    else:
        marks = [f"?{n}" for n in range(1, 6)]
        pair = "?{}, ?{}"
    shared = ", ".join(marks)
    rows_sql = ", ".join(f"({pair.format(6 + 2 * n, 7 + 2 * n)}, 'PENDING', 0, '', '', {shared})" for n in range(rows))
    return f'INSERT INTO "reminder" ({INSERT_COLUMNS}) VALUES {rows_sql}\n{on_conflict_move(replace_params)}'


def encode_params(params: dict) -> str:
    """Template values as the `params` column stores them."""
    return json.dumps(params, separators=(",", ":"), ensure_ascii=False)


async def schedule_many(
    subject: str,
    due: Mapping[ReminderKind, datetime],
    *,
    citizen_id: int | None = None,
    centre_id: int | None = None,
    params: dict | None = None,
) -> None:
    """Schedule each (kind, subject) for its due time, or move it there while it has not been sent: one statement.

    A reminder already claimed, sent or skipped stays as it is: nothing is ever sent twice. A moved reminder keeps
    its params unless `params` is given.
    """
    if not due:
        return
    connection = connections.get("default")
    statement = _upsert_statement(connection.capabilities.dialect, len(due), params is not None)
    values: list = [subject, citizen_id, centre_id, encode_params(params or {}), datetime.now(UTC)]
    for kind, due_at in due.items():
        values += [ReminderKind(kind).value, due_at.astimezone(UTC)]
    await connection.execute_query(statement, values)


async def schedule(
    kind: ReminderKind,
    subject: str,
    due_at: datetime,
    *,
    citizen_id: int | None = None,
    centre_id: int | None = None,
    params: dict | None = None,
) -> None:
    """Schedule (kind, subject) for `due_at`, or move it there while it has not been sent (see `schedule_many`)."""
    await schedule_many(subject, {kind: due_at}, citizen_id=citizen_id, centre_id=centre_id, params=params)


async def notify_now(
    kind: ReminderKind, subject: str, now: datetime, *, citizen_id: int, params: dict | None = None
) -> None:
    """Send (kind, subject) as soon as the sweep next runs (within about a second of `now`)."""
    await schedule(kind, subject, now, citizen_id=citizen_id, params=params)


async def cancel(subject: str, kinds: Iterable[ReminderKind] | None = None) -> int:
    """Cancel the pending reminders about `subject` (all kinds, or only `kinds`); returns how many."""
    query = Reminder.filter(subject=subject, state=ReminderState.PENDING)
    if kinds is not None:
        query = query.filter(kind__in=list(kinds))
    return await query.update(state=ReminderState.CANCELLED)
