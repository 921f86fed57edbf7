"""The rating reminder kinds, checked and filled at send time: registered with notifications when imported.

RATING_PROMPT (subject `dossier:<id>`) applies while the dossier is RETURNED and not rated yet; RATING_ANSWERED
carries everything in its params.
"""

from __future__ import annotations

from datetime import datetime

from app.dossiers.models import DossierStatus
from app.dossiers.reminder_kinds import dossier_still
from app.dossiers.reminders import subject_id
from app.ratings.models import Rating
from notifications.models import Reminder, ReminderKind
from notifications.subjects import Delivery, from_params, register

_returned = dossier_still(lambda reminder, dossier: dossier.status == DossierStatus.RETURNED)


async def _rating_prompts(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """Returned dossiers not rated yet."""
    dossier_ids = [subject_id(r.subject) for r in reminders]
    rated = set(await Rating.filter(dossier_id__in=dossier_ids).values_list("dossier_id", flat=True))
    unrated = [r for r in reminders if subject_id(r.subject) not in rated]
    return await _returned(unrated, now) if unrated else {}


register(_rating_prompts, ReminderKind.RATING_PROMPT)
register(from_params, ReminderKind.RATING_ANSWERED)
