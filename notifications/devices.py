"""Registration tokens: one owner at a time, pruned after 60 days unused, deleted when FCM says they are dead."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from app.errors import DomainError, ErrorCode
from notifications.models import Device, Platform

UNUSED_FOR = timedelta(days=60)
TOUCH_EVERY = timedelta(days=1)  # last_seen_at only decides pruning after 60 days: a day's precision is plenty
MAX_TOKEN = 512
MAX_APP_VERSION = 32


async def register(
    token: str,
    platform: Platform,
    locale: str,
    app_version: str,
    now: datetime,
    *,
    citizen_id: int | None,
    staff_id: int | None,
) -> Device:
    """Register `token` for its owner at `now`; a token registered before by anyone else moves to this owner."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN or any(ch.isspace() for ch in token):
        raise DomainError(ErrorCode.INVALID_DEVICE_TOKEN, "token")
    if len(app_version) > MAX_APP_VERSION:
        raise DomainError(ErrorCode.INVALID_APP_VERSION, "app_version")
    values = {
        "citizen_id": citizen_id,
        "staff_id": staff_id,
        "platform": platform,
        "locale": "en" if locale == "en" else "vi",
        "app_version": app_version.strip(),
        "last_seen_at": now,
    }
    async with in_transaction():
        device, created = await Device.get_or_create(token=token, defaults=values)
        if not created:
            await Device.filter(id=device.id).update(**values)
            await device.refresh_from_db()
    return device


async def unregister(token: str, *, citizen_id: int | None, staff_id: int | None) -> bool:
    """Forget `token` if it belongs to this owner; True when it did."""
    return bool(await Device.filter(token=token.strip(), citizen_id=citizen_id, staff_id=staff_id).delete())


async def delete_dead(tokens: Iterable[str]) -> int:
    """Delete tokens FCM reported unregistered or invalid."""
    tokens = list(tokens)
    return await Device.filter(token__in=tokens).delete() if tokens else 0


async def prune_unused(now: datetime) -> int:
    """Delete tokens neither registered again nor pushed to successfully for 60 days."""
    return await Device.filter(last_seen_at__lt=now - UNUSED_FOR).delete()


async def touch(tokens: Iterable[str], now: datetime) -> None:
    """Record a successful push to `tokens`: writes only the tokens not seen for a day, not every device at
    every push."""
    tokens = list(tokens)
    if tokens:
        await Device.filter(token__in=tokens, last_seen_at__lt=now - TOUCH_EVERY).update(last_seen_at=now)
