"""The in-app inbox: every notification a citizen or staff member was sent, read or unread."""

from __future__ import annotations

from datetime import datetime

from tortoise.queryset import QuerySet

from app.errors import DomainError, ErrorCode
from notifications.models import Notification

MAX_IDS = 100


def inbox_channel(*, citizen_id: int | None = None, staff_id: int | None = None) -> str:
    """The event-bus channel on which new inbox entries of one owner are announced."""
    return f"citizen:{citizen_id}:inbox" if citizen_id else f"staff:{staff_id}:inbox"


def _owned(citizen_id: int | None, staff_id: int | None, unread_only: bool) -> QuerySet[Notification]:
    query = Notification.filter(citizen_id=citizen_id, staff_id=staff_id)
    return query.filter(read_at=None) if unread_only else query


def inbox_of(*, citizen_id: int | None, staff_id: int | None, unread_only: bool = False) -> QuerySet[Notification]:
    """The owner's notifications, newest first."""
    return _owned(citizen_id, staff_id, unread_only).order_by("-id")


async def unread_count(*, citizen_id: int | None, staff_id: int | None) -> int:
    return await _owned(citizen_id, staff_id, unread_only=True).count()


async def mark_read(now: datetime, *, citizen_id: int | None, staff_id: int | None, ids: list[int] | None) -> int:
    """Mark the owner's notifications `ids` (or all when None) read at `now`; returns how many changed."""
    if ids is not None and len(ids) > MAX_IDS:
        raise DomainError(ErrorCode.TOO_MANY_IDS, "ids", limit=MAX_IDS)
    query = _owned(citizen_id, staff_id, unread_only=True)
    if ids is not None:
        query = query.filter(id__in=ids)
    return await query.update(read_at=now)
