"""Working-day arithmetic in Asia/Ho_Chi_Minh across weekends and Tết."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from app.working_days import (
    LOCAL_TZ,
    TimeLeft,
    add_working_time,
    due_at,
    is_public_holiday,
    is_working_day,
    local_midnight,
    working_time_between,
)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def test_weekends_and_tet_are_not_working_days():
    assert is_working_day(date(2026, 2, 13))  # Friday before Tết 2026
    assert not is_working_day(date(2026, 2, 14)) and not is_working_day(date(2026, 2, 15))  # weekend
    assert not any(is_working_day(date(2026, 2, day)) for day in range(16, 21))  # Tết holidays
    assert is_working_day(date(2026, 2, 23))  # the Monday after
    assert not is_working_day(date(2026, 9, 2))  # National Day


def test_three_working_days_across_tet_and_a_weekend():
    # Received Thursday 12 Feb 2026 at 10:00: Friday 13 is day 1, then the weekend and Tết (14-22 Feb),
    # Monday 23 is day 2 and Tuesday 24 day 3.
    assert due_at(local(2026, 2, 12, 10, 0), 3) == local(2026, 2, 24, 10, 0).astimezone(UTC)


def test_plain_week_with_a_weekend():
    # Friday 10:00 + 2 working days = Tuesday 10:00.
    assert due_at(local(2026, 11, 27, 10, 0), 2) == local(2026, 12, 1, 10, 0).astimezone(UTC)


def test_same_day_procedures_are_due_at_the_end_of_the_working_day():
    assert due_at(local(2026, 11, 26, 9, 15), 0) == local(2026, 11, 26, 17, 0).astimezone(UTC)
    # Received after closing on Friday: due at the end of Monday.
    assert due_at(local(2026, 11, 27, 18, 30), 0) == local(2026, 11, 30, 17, 0).astimezone(UTC)


def test_received_outside_office_hours_counts_from_the_next_opening():
    # Saturday: the clock starts Monday 07:30.
    assert due_at(local(2026, 11, 28, 9, 0), 1) == local(2026, 12, 1, 7, 30).astimezone(UTC)
    # Before opening on a working day: from 07:30 that day.
    assert due_at(local(2026, 11, 26, 6, 0), 1) == local(2026, 11, 27, 7, 30).astimezone(UTC)


def test_working_time_skips_non_working_dates_and_inverts():
    start, end = local(2026, 11, 27, 12, 0), local(2026, 11, 30, 12, 0)  # Friday noon to Monday noon
    assert working_time_between(start, end) == timedelta(hours=24)
    assert working_time_between(end, start) == timedelta(hours=-24)
    assert add_working_time(start, timedelta(hours=24)) == end.astimezone(UTC)


def test_time_left_reads_like_the_portal():
    now = local(2026, 11, 26, 8, 0)  # Thursday
    left = TimeLeft.until(local(2026, 11, 30, 11, 0), now)  # Thu 16h + Fri 24h + Mon 11h = 51h
    assert (left.days, left.hours, left.overdue) == (2, 3, False)
    assert left.text("vi") == "còn 2 ngày 3 giờ" and left.text("en") == "2 days 3 hours left"
    late = TimeLeft.until(local(2026, 11, 26, 6, 0), now)
    assert late.overdue and late.text("vi") == "quá hạn 2 giờ" and late.text("en") == "2 hours overdue"


def test_a_deadline_passed_on_a_holiday_is_overdue_though_no_working_time_has_gone_by():
    tet_eve_night = local(2027, 2, 5, 22, 30)  # Lunar New Year's Eve, a public holiday
    late = TimeLeft.until(local(2027, 2, 5, 21, 30), tet_eve_night)
    assert (late.days, late.hours, late.overdue) == (0, 0, True) and late.text("en") == "0 hours overdue"


def test_negative_working_time_walks_back_over_non_working_dates():
    monday_noon = local(2026, 11, 30, 12, 0)
    assert add_working_time(monday_noon, timedelta(hours=-24)) == local(2026, 11, 27, 12, 0).astimezone(UTC)
    assert working_time_between(local(2026, 11, 27, 12, 0), monday_noon) == timedelta(hours=24)


def test_a_local_date_starts_at_17_00_utc_the_day_before():
    assert local_midnight(date(2026, 2, 17)) == datetime(2026, 2, 16, 17, 0, tzinfo=UTC)


def day_by_day(start: datetime, end: datetime) -> timedelta:
    """The working time of [start, end) the slow, obvious way: every date looked at."""
    total, day = timedelta(0), start.astimezone(LOCAL_TZ).date()
    while day <= end.astimezone(LOCAL_TZ).date():
        if is_working_day(day):
            lower = max(start.astimezone(LOCAL_TZ), local_midnight(day))
            upper = min(end.astimezone(LOCAL_TZ), local_midnight(day + timedelta(days=1)))
            total += max(upper - lower, timedelta(0))
        day += timedelta(days=1)
    return total


def test_counted_working_time_equals_walking_every_date():
    rng = random.Random(21)
    origin = datetime(2024, 12, 20, tzinfo=UTC)  # spans reach over three Tết holidays and many weekends
    spans = [
        (timedelta(minutes=rng.randrange(0, 5 * 365 * 1440)), rng.choice([0, 1, 3, 9, 40, 400, 800]))
        for _ in range(1500)
    ]
    holidays_crossed = 0
    for offset, days in spans:
        start = origin + offset
        end = start + timedelta(days=days, minutes=rng.randrange(0, 1440))
        assert working_time_between(start, end) == day_by_day(start, end), (start, end)
        assert working_time_between(end, start) == -day_by_day(start, end)
        holidays_crossed += any(is_public_holiday((start + timedelta(days=n)).date()) for n in range(days))
    assert holidays_crossed > 100  # the holidays were really in the spans
    # Edges: both ends on one date, at local midnights, on a holiday, on a weekend.
    tet = local(2026, 2, 17, 9, 0)
    for start, end in [
        (tet, tet + timedelta(hours=3)),
        (local(2026, 2, 13), local(2026, 2, 24)),
        (local(2026, 11, 28, 10), local(2026, 11, 29, 23)),
        (local(2026, 11, 27, 23), local(2026, 11, 30, 1)),
    ]:
        assert working_time_between(start, end) == day_by_day(start, end)
