"""Public tracking by code and receipt secret: failed lookups are limited per code on every worker at once, a
burst of guesses gets no more tries than allowed, and the counters leave the database when their hour ends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.clock import system_clock
from app.container import build_rate_limiter
from app.dossiers.codes import new_dossier_code
from app.dossiers.models import Dossier
from app.dossiers.services import DossierService
from app.rate_limits.limiter import Limit
from app.rate_limits.models import RateLimitCounter


@pytest.fixture
def two_workers(app, settings) -> list[DossierService]:
    """The dossier services of two processes, as `build_services` makes them."""
    assert settings.tracking_failures_per_code == "10/hour"
    return [
        DossierService(
            app.state.services.bus,
            build_rate_limiter(settings, system_clock),
            Limit.parse("tracking:failed-lookups", settings.tracking_failures_per_code),
        )
        for _ in range(2)
    ]


async def test_failed_lookups_on_two_workers_lock_the_code(two_workers, dossier: Dossier):
    first, second = two_workers
    for guess in range(10):
        worker = two_workers[guess % 2]
        assert await worker.track(dossier.code, f"WRONG{guess:03d}") is None
    assert await first.track(dossier.code, dossier.tracking_secret) is None
    assert await second.track(dossier.code, dossier.tracking_secret) is None


async def test_a_burst_of_guesses_gets_ten_tries(two_workers, dossier: Dossier):
    start = datetime.now(UTC)
    guesses = [two_workers[n % 2].track(dossier.code, f"WRONG{n:03d}") for n in range(30)]
    assert await asyncio.gather(*guesses) == [None] * 30
    assert await two_workers[0].track(dossier.code, dossier.tracking_secret) is None
    with time_machine.travel(start + timedelta(minutes=61)):
        found = await two_workers[1].track(dossier.code, dossier.tracking_secret)
        assert found is not None and found.id == dossier.id


async def test_right_secrets_never_lock_the_code(two_workers, dossier: Dossier):
    for _ in range(12):
        assert await two_workers[0].track(dossier.code, dossier.tracking_secret) is not None


async def test_counters_of_many_codes_leave_the_database_after_their_hour(two_workers, dossier: Dossier):
    start = datetime.now(UTC)
    codes = {new_dossier_code("2611") for _ in range(40)}
    for n, code in enumerate(codes):
        await two_workers[n % 2].track(code, "WRONG000")
    assert await RateLimitCounter.all().count() == len(codes)
    with time_machine.travel(start + timedelta(minutes=62)):
        await two_workers[0].track(dossier.code, "WRONG000")
        await two_workers[1].track(dossier.code, "WRONG000")
        assert await RateLimitCounter.all().count() == 1
