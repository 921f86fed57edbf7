"""Running analytic SQL on SQLite and PostgreSQL: placeholders, the few dialect-specific expressions, periods.

Everything else in the analytic queries is portable SQL (CASE, GROUP BY, window functions, CTEs).
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
    def of(cls, first: date | None, last: date | None, today: date | None = None) -> Period:
        """The period asked for; by default the 365 days up to today. INVALID_PERIOD when reversed or too long."""
        last = last or today or datetime.now(LOCAL_TZ).date()
        first = first or last - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if first > last or (last - first).days >= MAX_PERIOD_DAYS:
            raise DomainError(ErrorCode.INVALID_PERIOD, "from", max_days=MAX_PERIOD_DAYS)
        return cls(first, last)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), LOCAL_TZ).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), LOCAL_TZ).astimezone(UTC)


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
        """The Asia/Ho_Chi_Minh calendar date of a timestamp column, as a DATE (PostgreSQL) or ISO text (SQLite)."""
        if self.dialect == "postgres":
            return f"(({expression}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
        return f"date({expression}, '+7 hours')"

    def seconds_between(self, earlier: str, later: str) -> str:
        """Seconds from one timestamp expression to another."""
        if self.dialect == "postgres":
            return f"EXTRACT(EPOCH FROM ({later}) - ({earlier}))"
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"

    def weekday(self, expression: str) -> str:
        """Day of week of a local date expression, 0 = Sunday."""
        if self.dialect == "postgres":
            return f"EXTRACT(DOW FROM {expression})::int"
        return f"CAST(strftime('%w', {expression}) AS INTEGER)"

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        return await connections.get("default").execute_query_dict(sql, self.values)


def new_query() -> Query:
    return Query(connections.get("default").capabilities.dialect)


def ratio(part: int | None, whole: int | None) -> float | None:
    """part / whole, None when there is nothing to divide."""
    return (part or 0) / whole if whole else None


def as_date(value: date | str) -> date:
    """A DATE column as returned by PostgreSQL (date) or SQLite (ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
