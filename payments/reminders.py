"""The payment reminder kind, registered with notifications when imported: PAYMENT_RECEIVED carries everything
(dossier code, amount, receipt number) in its params and always applies."""

from __future__ import annotations

from notifications.models import ReminderKind
from notifications.subjects import from_params, register

RECEIVED_SUBJECT = "payment:%s"  # the PAYMENT_RECEIVED notice's subject: the payment's id

register(from_params, ReminderKind.PAYMENT_RECEIVED)
