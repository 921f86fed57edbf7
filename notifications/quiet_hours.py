"""Quiet hours in Asia/Ho_Chi_Minh: a window of local minutes that may wrap past midnight (21:00 to 07:00)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.working_days import LOCAL_TZ

DEFAULT_START = 21 * 60
DEFAULT_END = 7 * 60


def quiet_until(now: datetime, start_minute: int, end_minute: int) -> datetime | None:
    """When the quiet window around `now` ends (UTC-aware), or None when `now` is outside it."""
    if start_minute == end_minute:
        return None
    local = now.astimezone(LOCAL_TZ)
    minute = local.hour * 60 + local.minute
    wraps = start_minute > end_minute
    inside = (minute >= start_minute or minute < end_minute) if wraps else start_minute <= minute < end_minute
    if not inside:
        return None
    end = local.replace(hour=end_minute // 60, minute=end_minute % 60, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(now.tzinfo)
