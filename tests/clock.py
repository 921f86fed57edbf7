"""The suite's clock: `TEST_CLOCK_START` (ISO 8601 with an offset) starts the whole run's clock at that moment.

The clock keeps ticking from there (time-machine patches `datetime.now`, `time.time` and friends, not the monotonic
clock), so every test, fixture and in-process fake sees the same moved time. CI runs the suite once on the real clock
and once at an awkward moment, which proves that no test depends on the day or the hour it runs.
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest
import time_machine

from app.working_days import LOCAL_TZ

VARIABLE = "TEST_CLOCK_START"
# A Wednesday morning in Vietnam: a working day, office hours, outside quiet hours, and the UTC day is the local day.
WEEKDAY_MORNING = datetime(2026, 11, 25, 10, 0, tzinfo=LOCAL_TZ)


def suite_start() -> datetime | None:
    """The moment `TEST_CLOCK_START` names, None when unset; a value without an offset is a usage error."""
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{VARIABLE} needs an offset, e.g. 2027-02-05T22:30:00+07:00")
    return moment


def pytest_configure(config: pytest.Config) -> None:
    start = suite_start()
    if start is not None:
        traveller = time_machine.travel(start, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


@pytest.fixture
def weekday_morning(time_machine) -> None:
    """Run the test from `WEEKDAY_MORNING` on (the clock keeps ticking), for tests about working hours and pushes."""
    time_machine.move_to(WEEKDAY_MORNING, tick=True)


def pytest_report_header(config: pytest.Config) -> str:
    start = suite_start()
    return f"clock: starts at {start.isoformat()} ({VARIABLE})" if start else "clock: the real one"
