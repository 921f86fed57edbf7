"""The staff digest: each working morning, one reminder per centre with open dossiers due within a working day,
telling its active staff how many and which. Its send-time loader is registered with notifications when imported.
"""

from __future__ import annotations

import logging
from datetime import datetime

from app.accounts.models import StaffMember
from app.catalogue.models import Centre
from app.clock import Clock
from app.dossiers.deadlines import due_within_a_working_day_condition
from app.dossiers.models import Dossier
from app.working_days import LOCAL_TZ, is_working_day
from notifications import outbox
from notifications.models import Reminder, ReminderKind
from notifications.subjects import Delivery, register

logger = logging.getLogger(__name__)

DIGEST_AT = {"day_of_week": "mon-sat", "hour": 7, "minute": 30}  # cron fields, Asia/Ho_Chi_Minh
DIGEST_CODES = 5


def digest_subject(centre_id: int, day: str) -> str:
    return f"digest:{centre_id}:{day}"


async def schedule_staff_digests(now: datetime) -> int:
    """Schedule today's digests (none on weekends and holidays); returns how many centres get one."""
    today = now.astimezone(LOCAL_TZ).date()
    if not is_working_day(today):
        return 0
    centre_ids = await (
        Dossier.filter(due_within_a_working_day_condition(now)).distinct().values_list("handling_centre_id", flat=True)
    )
    for centre_id in centre_ids:
        await outbox.schedule(
            ReminderKind.STAFF_DIGEST, digest_subject(centre_id, today.isoformat()), now, centre_id=centre_id
        )
    return len(centre_ids)


async def send_staff_digests(clock: Clock) -> None:
    """The scheduler's job (at `DIGEST_AT`)."""
    centres = await schedule_staff_digests(clock())
    logger.info("staff digests scheduled for %d centres", centres)


async def _staff_digests(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """Each centre's open dossiers due within one working day, counted now, for its active staff."""
    deliveries = {}
    for reminder in reminders:
        centre = await Centre.get_or_none(id=reminder.centre_id)
        if centre is None:
            continue
        codes = await (
            Dossier.filter(due_within_a_working_day_condition(now), handling_centre_id=centre.id)
            .order_by("due_at")
            .values_list("code", flat=True)
        )
        staff = await StaffMember.filter(centre_id=centre.id, is_active=True).values_list("id", flat=True)
        if not codes or not staff:
            continue
        shown = ", ".join(codes[:DIGEST_CODES]) + (" ..." if len(codes) > DIGEST_CODES else "")
        deliveries[reminder.id] = Delivery(
            {"count": len(codes), "centre": centre.name_vi, "codes": shown}, "centre/dossiers", staff_ids=tuple(staff)
        )
    return deliveries


register(_staff_digests, ReminderKind.STAFF_DIGEST)
