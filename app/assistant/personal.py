"""Answers about the signed-in citizen's own affairs: only their dossiers, appointments and fees are read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.appointments.models import Appointment, AppointmentStatus
from app.assistant.actions import Action, ActionKind
from app.assistant.facts import money
from app.assistant.intents import PersonalTopic
from app.dossiers.lifecycle import FINISHED, STATUS_LABELS
from app.dossiers.models import Dossier, DossierStatus
from app.working_days import LOCAL_TZ
from payments.fees import assess

SHOWN = 3


@dataclass
class PersonalAnswer:
    """Lines in each language and the actions that go with them."""

    vi: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def text(self, locale: str) -> str:
        return "\n".join(self.en if locale == "en" else self.vi)


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")


def _day(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")


def signed_out() -> PersonalAnswer:
    """For an anonymous caller: sign in, or track a dossier with the receipt's code and secret."""
    return PersonalAnswer(
        ["Vui lòng đăng nhập để xem hồ sơ, lịch hẹn và lệ phí của bạn, hoặc tra cứu bằng mã hồ sơ trên giấy hẹn."],
        ["Please sign in to see your dossiers, appointments and fees, or track a dossier with its receipt code."],
        [Action(ActionKind.SIGN_IN, "sign-in"), Action(ActionKind.TRACK_DOSSIER, "track")],
    )


async def _dossiers(citizen_id: int) -> PersonalAnswer:
    rows = (
        await Dossier.filter(citizen_id=citizen_id)
        .exclude(status__in=list(FINISHED))
        .order_by("-submitted_at", "-id")
        .limit(SHOWN)
        .prefetch_related("procedure")
    )
    if not rows:
        return PersonalAnswer(["Bạn không có hồ sơ nào đang giải quyết."], ["You have no dossier in progress."])
    answer = PersonalAnswer()
    for dossier in rows:
        vi_status, en_status = STATUS_LABELS[dossier.status]
        due_vi = f", hẹn trả {_day(dossier.due_at)}" if dossier.due_at else ""
        due_en = f", due {_day(dossier.due_at)}" if dossier.due_at else ""
        answer.vi.append(f"Hồ sơ {dossier.code} ({dossier.procedure.name_vi}): {vi_status}{due_vi}.")
        answer.en.append(
            f"Dossier {dossier.code} ({dossier.procedure.name_en or dossier.procedure.name_vi}): {en_status}{due_en}."
        )
        answer.actions.append(Action(ActionKind.TRACK_DOSSIER, f"dossier/{dossier.code}", dossier.procedure.code))
    return answer


async def _appointments(citizen_id: int, now: datetime) -> PersonalAnswer:
    rows = (
        await Appointment.filter(citizen_id=citizen_id, status=AppointmentStatus.BOOKED, starts_at__gte=now)
        .order_by("starts_at", "id")
        .limit(SHOWN)
        .prefetch_related("centre", "procedure")
    )
    if not rows:
        return PersonalAnswer(["Bạn không có lịch hẹn sắp tới."], ["You have no upcoming appointment."])
    answer = PersonalAnswer()
    for appointment in rows:
        when, centre = _local(appointment.starts_at), appointment.centre.name_vi
        answer.vi.append(
            f"Lịch hẹn {when} tại {centre}, thủ tục {appointment.procedure.name_vi}, số {appointment.ticket}."
        )
        answer.en.append(
            f"Appointment at {when} at {centre} ({appointment.procedure.code}), ticket {appointment.ticket}."
        )
        answer.actions.append(
            Action(ActionKind.VIEW_APPOINTMENT, f"appointment/{appointment.id}", appointment.procedure.code)
        )
    return answer


async def _payments(citizen_id: int) -> PersonalAnswer:
    rows = await Dossier.filter(citizen_id=citizen_id, status=DossierStatus.PAYMENT_REQUESTED).order_by("id")
    answer = PersonalAnswer()
    total = 0
    for dossier in rows:
        fee = await assess(dossier)
        if fee is None or fee.total_vnd <= 0:
            continue
        total += fee.total_vnd
        answer.vi.append(f"Hồ sơ {dossier.code}: {money(fee.total_vnd, 'vi')}.")
        answer.en.append(f"Dossier {dossier.code}: {money(fee.total_vnd, 'en')}.")
        answer.actions.append(Action(ActionKind.PAY_FEE, f"dossier/{dossier.code}/pay"))
    if not answer.vi:
        return PersonalAnswer(["Bạn không có khoản lệ phí nào cần nộp."], ["You have no fee to pay."])
    answer.vi.insert(0, f"Bạn cần nộp tổng cộng {money(total, 'vi')}:")
    answer.en.insert(0, f"You have {money(total, 'en')} to pay in all:")
    return answer


async def personal_answer(topic: PersonalTopic, citizen_id: int | None, now: datetime) -> PersonalAnswer:
    """The answer about `topic` from the records of `citizen_id` only; a sign-in prompt when anonymous."""
    if citizen_id is None:
        return signed_out()
    if topic is PersonalTopic.DOSSIERS:
        return await _dossiers(citizen_id)
    if topic is PersonalTopic.APPOINTMENTS:
        return await _appointments(citizen_id, now)
    return await _payments(citizen_id)
