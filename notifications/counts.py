"""Per-day delivery counters (sent, failed, retried, pruned tokens, late ...), shared by all workers."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Sum

from notifications.models import DeliveryCount


async def record_counts(counts: Counter[str], now: datetime) -> None:
    """Add `counts` to today's (UTC) counters."""
    day = now.date()
    for name, amount in (+counts).items():
        if await DeliveryCount.filter(day=day, name=name).update(count=F("count") + amount):
            continue
        try:
            await DeliveryCount.create(day=day, name=name, count=amount)
        except IntegrityError:  # another worker created it first
            await DeliveryCount.filter(day=day, name=name).update(count=F("count") + amount)


async def totals(first_day: date, last_day: date) -> dict[str, int]:
    """Each counter summed over the days from `first_day` to `last_day` inclusive."""
    rows = (
        await DeliveryCount.filter(day__gte=first_day, day__lte=last_day)
        .group_by("name")
        .annotate(total=Sum("count"))
        .values("name", "total")
    )
    return {row["name"]: int(row["total"]) for row in rows}
