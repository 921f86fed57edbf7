"""What a due reminder is about, read fresh at send time: whether it still applies, who gets it, what it says.

Subjects are strings such as `dossier:7`, `supplement:3` or `appointment:42:20261201T0130Z`; the builders below are
the only places that spell them. Each loader reads a whole batch of one kind in one or two queries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from app.accounts.models import StaffMember
from app.appointments.models import Appointment, AppointmentStatus
from app.appointments.reminders import parse_appointment_reminder_subject
from app.catalogue.models import Centre, Procedure, localised_name
from app.dossiers.deadlines import due_within_a_working_day_condition
from app.dossiers.lifecycle import STATUS_LABELS
from app.dossiers.models import Dossier, DossierStatus, SupplementRequest
from app.ratings.models import Rating
from app.working_days import LOCAL_TZ, TimeLeft
from notifications.models import Reminder, ReminderKind
from notifications.templates import amount

DIGEST_CODES = 5


@dataclass(frozen=True)
class Delivery:
    """One due reminder made concrete: recipients, template values, deep link, urgency."""

    values: dict[str, object]
    deep_link: str
    citizen_ids: tuple[int, ...] = ()
    staff_ids: tuple[int, ...] = ()
    urgent: bool = False


def dossier_subject(dossier_id: int) -> str:
    return f"dossier:{dossier_id}"


def dossier_event_subject(dossier_id: int, event_id: int) -> str:
    return f"dossier:{dossier_id}:event:{event_id}"


def supplement_subject(request_id: int) -> str:
    return f"supplement:{request_id}"


def digest_subject(centre_id: int, day: str) -> str:
    return f"digest:{centre_id}:{day}"


def subject_id(subject: str) -> int:
    """The numeric id after the subject's type: `supplement:3` -> 3."""
    return int(subject.split(":")[1])


def _procedure_name(procedure: Procedure) -> dict[str, str]:
    return {locale: localised_name(procedure.name_vi, procedure.name_en, locale) for locale in ("vi", "en")}


def _dossier_values(dossier: Dossier) -> dict[str, object]:
    return {"code": dossier.code, "procedure": _procedure_name(dossier.procedure)}


def _citizen(reminder: Reminder) -> tuple[int, ...]:
    return (reminder.citizen_id,) if reminder.citizen_id else ()


async def _dossiers(reminders: list[Reminder]) -> dict[int, Dossier]:
    ids = {subject_id(r.subject) for r in reminders}
    rows = await Dossier.filter(id__in=ids).select_related("procedure", "received_centre")
    return {row.id: row for row in rows}


def _dossier_still(status_check: Callable[[Reminder, Dossier], bool]):
    """A loader for dossier subjects that applies while `status_check` holds."""

    async def load(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
        dossiers = await _dossiers(reminders)
        deliveries = {}
        for reminder in reminders:
            dossier = dossiers.get(subject_id(reminder.subject))
            if dossier is None or not status_check(reminder, dossier):
                continue
            values = _dossier_values(dossier) | {
                "status": dict(zip(("vi", "en"), STATUS_LABELS[dossier.status], strict=True)),
                "centre": dossier.received_centre.name_vi,
                "amount": amount(int(reminder.params.get("amountVnd", dossier.fee_vnd or 0))),
            }
            deliveries[reminder.id] = Delivery(values, f"dossier/{dossier.code}", _citizen(reminder))
        return deliveries

    return load


def _updated_still_current(reminder: Reminder, dossier: Dossier) -> bool:
    """A status-change notice is worth sending until the dossier has moved on again."""
    return dossier.status == reminder.params.get("status")


_returned = _dossier_still(lambda r, d: d.status == DossierStatus.RETURNED)


async def _rating_prompts(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """Returned dossiers not rated yet."""
    rated = set(
        await Rating.filter(dossier_id__in=[subject_id(r.subject) for r in reminders]).values_list(
            "dossier_id", flat=True
        )
    )
    unrated = [r for r in reminders if subject_id(r.subject) not in rated]
    return await _returned(unrated, now) if unrated else {}


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
            _dossier_values(request.dossier) | {"days": days},
            f"dossier/{request.dossier.code}",
            _citizen(reminder),
            urgent=days <= 1,
        )
    return deliveries


async def _appointments(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """Bookings still BOOKED at the very slot their reminder names (see app.appointments.reminders)."""
    slots = {r.id: parse_appointment_reminder_subject(r.subject) for r in reminders}
    ids = {slot[0] for slot in slots.values() if slot}
    rows = await Appointment.filter(id__in=ids, status=AppointmentStatus.BOOKED).select_related("centre", "procedure")
    appointments = {row.id: row for row in rows}
    deliveries = {}
    for reminder in reminders:
        slot = slots[reminder.id]
        appointment = appointments.get(slot[0]) if slot else None
        if appointment is None or appointment.starts_at != slot[1] or appointment.starts_at <= now:
            continue
        local = appointment.starts_at.astimezone(LOCAL_TZ)
        deliveries[reminder.id] = Delivery(
            {
                "time": f"{local:%H:%M %d/%m}",
                "centre": appointment.centre.name_vi,
                "ticket": appointment.ticket,
                "procedure": _procedure_name(appointment.procedure),
            },
            f"appointment/{appointment.id}",
            _citizen(reminder),
            urgent=reminder.kind == ReminderKind.APPOINTMENT_1H,
        )
    return deliveries


async def _from_params(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """Kinds whose source put everything in the params (a payment received, a rating answered)."""
    deliveries = {}
    for reminder in reminders:
        params = reminder.params
        values = {
            "code": params.get("dossierCode", ""),
            "amount": amount(int(params.get("amountVnd", 0))),
            "receipt": params.get("receiptNumber", ""),
        }
        deliveries[reminder.id] = Delivery(values, f"dossier/{values['code']}", _citizen(reminder))
    return deliveries


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


Loader = Callable[[list[Reminder], datetime], Awaitable[dict[int, Delivery]]]

LOADERS: dict[ReminderKind, Loader] = {
    ReminderKind.DOSSIER_UPDATED: _dossier_still(_updated_still_current),
    ReminderKind.RESULT_READY: _dossier_still(lambda r, d: d.status == DossierStatus.RESULT_READY),
    ReminderKind.PAYMENT_PENDING: _dossier_still(lambda r, d: d.status == DossierStatus.PAYMENT_REQUESTED),
    ReminderKind.RATING_PROMPT: _rating_prompts,
    ReminderKind.SUPPLEMENT_DUE_2D: _supplements,
    ReminderKind.SUPPLEMENT_DUE_1D: _supplements,
    ReminderKind.APPOINTMENT_24H: _appointments,
    ReminderKind.APPOINTMENT_1H: _appointments,
    ReminderKind.PAYMENT_RECEIVED: _from_params,
    ReminderKind.RATING_ANSWERED: _from_params,
    ReminderKind.STAFF_DIGEST: _staff_digests,
}


async def load_deliveries(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """The deliveries of the reminders that still apply; the others are absent."""
    by_kind: dict[ReminderKind, list[Reminder]] = {}
    for reminder in reminders:
        by_kind.setdefault(reminder.kind, []).append(reminder)
    deliveries: dict[int, Delivery] = {}
    for kind, group in by_kind.items():
        deliveries |= await LOADERS[kind](group, now)
    return deliveries
