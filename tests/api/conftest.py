"""A second app over the same database with a hand-moved clock: another worker, whose time the test controls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.clock import system_clock
from app.container import build_services
from app.main import create_app
from tests.conftest import GraphQLClient
from tests.fakes.clock import ManualClock


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock(system_clock())


@pytest.fixture
def clocked_app(app: Any, settings, sms, manual_clock: ManualClock) -> Any:
    """An app whose services read `manual_clock`, with its own event bus and caches (the ORM is the session app's)."""
    return create_app(settings, build_services(settings, sms=sms, clock=manual_clock))


@pytest.fixture
async def clocked_gql(clocked_app: Any) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(clocked_app), base_url="http://testserver") as http:
        yield GraphQLClient(http)
