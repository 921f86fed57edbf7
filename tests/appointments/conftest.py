"""The appointment service on the fixed clock of tests/appointments/moments.py."""

from __future__ import annotations

import pytest

from app.appointments.services import AppointmentService
from app.events import InProcessEventBus
from tests.appointments.moments import NOW


@pytest.fixture
def bus() -> InProcessEventBus:
    return InProcessEventBus()


@pytest.fixture
def service(bus: InProcessEventBus) -> AppointmentService:
    return AppointmentService(bus, clock=lambda: NOW)
