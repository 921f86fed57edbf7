"""Claiming outbox rows so that each dossier has at most one row in flight, oldest first, on PostgreSQL and SQLite.

A row is claimable when it is PENDING, due, and every earlier row of its dossier was delivered: a row waiting for
a retry, held by a worker or parked holds back the rest of its dossier, so the portal never sees a dossier's
changes out of order. One UPDATE ... RETURNING claims the rows with a token unique to the call (PostgreSQL picks
them with FOR UPDATE SKIP LOCKED in a MATERIALIZED CTE, SQLite runs one writer at a time). A claim lasts `lease`;
a claim that ran out (a worker died mid-send) goes back to the pool and is sent again with the same idempotency
key, which the portal answers without a second effect.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from tortoise import connections

from app.portal_sync.models import OutboxState, PortalOutbox

_PICK = (
    "SELECT o.id FROM portal_outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= {p[2]} "
    "AND NOT EXISTS (SELECT 1 FROM portal_outbox e WHERE e.dossier_id = o.dossier_id AND e.id < o.id "
    "AND e.state <> 'delivered') ORDER BY o.id LIMIT {p[3]}"
)
_CLAIM = (
    "UPDATE portal_outbox SET state = 'claimed', claimed_by = {p[0]}, claimed_until = {p[1]}, attempts = attempts + 1"
)


def _claim_sql(dialect: str) -> str:
    """The claim statement; parameters: claim token, claimed until, now, limit."""
    if dialect == "postgres":
        p = ("$1", "$2", "$3", "$4")
        return (
            f"WITH picked AS MATERIALIZED ({_PICK.format(p=p)} FOR UPDATE OF o SKIP LOCKED), "
            f"claimed AS ({_CLAIM.format(p=p)} FROM picked "
            "WHERE portal_outbox.id = picked.id AND portal_outbox.state = 'pending' RETURNING portal_outbox.*) "
            "SELECT * FROM claimed"
        )
    return f"{_CLAIM.format(p='????')} WHERE state = 'pending' AND id IN ({_PICK.format(p='????')}) RETURNING *"


async def claim(worker_id: str, now: datetime, limit: int, lease: timedelta) -> list[PortalOutbox]:
    """Claim up to `limit` rows, each the next one of its dossier, oldest first."""
    connection = connections.get("default")
    token = f"{worker_id}:{secrets.token_hex(4)}"
    claimed = await connection.executor_class(model=PortalOutbox, db=connection).execute_select(
        _claim_sql(connection.capabilities.dialect), [token, now + lease, now, limit]
    )
    return sorted(claimed, key=lambda row: row.id)


def _mine(row: PortalOutbox):
    return PortalOutbox.filter(id=row.id, claimed_by=row.claimed_by, state=OutboxState.CLAIMED)


async def mark_delivered(rows: list[PortalOutbox], now: datetime) -> None:
    """Record these claimed rows delivered, in one statement (a claim that ran out is another worker's now)."""
    if rows:
        mine = PortalOutbox.filter(
            id__in=[row.id for row in rows], claimed_by__in={row.claimed_by for row in rows}, state=OutboxState.CLAIMED
        )
        await mine.update(state=OutboxState.DELIVERED, delivered_at=now, claimed_until=None, last_error="")


async def retry_later(row: PortalOutbox, error: str, at: datetime) -> None:
    await _mine(row).update(state=OutboxState.PENDING, next_attempt_at=at, claimed_until=None, last_error=error)


async def park(row: PortalOutbox, error: str, answer: dict | None) -> None:
    await _mine(row).update(state=OutboxState.PARKED, claimed_until=None, last_error=error, portal_answer=answer)


async def release_expired(now: datetime) -> int:
    """Put back the rows whose claim ran out (their worker died or hung): they are sent again."""
    return await PortalOutbox.filter(state=OutboxState.CLAIMED, claimed_until__lt=now).update(
        state=OutboxState.PENDING, claimed_by=""
    )
