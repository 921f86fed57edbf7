"""Running analytic SQL on SQLite and PostgreSQL: placeholders, the few dialect-specific expressions, periods.

Everything else in the analytic queries is portable SQL (aggregate FILTER clauses, GROUP BY, window functions, CTEs;
SQLite has FILTER since 3.30).
Vietnam keeps UTC+7 all year (no daylight saving), so a local date is the UTC moment shifted by seven hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise import connections

from app.errors import DomainError, ErrorCode
from app.working_days import LOCAL_TZ

MAX_PERIOD_DAYS = 3 * 366
DEFAULT_PERIOD_DAYS = 365


@dataclass(frozen=True)
class Period:
    """Local dates [first, last], both included, as UTC bounds [start, end)."""

    first: date
    last: date

    @classmethod
    def of(cls, first: date | None, last: date | None, today: date) -> Period:
        """The period asked for; by default the 365 days up to today. INVALID_PERIOD when reversed or too long."""
        last = last or today
        first = first or last - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if first > last or (last - first).days >= MAX_PERIOD_DAYS:
            raise DomainError(ErrorCode.INVALID_PERIOD, "from", max_days=MAX_PERIOD_DAYS)
        return cls(first, last)

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        return day_start(self.last + timedelta(days=1))


def day_start(day: date) -> datetime:
    """The UTC moment local date `day` begins."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


@dataclass
class Query:
    """A SQL text built piece by piece with its parameters, in the placeholder style of the connection."""

    dialect: str
    values: list[Any] = field(default_factory=list)

    def param(self, value: Any) -> str:
        """A numbered placeholder bound to `value`, reusable in the text.

        Datetimes are passed in UTC so that SQLite's text comparison of timestamps holds.
        """
        if isinstance(value, datetime):
            value = value.astimezone(UTC)
        self.values.append(value)
        return f"${len(self.values)}" if self.dialect == "postgres" else f"?{len(self.values)}"

    def local_date(self, expression: str) -> str:
        """The Asia/Ho_Chi_Minh calendar date of a timestamp column, as a DATE (PostgreSQL) or ISO text (SQLite).

        A fixed +07:00 offset: about three times cheaper on PostgreSQL than looking the zone up for every row.
        """
        if self.dialect == "postgres":
            return f"(({expression}) AT TIME ZONE INTERVAL '+07:00')::date"
        return f"date({expression}, '+7 hours')"

    def seconds_between(self, earlier: str, later: str) -> str:
        """Seconds from one timestamp expression to another."""
        if self.dialect == "postgres":
            return f"EXTRACT(EPOCH FROM ({later}) - ({earlier}))"
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        return await connections.get("default").execute_query_dict(sql, self.values)


@dataclass(frozen=True)
class Scope:
    """Which dossiers or ratings: a period, optionally one handling centre and one procedure."""

    period: Period
    centre_id: int | None = None
    procedure_id: int | None = None


def period_filter(query: Query, period: Period, column: str) -> str:
    """WHERE conditions putting the timestamp `column` on one of `period`'s local dates."""
    return f"{column} >= {query.param(period.start)} AND {column} < {query.param(period.end)}"


def date_filter(query: Query, period: Period, column: str) -> str:
    """WHERE conditions putting the local-date `column` in `period`."""
    return f"{column} >= {query.param(period.first)} AND {column} <= {query.param(period.last)}"


def scope_filter(query: Query, scope: Scope, alias: str, time_column: str, centre_column: str) -> str:
    """WHERE conditions putting `alias`'s rows in `scope` by their `time_column` and `centre_column`."""
    conditions = [period_filter(query, scope.period, f"{alias}.{time_column}")]
    if scope.centre_id is not None:
        conditions.append(f"{alias}.{centre_column} = {query.param(scope.centre_id)}")
    if scope.procedure_id is not None:
        conditions.append(f"{alias}.procedure_id = {query.param(scope.procedure_id)}")
    return " AND ".join(conditions)


def overdue_condition(query: Query, now: datetime) -> str:
    """Dossier `d` is overdue at `now`: the SQL form of `app.dossiers.deadlines.is_overdue`.

    Finished after the due moment, or open past it, or paused with the time left already overrun.
    """
    return f"""(d.finished_at > d.due_at OR (d.finished_at IS NULL AND (d.paused_remaining_seconds < 0
        OR (d.paused_remaining_seconds IS NULL AND d.due_at < {query.param(now)}))))"""


def new_query() -> Query:
    return Query(connections.get("default").capabilities.dialect)


def ratio(part: int | None, whole: int | None) -> float | None:
    """part / whole, None when there is nothing to divide."""
    return (part or 0) / whole if whole else None


def as_date(value: date | str) -> date:
    """A DATE column as returned by PostgreSQL (date) or SQLite (ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
