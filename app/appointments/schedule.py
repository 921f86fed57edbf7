"""Slot arithmetic in Asia/Ho_Chi_Minh: opening hours, lunch breaks, holidays and closures give the bookable slots.

Pure functions: the caller loads the centre's hours and closures.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime, time, timedelta

from app.working_days import LOCAL_TZ, is_public_holiday

SLOT_LENGTH = timedelta(minutes=30)
APPOINTMENTS_PER_COUNTER = 1
MINIMUM_NOTICE = timedelta(hours=2)
HORIZON_DAYS = 30


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def day_slots(opening_hours: dict, day: date, closures: Collection[date] = ()) -> list[datetime]:
    """Slot starts (aware, local time) of `day`: every 30 minutes inside each opening interval.

    The gap between intervals (the lunch break) has no slots. Holidays, closures and days without hours have none.
    """
    if is_public_holiday(day) or day in closures:
        return []
    slots = []
    for start_text, end_text in opening_hours.get(str(day.weekday()), []):
        start = datetime.combine(day, _clock(start_text), LOCAL_TZ)
        end = datetime.combine(day, _clock(end_text), LOCAL_TZ)
        while start + SLOT_LENGTH <= end:
            slots.append(start)
            start += SLOT_LENGTH
    return slots


def bookable_starts(
    opening_hours: dict, first: date, last: date, earliest: datetime, closures: Iterable[date] = ()
) -> Iterator[datetime]:
    """Slot starts from `first` to `last` (local dates) not before `earliest`, in order."""
    closed = set(closures)
    day = first
    while day <= last:
        yield from (slot for slot in day_slots(opening_hours, day, closed) if slot >= earliest)
        day += timedelta(days=1)


def default_capacity(counters: int) -> int:
    return max(counters, 1) * APPOINTMENTS_PER_COUNTER


def bookable_from(now: datetime) -> datetime:
    """The earliest slot start a booking may take (minimum notice)."""
    return now + MINIMUM_NOTICE


def horizon_day(now: datetime) -> date:
    """The last local date open for booking."""
    return now.astimezone(LOCAL_TZ).date() + timedelta(days=HORIZON_DAYS)
