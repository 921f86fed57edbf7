"""Working-day arithmetic in Asia/Ho_Chi_Minh: weekends and Vietnamese public holidays (Tết included) do not count.

Time on a working date counts in full (24 hours a day), so "N working days after 10:00 Monday" is 10:00 on the
N-th following working date, as the national portal computes due dates, and the time left reads as "2 days 3 hours".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = timedelta(days=1)
OFFICE_OPENS = time(7, 30)
OFFICE_CLOSES = time(17, 0)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_public_holiday(day: date) -> bool:
    """A Vietnamese public holiday (Tết included)."""
    return day in _holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Vietnamese public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += DAY
    while not is_working_day(day):
        day += DAY
    return day


def local_today(moment: datetime) -> date:
    """The date in Asia/Ho_Chi_Minh at `moment`."""
    return moment.astimezone(LOCAL_TZ).date()


def local_midnight(day: date) -> datetime:
    """The start of a local date in Asia/Ho_Chi_Minh."""
    return datetime.combine(day, time(0), LOCAL_TZ)


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """How much of [start, end) falls on working dates (negative when `end` is before `start`).

    The partial first and last dates are measured; the whole dates between are counted, not walked: five per whole
    week, the remaining few looked at, minus the public holidays that fall on a weekday.
    """
    if end < start:
        return -working_time_between(end, start)
    start_local, end_local = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    first, last = start_local.date(), end_local.date()
    if first == last:
        return end_local - start_local if is_working_day(first) else timedelta(0)
    total = timedelta(0)
    if is_working_day(first):
        total += local_midnight(first + DAY) - start_local
    if is_working_day(last):
        total += end_local - local_midnight(last)
    return total + DAY * working_days_within(first + DAY, last - DAY)


def working_days_within(first: date, last: date) -> int:
    """How many working days [first, last] holds (0 when `last` is before `first`), without walking the dates."""
    if last < first:
        return 0
    length = (last - first).days + 1
    weeks, rest = divmod(length, 7)
    weekdays = 5 * weeks + sum((first.weekday() + offset) % 7 < 5 for offset in range(rest))
    holidays_on_weekdays = sum(
        1
        for year in range(first.year, last.year + 1)
        for holiday in _holidays(year)
        if first <= holiday <= last and holiday.weekday() < 5
    )
    return weekdays - holidays_on_weekdays


def add_working_time(start: datetime, amount: timedelta) -> datetime:
    """The moment `amount` of working time after `start` (before it when negative); non-working dates are skipped."""
    if amount < timedelta(0):
        return _subtract_working_time(start, -amount)
    current = start.astimezone(LOCAL_TZ)
    remaining = amount
    while True:
        day_end = local_midnight(current.date() + DAY)
        if is_working_day(current.date()):
            if current + remaining <= day_end:
                return (current + remaining).astimezone(UTC)
            remaining -= day_end - current
        current = day_end


def _subtract_working_time(start: datetime, amount: timedelta) -> datetime:
    day = start.astimezone(LOCAL_TZ).date()
    upper = start.astimezone(LOCAL_TZ)
    remaining = amount
    while True:
        lower = local_midnight(day)
        if is_working_day(day):
            if remaining <= upper - lower:
                return (upper - remaining).astimezone(UTC)
            remaining -= upper - lower
        day -= DAY
        upper = lower


def working_start(moment: datetime) -> datetime:
    """The moment itself during office hours of a working day; otherwise the next opening."""
    local = moment.astimezone(LOCAL_TZ)
    day = local.date()
    if is_working_day(day) and local.time() < OFFICE_OPENS:
        return datetime.combine(day, OFFICE_OPENS, LOCAL_TZ)
    if is_working_day(day) and local.time() < OFFICE_CLOSES:
        return local
    return datetime.combine(next_working_day(day), OFFICE_OPENS, LOCAL_TZ)


def due_at(received_at: datetime, working_days: int) -> datetime:
    """When a dossier received at `received_at` with a statutory time of `working_days` is due.

    Zero days means the end of the working day it was received (the next one when received after hours).
    A dossier received outside office hours counts from the next opening.
    """
    start = working_start(received_at)
    if working_days == 0:
        return datetime.combine(start.date(), OFFICE_CLOSES, LOCAL_TZ).astimezone(UTC)
    return add_working_time(start, timedelta(days=working_days))


@dataclass(frozen=True)
class TimeLeft:
    """Working time left before a deadline, as whole days and hours ("còn 2 ngày 3 giờ")."""

    days: int
    hours: int
    overdue: bool

    @classmethod
    def of(cls, left: timedelta, overdue: bool | None = None) -> TimeLeft:
        """Split working time (negative when overdue, unless `overdue` says) into whole days and hours."""
        hours = int(abs(left).total_seconds() // 3600)
        return cls(days=hours // 24, hours=hours % 24, overdue=left < timedelta(0) if overdue is None else overdue)

    @classmethod
    def until(cls, deadline: datetime, now: datetime) -> TimeLeft:
        """Overdue once the deadline has passed, even when no working time has gone by since (a night, a holiday)."""
        return cls.of(working_time_between(now, deadline), overdue=now > deadline)

    def text(self, locale: str) -> str:
        if locale == "en":
            days = f"{self.days} day{'s' if self.days != 1 else ''} " if self.days else ""
            amount = f"{days}{self.hours} hour{'s' if self.hours != 1 else ''}"
            return f"{amount} overdue" if self.overdue else f"{amount} left"
        amount = f"{self.days} ngày {self.hours} giờ" if self.days else f"{self.hours} giờ"
        return f"quá hạn {amount}" if self.overdue else f"còn {amount}"
