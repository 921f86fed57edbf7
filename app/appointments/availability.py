"""The earliest free slot of many centres at once, for lists such as the nearest-centre search.

The caller passes the centres it has loaded (their hours and counters are read); three queries whatever their
number: capacity overrides, closures and the slot counters that could be full. Slots are computed in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime

from app.appointments.models import CentreClosure, SlotCapacity, SlotCounter
from app.appointments.schedule import bookable_from, bookable_starts, default_capacity, horizon_day
from app.catalogue.models import Centre
from app.working_days import LOCAL_TZ


async def next_free_slots(centres: Sequence[Centre], now: datetime) -> dict[int, datetime | None]:
    """Each centre's earliest slot with a place left, within minimum notice and horizon (None: none free), by id."""
    if not centres:
        return {}
    ids = [centre.id for centre in centres]
    overrides = dict(await SlotCapacity.filter(centre_id__in=ids).values_list("centre_id", "per_slot"))
    capacity = {centre.id: overrides.get(centre.id, default_capacity(centre.counters)) for centre in centres}
    today, last, earliest = now.astimezone(LOCAL_TZ).date(), horizon_day(now), bookable_from(now)
    closures: dict[int, set] = defaultdict(set)
    for centre_id, day in await CentreClosure.filter(centre_id__in=ids, day__gte=today, day__lte=last).values_list(
        "centre_id", "day"
    ):
        closures[centre_id].add(day)
    full: dict[int, set[datetime]] = defaultdict(set)
    for centre_id, starts_at, booked in await SlotCounter.filter(
        centre_id__in=ids, starts_at__gte=earliest.astimezone(UTC), booked__gte=max(min(capacity.values()), 1)
    ).values_list("centre_id", "starts_at", "booked"):
        if booked >= capacity[centre_id]:
            full[centre_id].add(starts_at.astimezone(UTC))
    return {
        centre.id: _first_free(centre, capacity[centre.id], today, last, earliest, closures[centre.id], full[centre.id])
        for centre in centres
    }


def _first_free(
    centre: Centre, capacity: int, first: date, last: date, earliest: datetime, closures: set, full: set[datetime]
) -> datetime | None:
    if capacity <= 0:
        return None
    starts = bookable_starts(centre.opening_hours, first, last, earliest, closures)
    return next((slot for slot in starts if slot.astimezone(UTC) not in full), None)
