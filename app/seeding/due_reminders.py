"""Synthetic load for the reminder sweep: citizens with one phone each and one due reminder each."""

from __future__ import annotations

from datetime import datetime

from app.accounts.models import Citizen
from notifications.models import Device, NotificationPreferences, Platform, Reminder, ReminderKind

BATCH = 2000


async def seed_due_reminders(count: int, due_at: datetime) -> list[int]:
    """`count` citizens (no quiet hours) each with a phone and a PAYMENT_RECEIVED reminder due at `due_at`;
    returns the reminder ids."""
    await Citizen.bulk_create([Citizen(phone=f"+8497{i:07d}") for i in range(count)], batch_size=BATCH)
    citizens = await Citizen.filter(phone__startswith="+8497").order_by("id").values_list("id", flat=True)
    await Device.bulk_create(
        [Device(token=f"phone-{c}", citizen_id=c, platform=Platform.ANDROID, last_seen_at=due_at) for c in citizens],
        batch_size=BATCH,
    )
    await NotificationPreferences.bulk_create(
        [NotificationPreferences(citizen_id=c, quiet_start_minute=0, quiet_end_minute=0) for c in citizens],
        batch_size=BATCH,
    )
    await Reminder.bulk_create(
        [
            Reminder(
                kind=ReminderKind.PAYMENT_RECEIVED,
                subject=f"payment:synthetic-{c}",
                citizen_id=c,
                params={"dossierCode": "2611-0000-0001", "amountVnd": 50000, "receiptNumber": f"BL-{c}"},
                due_at=due_at,
            )
            for c in citizens
        ],
        batch_size=BATCH,
    )
    return await Reminder.filter(subject__startswith="payment:synthetic-").values_list("id", flat=True)
