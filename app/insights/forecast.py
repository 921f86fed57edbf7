"""Demand forecast per day: dossiers filed and appointments booked at a centre, by weekday with holiday effects.

Model: for each weekday, the mean of the last 8 weeks' counts on ordinary (non-holiday) days of that weekday;
a public holiday is that mean times the holiday factor, the ratio of what holidays actually received to what their
weekdays would have predicted over the past year. Daily counts come from SQL (GROUP BY local date); the model then
works on at most a year of daily numbers.

Backtest: refit with the history that ends `BACKTEST_DAYS` before today, forecast those days, and compare the
mean absolute error with the seasonal-naive baseline (each day repeats the last observed day of the same weekday).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from statistics import fmean

from app.appointments.models import AppointmentStatus
from app.errors import DomainError, ErrorCode
from app.insights.sql import Period, Scope, as_date, date_filter, new_query, scope_filter
from app.working_days import is_public_holiday

LOOKBACK_WEEKS = 8
HISTORY_DAYS = 365
BACKTEST_DAYS = 28
MAX_DAYS = 42
DEFAULT_HOLIDAY_FACTOR = 0.2  # until the history holds a holiday


class DemandKind(StrEnum):
    """What is counted per day."""

    DOSSIERS = "DOSSIERS"
    APPOINTMENTS = "APPOINTMENTS"


@dataclass(frozen=True)
class WeekdayHolidayModel:
    """Expected count per weekday (Monday first), and the holiday factor."""

    weekday_means: tuple[float, ...]
    holiday_factor: float

    @classmethod
    def fit(cls, history: dict[date, int], last: date) -> WeekdayHolidayModel:
        """Fit on the days up to `last` (days missing from `history` count zero)."""
        window = [last - timedelta(days=offset) for offset in range(LOOKBACK_WEEKS * 7)]
        ordinary = [day for day in window if not is_public_holiday(day)]
        means = tuple(
            fmean([history.get(day, 0) for day in ordinary if day.weekday() == weekday] or [0]) for weekday in range(7)
        )
        past_year = (last - timedelta(days=offset) for offset in range(HISTORY_DAYS))
        holidays = [day for day in past_year if is_public_holiday(day)]
        expected = sum(means[day.weekday()] for day in holidays)
        actual = sum(history.get(day, 0) for day in holidays)
        factor = actual / expected if holidays and expected > 0 else DEFAULT_HOLIDAY_FACTOR
        return cls(means, factor)

    def predict(self, day: date) -> float:
        mean = self.weekday_means[day.weekday()]
        return mean * self.holiday_factor if is_public_holiday(day) else mean


def seasonal_naive(history: dict[date, int], last: date) -> Callable[[date], float]:
    """The baseline: a day repeats the last observed day of the same weekday up to `last`."""

    def predict(day: date) -> float:
        weeks_back = (day - last).days // 7 + (1 if (day - last).days % 7 else 0)
        return float(history.get(day - timedelta(days=7 * max(weeks_back, 1)), 0))

    return predict


@dataclass(frozen=True)
class Backtest:
    """Mean absolute errors over the last `days` days of history, model and baseline fitted before them."""

    days: int
    model_error: float
    baseline_error: float


@dataclass(frozen=True)
class Forecast:
    kind: DemandKind
    days: list[tuple[date, float]]
    model: WeekdayHolidayModel
    backtest: Backtest


def backtest(history: dict[date, int], today: date, days: int = BACKTEST_DAYS) -> Backtest:
    """Forecast the `days` days before `today` from what was known before them."""
    cutoff = today - timedelta(days=days + 1)
    model = WeekdayHolidayModel.fit(history, cutoff)
    baseline = seasonal_naive(history, cutoff)
    tested = [cutoff + timedelta(days=offset) for offset in range(1, days + 1)]
    return Backtest(
        days=days,
        model_error=fmean(abs(model.predict(day) - history.get(day, 0)) for day in tested),
        baseline_error=fmean(abs(baseline(day) - history.get(day, 0)) for day in tested),
    )


def forecast_series(kind: DemandKind, history: dict[date, int], today: date, days: int) -> Forecast:
    """The next `days` days from tomorrow, from the history up to yesterday (today is not complete yet)."""
    model = WeekdayHolidayModel.fit(history, today - timedelta(days=1))
    upcoming = [today + timedelta(days=offset) for offset in range(1, days + 1)]
    return Forecast(kind, [(day, model.predict(day)) for day in upcoming], model, backtest(history, today))


async def daily_counts(kind: DemandKind, centre_id: int | None, first: date, last: date) -> dict[date, int]:
    """Dossiers filed at (or appointments booked for) the centre per local date, [first, last]."""
    q, period = new_query(), Period(first, last)
    if kind is DemandKind.DOSSIERS:
        day = q.local_date("d.submitted_at")
        in_scope = scope_filter(q, Scope(period, centre_id), "d", "submitted_at", "received_centre_id")
        sql = f"SELECT {day} AS day, COUNT(*) AS n FROM dossier d WHERE {in_scope} GROUP BY {day}"
    else:
        conditions = [
            date_filter(q, period, "a.local_day"),
            f"a.status <> {q.param(AppointmentStatus.CANCELLED.value)}",
        ]
        if centre_id is not None:
            conditions.append(f"a.centre_id = {q.param(centre_id)}")
        sql = (
            f"SELECT a.local_day AS day, COUNT(*) AS n FROM appointment a WHERE {' AND '.join(conditions)} "
            "GROUP BY a.local_day"
        )
    return {as_date(row["day"]): row["n"] for row in await q.rows(sql)}


async def demand_forecast(centre_id: int | None, days: int, today: date) -> list[Forecast]:
    """Dossier and appointment forecasts for the next `days` days (1 to 42) at a centre, or the province."""
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(ErrorCode.INVALID_FORECAST_DAYS, "days", max_days=MAX_DAYS)
    first = today - timedelta(days=HISTORY_DAYS)
    yesterday = today - timedelta(days=1)
    return [
        forecast_series(kind, await daily_counts(kind, centre_id, first, yesterday), today, days) for kind in DemandKind
    ]
