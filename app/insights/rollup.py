"""Keeping the daily roll-ups fresh: rebuild the days whose source rows changed since the last refresh.

Changed days are found through indexed timestamps: `dossier.updated_at` (every transition sets it), `payment.paid_at`
and `rating.updated_at`. When none changed since the watermark, a refresh only reads. Otherwise it is claimed with a
conditional UPDATE of the single `rollup_state` row, so concurrent readers never rebuild the same days at once (the
loser reads the roll-ups as they are, at most one refresh behind). The watermark trails the refresh's start by
`MARGIN`, so a change committed by a transaction that began up to that long before the refresh is still picked up
next time (a change thus keeps its date stale until a refresh starts more than `MARGIN` after it). More than
`MAX_DAYS` changed days, or no watermark yet, rebuild everything.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.insights.measures import DOSSIER_COLUMNS, RATING_COLUMNS, dossier_measures, paid_join, rating_measures
from app.insights.models import RollupState
from app.insights.sql import Period, Query, as_date, new_query, period_filter

MARGIN = timedelta(seconds=60)
CLAIM_EXPIRES = timedelta(minutes=10)
MAX_DAYS = 60
STATE_ID = 1


async def refresh(now: datetime) -> bool:
    """Bring the roll-ups up to date, writing nothing when they are; False when another refresh is already running."""
    state = await RollupState.get_or_none(id=STATE_ID)
    since = state.refreshed_until if state else None
    dossier_days = None if since is None else await _changed_days(_dossier_changes, since)
    rating_days = None if since is None else await _changed_days(_rating_changes, since)
    if dossier_days == set() and rating_days == set():
        return True  # nothing changed since the watermark
    if not await _claim(now):
        return False
    try:
        async with in_transaction() as connection:
            if dossier_days is None or dossier_days:
                await _rebuild(connection, "dossier_day", DOSSIER_COLUMNS, dossier_days, _dossier_source)
            if rating_days is None or rating_days:
                await _rebuild(connection, "rating_day", RATING_COLUMNS, rating_days, _rating_source)
            await (
                RollupState.filter(id=STATE_ID)
                .using_db(connection)
                .update(refreshed_until=now - MARGIN, refreshing_since=None)
            )
    except BaseException:
        await RollupState.filter(id=STATE_ID).update(refreshing_since=None)
        raise
    return True


async def _claim(now: datetime) -> bool:
    free = Q(refreshing_since__isnull=True) | Q(refreshing_since__lt=now - CLAIM_EXPIRES)
    if await RollupState.filter(free, id=STATE_ID).update(refreshing_since=now):
        return True
    try:
        await RollupState.create(id=STATE_ID, refreshing_since=now)
        return True
    except IntegrityError:
        return False  # it exists and someone else holds it


async def _changed_days(source, since: datetime) -> set[date] | None:
    """Local dates whose roll-up rows are stale, None when there are too many to rebuild one by one."""
    q = new_query()
    rows = await q.rows(source(q, since))
    days = {as_date(row["day"]) for row in rows}
    return None if len(days) > MAX_DAYS else days


def _dossier_changes(q: Query, since: datetime) -> str:
    day = q.local_date("d.submitted_at")
    marker = q.param(since)
    return f"""
        SELECT DISTINCT {day} AS day FROM dossier d WHERE d.updated_at >= {marker}
        UNION
        SELECT DISTINCT {day} AS day FROM payment p JOIN dossier d ON d.id = p.dossier_id WHERE p.paid_at >= {marker}
    """


def _rating_changes(q: Query, since: datetime) -> str:
    return f"SELECT DISTINCT {q.local_date('r.created_at')} AS day FROM rating r WHERE r.updated_at >= {q.param(since)}"


def _dossier_source(q: Query, days: list[date] | None) -> str:
    day = q.local_date("d.submitted_at")
    return f"""
        SELECT {day} AS day, d.handling_centre_id, {dossier_measures(q)}
        FROM dossier d {paid_join(q)}
        {_on_days(q, "d.submitted_at", days)}
        GROUP BY {day}, d.handling_centre_id
    """


def _rating_source(q: Query, days: list[date] | None) -> str:
    day = q.local_date("r.created_at")
    return f"""
        SELECT {day} AS day, r.centre_id, {rating_measures(q)}
        FROM rating r
        {_on_days(q, "r.created_at", days)}
        GROUP BY {day}, r.centre_id
    """


def _on_days(q: Query, column: str, days: list[date] | None) -> str:
    """A WHERE clause keeping the rows whose timestamp `column` falls on one of `days` (every row when None)."""
    if days is None:
        return ""
    return "WHERE " + " OR ".join(f"({period_filter(q, Period(day, day), column)})" for day in days)


async def _rebuild(connection, table: str, columns: tuple[str, ...], days: set[date] | None, source) -> None:
    """Replace the rows of `days` (all rows when None) with fresh aggregates."""
    delete, insert = new_query(), new_query()
    if days is None:
        ordered, delete_sql = None, f"DELETE FROM {table}"
    else:
        ordered = sorted(days)
        delete_sql = f"DELETE FROM {table} WHERE day IN ({', '.join(delete.param(day) for day in ordered)})"
    insert_sql = f"INSERT INTO {table} (day, centre_id, {', '.join(columns)}) {source(insert, ordered)}"
    await connection.execute_query(delete_sql, delete.values)
    await connection.execute_query(insert_sql, insert.values)
