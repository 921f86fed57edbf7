"""A citizen's notification preferences: categories switched off and quiet hours."""

from __future__ import annotations

from collections.abc import Iterable

from app.errors import DomainError, ErrorCode
from notifications.models import Category, NotificationPreferences


def minutes_of(time_of_day: str, field: str) -> int:
    """ "21:30" -> 1290; anything else is INVALID_QUIET_HOURS on `field`."""
    hours, _, minutes = time_of_day.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60):
        raise DomainError(ErrorCode.INVALID_QUIET_HOURS, field)
    return int(hours) * 60 + int(minutes)


def time_of_day(minutes: int) -> str:
    """1290 -> "21:30"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


async def preferences_of(citizen_id: int) -> NotificationPreferences:
    """The stored preferences, or the defaults (everything on, quiet 21:00 to 07:00) unsaved."""
    found = await NotificationPreferences.get_or_none(citizen_id=citizen_id)
    return found or NotificationPreferences(citizen_id=citizen_id)


async def preferences_for(citizen_ids: Iterable[int]) -> dict[int, NotificationPreferences]:
    """Preferences of many citizens at once, defaults filled in."""
    ids = set(citizen_ids)
    stored = {row.citizen_id: row for row in await NotificationPreferences.filter(citizen_id__in=ids)}
    return {citizen_id: stored.get(citizen_id) or NotificationPreferences(citizen_id=citizen_id) for citizen_id in ids}


async def update_preferences(
    citizen_id: int,
    *,
    muted: Iterable[Category] | None = None,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
) -> NotificationPreferences:
    """Change what is given ("HH:MM" local times); the rest stays. Equal start and end: no quiet hours."""
    start = minutes_of(quiet_start, "quiet_hours_start") if quiet_start is not None else None
    end = minutes_of(quiet_end, "quiet_hours_end") if quiet_end is not None else None
    preferences, _ = await NotificationPreferences.get_or_create(citizen_id=citizen_id)
    if muted is not None:
        preferences.muted_categories = sorted({Category(category).value for category in muted})
    if start is not None:
        preferences.quiet_start_minute = start
    if end is not None:
        preferences.quiet_end_minute = end
    await preferences.save()
    return preferences
