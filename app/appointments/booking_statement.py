"""A whole booking as one PostgreSQL statement: the claim, the appointment row and its reminders.

Data-modifying `WITH` queries run together, all or nothing: the claim (app/appointments/claims.py) yields a row only
when it took a place, the appointment is inserted from that row, and the reminders from the appointment's new id,
through the outbox's own `ON CONFLICT` clause. A unique clash (ticket, one a day) fails the whole statement, which
gives the place back. A refused claim writes nothing, and the same statement says whether the day is closed, so a
refusal costs one round trip, not four. SQLite cannot put `INSERT` in `WITH`: it keeps the ORM transaction in
app/appointments/services.py, which the same tests exercise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise import connections

from app.appointments.claims import claim_statement
from app.appointments.models import Appointment, AppointmentStatus
from app.appointments.reminders import reminder_params, reminders_due, slot_key
from notifications.outbox import INSERT_COLUMNS, encode_params, on_conflict_move

_BOOK = f"""
WITH claim AS ({claim_statement("postgres")}),
booking AS (
  INSERT INTO "appointment" ("ticket", "citizen_id", "centre_id", "procedure_id", "dossier_id", "acted_by_id",
    "starts_at", "local_day", "active_day", "status", "created_at", "updated_at")
  SELECT $5::text, $6::int, $1, $7::int, $8::int, $9::int, $2, $3, $3, 'BOOKED', $10::timestamptz, $10 FROM claim
  RETURNING "id"
),
reminders AS (
  INSERT INTO "reminder" ({INSERT_COLUMNS})
  SELECT due.kind, due.due_at, 'PENDING', 0, '', '', 'appointment:' || booking.id || ':' || $11::text, $6, $1,
    $12::jsonb, $10
  FROM booking CROSS JOIN unnest($13::text[], $14::timestamptz[]) AS due ("kind", "due_at")
  {on_conflict_move(replace_params=True)}
)
SELECT (SELECT "id" FROM booking) AS "id",
  EXISTS (SELECT 1 FROM "centre_closure" WHERE "centre_id" = $1 AND "day" = $3) AS "closed"
"""


@dataclass(frozen=True)
class Booking:
    """What to book: the slot start is in UTC, `day` its local date."""

    citizen_id: int
    centre_id: int
    procedure_id: int
    starts_at: datetime
    day: date
    ticket: str
    default_capacity: int
    dossier_id: int | None = None
    acted_by: int | None = None

    def appointment_fields(self) -> dict:
        """The new appointment's own values (status and timestamps take their defaults)."""
        return {
            "ticket": self.ticket,
            "citizen_id": self.citizen_id,
            "centre_id": self.centre_id,
            "procedure_id": self.procedure_id,
            "dossier_id": self.dossier_id,
            "acted_by_id": self.acted_by,
            "starts_at": self.starts_at,
            "local_day": self.day,
            "active_day": self.day,
        }


@dataclass(frozen=True)
class Outcome:
    """The booked appointment, or None when the claim was refused (`closed`: the centre is closed that day)."""

    appointment: Appointment | None
    closed: bool


def available() -> bool:
    """The database can book in one statement (PostgreSQL)."""
    return connections.get("default").capabilities.dialect == "postgres"


async def book_in_one_statement(booking: Booking, now: datetime) -> Outcome:
    """Claim, insert and schedule the reminders (those due after `now`) at once; a unique clash raises."""
    due = reminders_due(booking.starts_at, now)
    params = reminder_params(booking.centre_id, booking.ticket, booking.starts_at)
    created_at = datetime.now(UTC)  # as the ORM's auto_now_add: the wall clock
    values = [
        booking.centre_id,
        booking.starts_at,
        booking.day,
        booking.default_capacity,
        booking.ticket,
        booking.citizen_id,
        booking.procedure_id,
        booking.dossier_id,
        booking.acted_by,
        created_at,
        slot_key(booking.starts_at),
        encode_params(params),
        [kind.value for kind in due],
        list(due.values()),
    ]
    [row] = await connections.get("default").execute_query_dict(_BOOK, values)
    if row["id"] is None:
        return Outcome(None, row["closed"])
    appointment = Appointment.construct(
        _saved_in_db=True,
        id=row["id"],
        **booking.appointment_fields(),
        status=AppointmentStatus.BOOKED,
        checked_in_at=None,
        created_at=created_at,
        updated_at=created_at,
    )
    return Outcome(appointment, False)
