"""The fixed clock of the appointment tests (Monday 1 February 2027, 08:00 in Vietnam) and local slot times."""

from __future__ import annotations

from datetime import date, datetime

from app.working_days import LOCAL_TZ

NOW = datetime(2027, 2, 1, 8, 0, tzinfo=LOCAL_TZ)
TUESDAY = date(2027, 2, 2)
WEDNESDAY = date(2027, 2, 3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """`day` at hour:minute, Vietnamese time."""
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ).replace(hour=hour, minute=minute)
