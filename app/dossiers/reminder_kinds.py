"""The dossier reminder kinds, checked and filled at send time: registered with notifications when imported.

A status notice applies while the dossier is still in the status it announces; a supplement warning while the
request is open, the dossier still waiting and the deadline ahead (urgent on its last working day).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.catalogue.models import names_by_locale
from app.dossiers.lifecycle import STATUS_LABELS
from app.dossiers.models import Dossier, DossierStatus, SupplementRequest
from app.dossiers.reminders import subject_id
from app.working_days import TimeLeft
from notifications.models import Reminder, ReminderKind
from notifications.subjects import Delivery, Loader, citizen_of, register
from notifications.templates import amount


def dossier_values(dossier: Dossier) -> dict[str, object]:
    """Code and procedure name: what every dossier text shows."""
    procedure = dossier.procedure
    return {"code": dossier.code, "procedure": names_by_locale(procedure.name_vi, procedure.name_en)}


async def _dossiers(reminders: list[Reminder]) -> dict[int, Dossier]:
    ids = {subject_id(r.subject) for r in reminders}
    rows = await Dossier.filter(id__in=ids).select_related("procedure", "received_centre")
    return {row.id: row for row in rows}


def dossier_still(status_check: Callable[[Reminder, Dossier], bool]) -> Loader:
    """A loader for `dossier:<id>` subjects that applies while `status_check` holds."""

    async def load(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
        dossiers = await _dossiers(reminders)
        deliveries = {}
        for reminder in reminders:
            dossier = dossiers.get(subject_id(reminder.subject))
            if dossier is None or not status_check(reminder, dossier):
                continue
            values = dossier_values(dossier) | {
                "status": dict(zip(("vi", "en"), STATUS_LABELS[dossier.status], strict=True)),
                "centre": dossier.received_centre.name_vi,
                "amount": amount(int(reminder.params.get("amountVnd", dossier.fee_vnd or 0))),
            }
            deliveries[reminder.id] = Delivery(values, f"dossier/{dossier.code}", citizen_of(reminder))
        return deliveries

    return load


def _updated_still_current(reminder: Reminder, dossier: Dossier) -> bool:
    """A status-change notice is worth sending until the dossier has moved on again."""
    return dossier.status == reminder.params.get("status")


async def _supplements(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    ids = {subject_id(r.subject) for r in reminders}
    requests = {
        row.id: row
        for row in await SupplementRequest.filter(id__in=ids, supplied_at=None).select_related("dossier__procedure")
    }
    deliveries = {}
    for reminder in reminders:
        request = requests.get(subject_id(reminder.subject))
        if request is None or request.dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
            continue
        left = TimeLeft.until(request.deadline, now)
        if left.overdue:
            continue
        days = max(1, left.days + (1 if left.hours else 0))
        deliveries[reminder.id] = Delivery(
            dossier_values(request.dossier) | {"days": days},
            f"dossier/{request.dossier.code}",
            citizen_of(reminder),
            urgent=days <= 1,
        )
    return deliveries


register(dossier_still(_updated_still_current), ReminderKind.DOSSIER_UPDATED)
register(dossier_still(lambda r, d: d.status == DossierStatus.RESULT_READY), ReminderKind.RESULT_READY)
register(dossier_still(lambda r, d: d.status == DossierStatus.PAYMENT_REQUESTED), ReminderKind.PAYMENT_PENDING)
register(_supplements, ReminderKind.SUPPLEMENT_DUE_2D, ReminderKind.SUPPLEMENT_DUE_1D)
