"""What each kind of notification says, in Vietnamese and English, and which category it belongs to.

Values are filled in at send time from the current state of the subject (dossier code, procedure name, working
days left ...), so a reminder never shows stale figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.vietnamese import strip_diacritics
from notifications.models import Category, ReminderKind

SMS_LIMIT = 160  # one GSM-7 segment: the gateway needs plain ASCII for that


@dataclass(frozen=True)
class Template:
    """Title and body per locale, with `{name}` placeholders."""

    category: Category
    title: dict[str, str]
    body: dict[str, str]
    deadline_critical: bool = False  # goes by SMS to a citizen without a registered device


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str

    def sms(self) -> str:
        """The SMS text: title and body without diacritics, cut to one segment."""
        text = strip_diacritics(f"{self.title}: {self.body}")
        return text if len(text) <= SMS_LIMIT else text[: SMS_LIMIT - 3].rstrip() + "..."


APPOINTMENT_BODY = {"vi": "{procedure} tại {centre}, vé {ticket}.", "en": "{procedure} at {centre}, ticket {ticket}."}

TEMPLATES: dict[ReminderKind, Template] = {
    ReminderKind.DOSSIER_UPDATED: Template(
        Category.DOSSIER_UPDATES,
        {"vi": "Hồ sơ {code} đã chuyển trạng thái", "en": "Dossier {code} has moved on"},
        {"vi": "{procedure}: {status}.", "en": "{procedure}: {status}."},
    ),
    ReminderKind.SUPPLEMENT_DUE_2D: Template(
        Category.DEADLINES,
        {"vi": "Sắp hết hạn bổ sung hồ sơ {code}", "en": "Supplement due soon for {code}"},
        {
            "vi": "Hồ sơ {code} ({procedure}) còn {days} ngày làm việc để bổ sung giấy tờ.",
            "en": "Dossier {code} ({procedure}) has {days} working days left to supply documents.",
        },
        deadline_critical=True,
    ),
    ReminderKind.SUPPLEMENT_DUE_1D: Template(
        Category.DEADLINES,
        {"vi": "Hôm nay là hạn bổ sung hồ sơ {code}", "en": "Last day to supplement {code}"},
        {
            "vi": "Hồ sơ {code} ({procedure}) còn {days} ngày làm việc để bổ sung giấy tờ.",
            "en": "Dossier {code} ({procedure}) has {days} working day left to supply documents.",
        },
        deadline_critical=True,
    ),
    ReminderKind.RESULT_READY: Template(
        Category.DOSSIER_UPDATES,
        {"vi": "Đã có kết quả hồ sơ {code}", "en": "The result of {code} is ready"},
        {
            "vi": "{procedure}: mời nhận kết quả tại {centre}.",
            "en": "{procedure}: collect the result at {centre}.",
        },
    ),
    ReminderKind.PAYMENT_PENDING: Template(
        Category.PAYMENTS,
        {"vi": "Hồ sơ {code} đang chờ nộp phí", "en": "Dossier {code} awaits its fee"},
        {
            "vi": "{procedure}: vui lòng nộp {amount} để hồ sơ được tiếp tục xử lý.",
            "en": "{procedure}: please pay {amount} so that processing can continue.",
        },
    ),
    ReminderKind.PAYMENT_RECEIVED: Template(
        Category.PAYMENTS,
        {"vi": "Đã nhận {amount} cho hồ sơ {code}", "en": "{amount} received for {code}"},
        {"vi": "Biên lai điện tử số {receipt}.", "en": "E-receipt number {receipt}."},
    ),
    ReminderKind.RATING_PROMPT: Template(
        Category.RATINGS,
        {"vi": "Đánh giá hồ sơ {code}", "en": "Rate dossier {code}"},
        {
            "vi": "Bạn hài lòng với việc giải quyết {procedure} không?",
            "en": "How satisfied are you with how {procedure} was handled?",
        },
    ),
    ReminderKind.RATING_ANSWERED: Template(
        Category.RATINGS,
        {"vi": "Trung tâm đã trả lời đánh giá của bạn", "en": "The centre answered your rating"},
        {"vi": "Về hồ sơ {code}.", "en": "About dossier {code}."},
    ),
    ReminderKind.APPOINTMENT_24H: Template(
        Category.APPOINTMENTS,
        {"vi": "Lịch hẹn ngày mai lúc {time}", "en": "Appointment tomorrow at {time}"},
        APPOINTMENT_BODY,
        deadline_critical=True,
    ),
    ReminderKind.APPOINTMENT_1H: Template(
        Category.APPOINTMENTS,
        {"vi": "Lịch hẹn lúc {time}", "en": "Appointment at {time}"},
        APPOINTMENT_BODY,
        deadline_critical=True,
    ),
    ReminderKind.STAFF_DIGEST: Template(
        Category.DEADLINES,
        {"vi": "{count} hồ sơ đến hạn trong 1 ngày làm việc", "en": "{count} dossiers due within a working day"},
        {"vi": "{centre}: {codes}", "en": "{centre}: {codes}"},
    ),
    ReminderKind.DRAFT_EXPIRING: Template(
        Category.DEADLINES,
        {"vi": "Bản nháp hồ sơ sắp bị xóa", "en": "Your draft application expires soon"},
        {
            "vi": "Bản nháp {procedure} sẽ bị xóa ngày {date}. Hãy hoàn thành và nộp trước ngày đó.",
            "en": "The draft for {procedure} will be deleted on {date}. Finish and submit it before then.",
        },
    ),
    ReminderKind.DELEGATE_ACTED: Template(
        Category.DOSSIER_UPDATES,
        {"vi": "Có người làm thay bạn: {reference}", "en": "Someone acted for you: {reference}"},
        {
            "vi": "{delegate} đã {what} {reference}. Nếu bạn không đồng ý, hãy chấm dứt ủy quyền.",
            "en": "{delegate} {what} {reference}. If you did not agree to it, end the delegation.",
        },
        deadline_critical=True,  # by SMS to a citizen without the app
    ),
}


def render(kind: ReminderKind, locale: str, values: dict[str, object]) -> Rendered:
    """The notification of `kind` in `locale` ("vi" unless "en"); a value may be a {"vi", "en"} pair."""
    template = TEMPLATES[kind]
    language = "en" if locale == "en" else "vi"
    chosen = {name: value[language] if isinstance(value, dict) else value for name, value in values.items()}
    return Rendered(title=template.title[language].format(**chosen), body=template.body[language].format(**chosen))


def amount(amount_vnd: int) -> dict[str, str]:
    """12500 -> {"vi": "12.500 đ", "en": "12,500 VND"}."""
    grouped = f"{amount_vnd:,}"
    return {"vi": f"{grouped.replace(',', '.')} đ", "en": f"{grouped} VND"}
