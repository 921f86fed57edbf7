"""What a dossier's status change asks the notification outbox for, inside the change's own transaction, and the
subjects (the only place that spells them) that its reminder kinds read back (`app.dossiers.reminder_kinds`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.dossiers.models import ActorKind, Dossier, DossierEvent, DossierStatus, SupplementRequest
from app.working_days import add_working_time
from notifications import outbox
from notifications.models import ReminderKind

PAYMENT_PENDING_AFTER = timedelta(days=1)
RATING_PROMPT_AFTER = timedelta(hours=1)
SUPPLEMENT_WARNINGS = ((ReminderKind.SUPPLEMENT_DUE_2D, 2), (ReminderKind.SUPPLEMENT_DUE_1D, 1))


def dossier_subject(dossier_id: int) -> str:
    return f"dossier:{dossier_id}"


def dossier_event_subject(dossier_id: int, event_id: int) -> str:
    return f"dossier:{dossier_id}:event:{event_id}"


def supplement_subject(request_id: int) -> str:
    return f"supplement:{request_id}"


def subject_id(subject: str) -> int:
    """The numeric id after the subject's type: `supplement:3` -> 3."""
    return int(subject.split(":")[1])


async def schedule_for(dossier: Dossier, event: DossierEvent, now: datetime) -> None:
    """Tell the citizen about a change staff made, and schedule the reminders it implies.

    The system's only change (back to processing once paid) is told by the payment's own PAYMENT_RECEIVED notice.
    """
    target, citizen_id = event.to_status, dossier.citizen_id  # type: ignore[attr-defined]
    if target is DossierStatus.RESULT_READY:
        await outbox.notify_now(ReminderKind.RESULT_READY, dossier_subject(dossier.id), now, citizen_id=citizen_id)
    elif event.actor_kind is ActorKind.STAFF:
        await outbox.notify_now(
            ReminderKind.DOSSIER_UPDATED,
            dossier_event_subject(dossier.id, event.id),
            now,
            citizen_id=citizen_id,
            params={"status": target.value},
        )
    if target is DossierStatus.SUPPLEMENT_REQUESTED:
        await _warn_before_supplement_deadline(dossier, now)
    elif target is DossierStatus.PAYMENT_REQUESTED:
        await outbox.schedule(
            ReminderKind.PAYMENT_PENDING,
            f"{dossier_subject(dossier.id)}:payment:{event.id}",
            now + PAYMENT_PENDING_AFTER,
            citizen_id=citizen_id,
        )
    elif target is DossierStatus.RETURNED:
        await outbox.schedule(
            ReminderKind.RATING_PROMPT, dossier_subject(dossier.id), now + RATING_PROMPT_AFTER, citizen_id=citizen_id
        )
    elif event.from_status is DossierStatus.SUPPLEMENT_REQUESTED:
        for request_id in await SupplementRequest.filter(dossier_id=dossier.id).values_list("id", flat=True):
            await outbox.cancel(supplement_subject(request_id))


async def _warn_before_supplement_deadline(dossier: Dossier, now: datetime) -> None:
    """2 and 1 working days before the open request's deadline (those still ahead)."""
    request = await SupplementRequest.filter(dossier_id=dossier.id, supplied_at=None).order_by("-id").first()
    if request is None:
        return
    warnings = {kind: add_working_time(request.deadline, -timedelta(days=days)) for kind, days in SUPPLEMENT_WARNINGS}
    due = {kind: moment for kind, moment in warnings.items() if moment > now}
    await outbox.schedule_many(supplement_subject(request.id), due, citizen_id=dossier.citizen_id)  # type: ignore[attr-defined]
