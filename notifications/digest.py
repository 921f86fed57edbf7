"""The staff digest: each working morning, one reminder per centre with open dossiers due within a working day."""

from __future__ import annotations

from datetime import datetime

from app.dossiers.deadlines import due_within_a_working_day_condition
from app.dossiers.models import Dossier
from app.working_days import LOCAL_TZ, is_working_day
from notifications import outbox
from notifications.models import ReminderKind
from notifications.subjects import digest_subject


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
