"""The reminder before a draft expires: its subject names the draft and the version it was scheduled for, so a
later save re-arms it and an outdated one never goes out."""

from __future__ import annotations

from datetime import datetime

from app.catalogue.models import names_by_locale
from app.drafts.models import DossierDraft
from app.working_days import LOCAL_TZ
from notifications import outbox
from notifications.models import Reminder, ReminderKind
from notifications.subjects import Delivery, citizen_of, register


def draft_subject(draft_id: int, version: int) -> str:
    return f"draft:{draft_id}:v{version}"


def _draft_and_version(subject: str) -> tuple[int, int]:
    _, draft_id, version = subject.split(":")
    return int(draft_id), int(version.removeprefix("v"))


async def arm(draft: DossierDraft, reminder_at: datetime, previous_version: int | None) -> None:
    """Schedule the warning for the draft's current version, cancelling the one of the version it replaces."""
    if previous_version is not None:
        await outbox.cancel(draft_subject(draft.id, previous_version), (ReminderKind.DRAFT_EXPIRING,))
    await outbox.schedule(
        ReminderKind.DRAFT_EXPIRING,
        draft_subject(draft.id, draft.version),
        reminder_at,
        citizen_id=draft.citizen_id,  # type: ignore[attr-defined]
    )


async def disarm(draft_id: int, version: int) -> None:
    await outbox.cancel(draft_subject(draft_id, version), (ReminderKind.DRAFT_EXPIRING,))


async def _expiring(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """Drafts still at the version the reminder was scheduled for and not expired yet."""
    wanted = {reminder.id: _draft_and_version(reminder.subject) for reminder in reminders}
    drafts = {
        draft.id: draft
        for draft in await DossierDraft.filter(id__in={pair[0] for pair in wanted.values()}).select_related("procedure")
    }
    deliveries = {}
    for reminder in reminders:
        draft_id, version = wanted[reminder.id]
        draft = drafts.get(draft_id)
        if draft is None or draft.version != version or draft.expires_at <= now:
            continue
        values = {
            "procedure": names_by_locale(draft.procedure.name_vi, draft.procedure.name_en),
            "date": draft.expires_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y"),
        }
        deliveries[reminder.id] = Delivery(values, f"draft/{draft.id}", citizen_of(reminder))
    return deliveries


register(_expiring, ReminderKind.DRAFT_EXPIRING)
