"""What a question asks beyond which procedure: particular facts, or the citizen's own affairs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.assistant.facts import FactKind
from app.assistant.text import terms


class PersonalTopic(StrEnum):
    """The citizen's own affairs the assistant can look up."""

    DOSSIERS = "DOSSIERS"
    APPOINTMENTS = "APPOINTMENTS"
    PAYMENTS = "PAYMENTS"


# Folded phrases, as citizens write them (with the "y"/"i" variants made one by `terms`).
FACT_PHRASES = {
    FactKind.FEE: ("le phi", "phi", "bao nhieu tien", "mat bao nhieu", "het bao nhieu", "tien", "fee", "cost"),
    FactKind.PROCESSING_TIME: ("bao lau", "may ngay", "thoi gian", "bao nhieu ngay", "how long", "time"),
    FactKind.REQUIRED_DOCUMENTS: (
        "giay to",
        "can gi",
        "ho so gom",
        "mang theo",
        "chuan bi",
        "documents",
        "papers",
        "what do i need",
    ),
    FactKind.WHERE: ("o dau", "noi nao", "cho nao", "nop tai", "where"),
    FactKind.RELATIVE_MAY_DO_IT: (
        "nguoi nha",
        "nguoi than",
        "lam thay",
        "lam ho",
        "uy quyen",
        "relative",
        "on behalf",
        "someone else",
    ),
}
FIRST_PERSON = ("toi", "minh", "em", "my", "i")
PERSONAL_PHRASES = {  # "còn" (still) and "của tôi" (mine) tell own affairs from a procedure's facts
    PersonalTopic.PAYMENTS: ("con phai nop", "con phai tra", "con no", "con thieu", "owe", "still have to pay"),
    PersonalTopic.APPOINTMENTS: (
        "co hen",
        "lich hen cua",
        "hen cua",
        "my appointment",
        "my appointments",
    ),
    PersonalTopic.DOSSIERS: (
        "ho so cua",
        "den dau",
        "trang thai",
        "xong chua",
        "my dossier",
        "my dossiers",
        "my application",
    ),
}


@dataclass(frozen=True)
class Intent:
    """The facts asked for (empty: all of them) and the personal topic asked about, if any."""

    facts: tuple[FactKind, ...]
    personal: PersonalTopic | None


def _holds(sequence: str, phrase: str) -> bool:
    return f" {phrase} " in sequence


def intent_of(question: str) -> Intent:
    sequence = f" {' '.join(terms(question))} "
    facts = tuple(kind for kind, phrases in FACT_PHRASES.items() if any(_holds(sequence, p) for p in phrases))
    personal = None
    if any(_holds(sequence, word) for word in FIRST_PERSON):
        personal = next(
            (topic for topic, phrases in PERSONAL_PHRASES.items() if any(_holds(sequence, p) for p in phrases)), None
        )
    return Intent(facts, personal)
