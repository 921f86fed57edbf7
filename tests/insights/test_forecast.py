"""The weekday-and-holiday forecast against the seasonal-naive baseline, on series with weekly and holiday patterns."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from app.errors import DomainError, ErrorCode
from app.insights.forecast import DemandKind, WeekdayHolidayModel, backtest, demand_forecast, seasonal_naive
from app.seeding.synthetic import create_synthetic_citizens, create_synthetic_procedures
from app.seeding.synthetic_activity import day_weight
from app.seeding.synthetic_dossiers import create_synthetic_dossiers

TODAY = date(2026, 5, 10)  # the last 28 days hold Hùng Kings (observed), Reunification Day and Labour Day


def pattern_series(today: date, rng: random.Random) -> dict[date, int]:
    """A year of daily counts around 40 on a Wednesday, with the seeder's weekday and holiday weights."""
    return {
        today - timedelta(days=offset): max(0, round(rng.gauss(40 * day_weight(today - timedelta(days=offset)), 4)))
        for offset in range(1, 366)
    }


def test_the_model_learns_weekdays_and_holidays():
    history = pattern_series(TODAY, random.Random(1))
    model = WeekdayHolidayModel.fit(history, TODAY - timedelta(days=1))
    assert model.weekday_means[0] == pytest.approx(52, abs=3) and model.weekday_means[6] == pytest.approx(4, abs=2)
    assert model.holiday_factor == pytest.approx(0.1, abs=0.05)
    assert model.predict(date(2026, 9, 2)) < model.predict(date(2026, 9, 9)) / 5  # National Day vs next Wednesday


def test_backtest_beats_seasonal_naive_on_weekly_and_holiday_patterns():
    for seed in range(5):
        result = backtest(pattern_series(TODAY, random.Random(seed)), TODAY)
        assert result.days == 28
        assert result.model_error < 0.6 * result.baseline_error, (seed, result)


def test_seasonal_naive_repeats_the_last_observed_week():
    history = {date(2026, 5, 4) + timedelta(days=offset): offset for offset in range(7)}  # Monday 0 ... Sunday 6
    predict = seasonal_naive(history, date(2026, 5, 10))
    assert [predict(date(2026, 5, 11) + timedelta(days=offset)) for offset in range(14)] == [*range(7), *range(7)]


async def test_forecast_from_synthetic_history_in_the_database(cast):
    rng = random.Random(11)
    await create_synthetic_procedures(70, rng)
    await create_synthetic_citizens(200, rng)
    now = datetime(2026, 5, 10, 1, 0, tzinfo=UTC)
    await create_synthetic_dossiers(6000, rng, now=now)

    dossiers, appointments = await demand_forecast(None, 14, today=TODAY)
    assert (dossiers.kind, appointments.kind) == (DemandKind.DOSSIERS, DemandKind.APPOINTMENTS)
    assert [day for day, _ in dossiers.days] == [TODAY + timedelta(days=offset) for offset in range(1, 15)]
    assert dossiers.backtest.model_error < dossiers.backtest.baseline_error
    monday, saturday = dossiers.model.weekday_means[0], dossiers.model.weekday_means[5]
    assert monday > 3 * saturday and dossiers.model.holiday_factor < 0.5
    assert all(value >= 0 for _, value in appointments.days) and sum(value for _, value in appointments.days) > 0


async def test_forecast_days_are_bounded(cast):
    for days in (0, 43):
        with pytest.raises(DomainError) as error:
            await demand_forecast(cast.ha_long.id, days, today=TODAY)
        assert error.value.code is ErrorCode.INVALID_FORECAST_DAYS
