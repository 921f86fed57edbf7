"""The delegation reminder kind: registered with notifications when imported. DELEGATE_ACTED carries everything in
its params: `action`, `reference` (dossier code or appointment ticket), `delegate` and `dossierCode`."""

from __future__ import annotations

from datetime import datetime

from notifications.models import Reminder, ReminderKind
from notifications.subjects import Delivery, citizen_of, register

WHAT = {
    "file": {"vi": "nộp thay bạn hồ sơ", "en": "filed for you dossier"},
    "pay": {"vi": "bắt đầu nộp thay bạn lệ phí hồ sơ", "en": "started paying for you the fee of dossier"},
    "book": {"vi": "đặt, đổi hoặc hủy thay bạn lịch hẹn", "en": "booked, moved or cancelled for you appointment"},
    "rate": {"vi": "đánh giá thay bạn hồ sơ", "en": "rated for you dossier"},
}


async def delegate_acted(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """Always applies: what the delegate did, and where the app shows it."""
    deliveries = {}
    for reminder in reminders:
        params = reminder.params
        code = params.get("dossierCode", "")
        values = {
            "what": WHAT[params.get("action", "file")],
            "reference": params.get("reference", code),
            "delegate": params.get("delegate", {"vi": "Người được bạn ủy quyền", "en": "Your delegate"}),
        }
        link = f"dossier/{code}" if code else "delegations"
        deliveries[reminder.id] = Delivery(values, link, citizen_of(reminder))
    return deliveries


register(delegate_acted, ReminderKind.DELEGATE_ACTED)
