"""Next steps as deep links in the app's scheme (the same strings push notifications carry in data["link"]).

| kind | deep link | the app opens |
|---|---|---|
| VIEW_PROCEDURE | `procedure/<code>` | the procedure's page |
| START_DOSSIER | `procedure/<code>/submit` | the online filing form |
| BOOK_APPOINTMENT | `procedure/<code>/book` | booking, with the procedure chosen |
| NEAREST_CENTRES | `centres/nearest` or `centres/nearest?procedure=<code>` | the nearest centres (that take it) |
| TRACK_DOSSIER | `dossier/<code>`, or `track` without a code | the dossier, or tracking by code and secret |
| VIEW_APPOINTMENT | `appointment/<id>` | the appointment |
| PAY_FEE | `dossier/<code>/pay` | the fee checkout of the dossier |
| SIGN_IN | `sign-in` | signing in |
| CALL | `tel:<number>` | the phone dialler |
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActionKind(StrEnum):
    """What the next step does."""

    VIEW_PROCEDURE = "VIEW_PROCEDURE"
    START_DOSSIER = "START_DOSSIER"
    BOOK_APPOINTMENT = "BOOK_APPOINTMENT"
    NEAREST_CENTRES = "NEAREST_CENTRES"
    TRACK_DOSSIER = "TRACK_DOSSIER"
    VIEW_APPOINTMENT = "VIEW_APPOINTMENT"
    PAY_FEE = "PAY_FEE"
    SIGN_IN = "SIGN_IN"
    CALL = "CALL"


LABELS = {
    ActionKind.VIEW_PROCEDURE: ("Xem thủ tục", "View the procedure"),
    ActionKind.START_DOSSIER: ("Nộp hồ sơ trực tuyến", "File online"),
    ActionKind.BOOK_APPOINTMENT: ("Đặt lịch hẹn", "Book an appointment"),
    ActionKind.NEAREST_CENTRES: ("Trung tâm gần nhất", "Nearest centres"),
    ActionKind.TRACK_DOSSIER: ("Tra cứu hồ sơ", "Track the dossier"),
    ActionKind.VIEW_APPOINTMENT: ("Xem lịch hẹn", "View the appointment"),
    ActionKind.PAY_FEE: ("Nộp lệ phí", "Pay the fee"),
    ActionKind.SIGN_IN: ("Đăng nhập", "Sign in"),
    ActionKind.CALL: ("Gọi đường dây nóng", "Call the hotline"),
}


@dataclass(frozen=True)
class Action:
    """One next step: what it does, the deep link, and the procedure it is about (if any)."""

    kind: ActionKind
    deep_link: str
    procedure_code: str | None = None

    def label(self, locale: str) -> str:
        vi, en = LABELS[self.kind]
        return en if locale == "en" else vi


def procedure_actions(code: str) -> list[Action]:
    return [
        Action(ActionKind.START_DOSSIER, f"procedure/{code}/submit", code),
        Action(ActionKind.BOOK_APPOINTMENT, f"procedure/{code}/book", code),
        Action(ActionKind.NEAREST_CENTRES, f"centres/nearest?procedure={code}", code),
        Action(ActionKind.VIEW_PROCEDURE, f"procedure/{code}", code),
    ]


def call_actions(hotline: str) -> list[Action]:
    """Calling the province's hotline, when one is configured."""
    return [Action(ActionKind.CALL, f"tel:{hotline.replace(' ', '')}")] if hotline else []


def help_actions(hotline: str) -> list[Action]:
    """Where a citizen gets help from a person: the hotline and the nearest centres."""
    return [*call_actions(hotline), Action(ActionKind.NEAREST_CENTRES, "centres/nearest")]
