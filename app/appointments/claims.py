"""Taking and giving back one place of a slot, in a single statement each, safe under any concurrency.

A claim is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE booked < capacity` on the slot's counter row
(SQLite 3.35+ and PostgreSQL alike): it creates the counter at the first booking, and afterwards adds one only while
the slot has room. The capacity override and the manager's closures are read inside the same statement, so a
change to either applies to the very next booking on every worker, with nothing cached. A slot already full when
the statement starts is refused by a plain read, without waiting for the counter row's lock (most attempts at a
popular slot are refusals); `WHERE booked < capacity` on the locked row stays the guard that decides.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise import connections
from tortoise.expressions import F

from app.appointments.models import CentreClosure, SlotCounter

_CLAIM = """
INSERT INTO "slot_counter" ("centre_id", "starts_at", "booked")
SELECT {centre}, {starts_at}, 1
WHERE {capacity} >= 1
  AND NOT EXISTS (SELECT 1 FROM "centre_closure" WHERE "centre_id" = {centre} AND "day" = {day})
  AND NOT EXISTS (
    SELECT 1 FROM "slot_counter" WHERE "centre_id" = {centre} AND "starts_at" = {starts_at} AND "booked" >= {capacity}
  )
ON CONFLICT ("centre_id", "starts_at") DO UPDATE SET "booked" = "slot_counter"."booked" + 1
WHERE "slot_counter"."booked" < {capacity}
RETURNING "booked"
"""
_CAPACITY = 'COALESCE((SELECT "per_slot" FROM "slot_capacity" WHERE "centre_id" = {centre}), {default})'


def _claim_statement(postgres: bool) -> str:
    marks = ("$1::int", "$2::timestamptz", "$3::date", "$4::int") if postgres else ("?1", "?2", "?3", "?4")
    centre, starts_at, day, default = marks
    capacity = _CAPACITY.format(centre=centre, default=default)
    return _CLAIM.format(centre=centre, starts_at=starts_at, day=day, capacity=capacity)


_STATEMENTS = {dialect: _claim_statement(dialect == "postgres") for dialect in ("postgres", "sqlite")}


def claim_statement(dialect: str) -> str:
    """The claim in `dialect`; parameters: centre id, slot start (UTC), local day, default capacity."""
    return _STATEMENTS[dialect]


async def claim_place(centre_id: int, starts_at: datetime, day: date, default_capacity: int) -> bool:
    """Take a place of the slot unless it is full or `day` is closed; False when refused.

    Call inside the booking's transaction so that a later failure gives the place back.
    """
    connection = connections.get("default")
    statement = claim_statement(connection.capabilities.dialect)
    rows = await connection.execute_query_dict(statement, [centre_id, starts_at.astimezone(UTC), day, default_capacity])
    return bool(rows)


async def release_place(centre_id: int, starts_at: datetime) -> None:
    """Give back a place of the slot."""
    await SlotCounter.filter(centre_id=centre_id, starts_at=starts_at, booked__gt=0).update(booked=F("booked") - 1)


async def is_closed(centre_id: int, day: date) -> bool:
    """A manager closed the centre on `day`."""
    return await CentreClosure.exists(centre_id=centre_id, day=day)
