"""Which status changes are legal, and who may make them."""

from __future__ import annotations

from app.dossiers.models import ActorKind, DossierStatus

S = DossierStatus
CITIZEN, STAFF, SYSTEM = ActorKind.CITIZEN, ActorKind.STAFF, ActorKind.SYSTEM

PORTAL_CODES: dict[DossierStatus, str] = {
    S.RECEIVING: "receiving",
    S.RECEIVED: "new",
    S.DENIED: "denied",
    S.PROCESSING: "processing",
    S.SUPPLEMENT_REQUESTED: "waiting",
    S.PAYMENT_REQUESTED: "paying",
    S.WITHDRAWN: "cancelled",
    S.STOPPED: "unresolved",
    S.RESULT_READY: "releasing",
    S.RETURNED: "done",
}

TRANSITIONS: dict[tuple[DossierStatus, DossierStatus], frozenset[ActorKind]] = {
    (S.RECEIVING, S.RECEIVED): frozenset({STAFF}),
    (S.RECEIVING, S.DENIED): frozenset({STAFF}),
    (S.RECEIVING, S.WITHDRAWN): frozenset({CITIZEN}),
    (S.RECEIVED, S.PROCESSING): frozenset({STAFF}),
    (S.RECEIVED, S.WITHDRAWN): frozenset({CITIZEN}),
    (S.PROCESSING, S.SUPPLEMENT_REQUESTED): frozenset({STAFF}),
    (S.PROCESSING, S.PAYMENT_REQUESTED): frozenset({STAFF}),
    (S.PROCESSING, S.RESULT_READY): frozenset({STAFF}),
    (S.PROCESSING, S.STOPPED): frozenset({STAFF}),
    (S.PROCESSING, S.WITHDRAWN): frozenset({CITIZEN}),
    (S.SUPPLEMENT_REQUESTED, S.PROCESSING): frozenset({CITIZEN}),
    (S.SUPPLEMENT_REQUESTED, S.STOPPED): frozenset({STAFF}),
    (S.SUPPLEMENT_REQUESTED, S.WITHDRAWN): frozenset({CITIZEN}),
    (S.PAYMENT_REQUESTED, S.PROCESSING): frozenset({STAFF, SYSTEM}),
    (S.PAYMENT_REQUESTED, S.STOPPED): frozenset({STAFF}),
    (S.PAYMENT_REQUESTED, S.WITHDRAWN): frozenset({CITIZEN}),
    (S.RESULT_READY, S.RETURNED): frozenset({STAFF}),
}

TERMINAL = frozenset({S.DENIED, S.WITHDRAWN, S.STOPPED, S.RETURNED})
# The result exists (RESULT_READY) or the dossier ended without one: the processing clock is over.
FINISHED = TERMINAL | {S.RESULT_READY}


def may_transition(current: DossierStatus, target: DossierStatus, actor: ActorKind) -> bool:
    return actor in TRANSITIONS.get((current, target), frozenset())


# (Vietnamese, English) names shown to citizens.
STATUS_LABELS = {
    S.RECEIVING: ("Chờ tiếp nhận", "Submitted online, awaiting intake"),
    S.RECEIVED: ("Đã tiếp nhận", "Received"),
    S.DENIED: ("Từ chối tiếp nhận", "Refused at intake"),
    S.PROCESSING: ("Đang giải quyết", "Being processed"),
    S.SUPPLEMENT_REQUESTED: ("Yêu cầu bổ sung", "Documents requested"),
    S.PAYMENT_REQUESTED: ("Chờ thanh toán", "Awaiting payment"),
    S.WITHDRAWN: ("Đã rút hồ sơ", "Withdrawn by the citizen"),
    S.STOPPED: ("Dừng xử lý", "Processing stopped"),
    S.RESULT_READY: ("Có kết quả", "Result ready"),
    S.RETURNED: ("Đã trả kết quả", "Result returned"),
}
