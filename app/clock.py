"""The one source of "now": services take a `Clock` so that tests set the time instead of reading the wall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current moment, timezone-aware UTC."""
    return datetime.now(UTC)
