"""The facts the assistant states about a procedure, each from the catalogue, or said to be unknown."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.assistant.requirements import requirement_names
from app.catalogue.models import Procedure, ProcedureLevel


class FactKind(StrEnum):
    """What a fact is about."""

    FEE = "FEE"
    PROCESSING_TIME = "PROCESSING_TIME"
    REQUIRED_DOCUMENTS = "REQUIRED_DOCUMENTS"
    WHERE = "WHERE"
    RELATIVE_MAY_DO_IT = "RELATIVE_MAY_DO_IT"


@dataclass(frozen=True)
class Fact:
    """One fact of one procedure: `known` is False when the catalogue does not say (the text says so)."""

    kind: FactKind
    procedure_code: str
    known: bool
    text_vi: str
    text_en: str
    items: tuple[str, ...] = ()

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_vi


def money(amount: int, locale: str) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng" if locale == "vi" else f"{amount:,} VND"


def relative_may_file(procedure: Procedure) -> bool | None:
    """Whether a relative may file for the citizen: None (unknown) until the catalogue records delegation rules."""
    return None


def _fee(procedure: Procedure) -> Fact:
    code, fee = procedure.code, procedure.fee_vnd
    if fee is None:
        return Fact(FactKind.FEE, code, False, "Lệ phí: chưa có trong danh mục.", "Fee: not in the catalogue.")
    if fee == 0:
        return Fact(FactKind.FEE, code, True, "Lệ phí: miễn phí.", "Fee: free of charge.")
    return Fact(FactKind.FEE, code, True, f"Lệ phí: {money(fee, 'vi')}.", f"Fee: {money(fee, 'en')}.")


def _processing_time(procedure: Procedure) -> Fact:
    code, days = procedure.code, procedure.processing_days
    if days is None:
        vi, en = "Thời hạn giải quyết: chưa có trong danh mục.", "Processing time: not in the catalogue."
        return Fact(FactKind.PROCESSING_TIME, code, False, vi, en)
    if days == 0:
        vi, en = "Thời hạn giải quyết: trong ngày.", "Processing time: the same day."
    else:
        vi, en = f"Thời hạn giải quyết: {days} ngày làm việc.", f"Processing time: {days} working days."
    return Fact(FactKind.PROCESSING_TIME, code, True, vi, en)


def _documents(procedure: Procedure) -> Fact:
    vi, en = requirement_names(procedure, "vi"), requirement_names(procedure, "en")
    if not vi:
        return Fact(
            FactKind.REQUIRED_DOCUMENTS,
            procedure.code,
            False,
            "Giấy tờ cần nộp: chưa có trong danh mục.",
            "Required documents: not in the catalogue.",
        )
    return Fact(
        FactKind.REQUIRED_DOCUMENTS,
        procedure.code,
        True,
        "Giấy tờ cần nộp: " + "; ".join(vi) + ".",
        "Required documents: " + "; ".join(en) + ".",
        tuple(vi),
    )


def _where(procedure: Procedure) -> Fact:
    if procedure.borderless:
        vi, en = "Nơi nộp: bất kỳ trung tâm nào trong tỉnh (phi địa giới).", "Where: any centre in the province."
    elif procedure.level is ProcedureLevel.PROVINCIAL:
        vi, en = "Nơi nộp: Trung tâm Phục vụ hành chính công tỉnh.", "Where: the provincial centre."
    else:
        vi, en = "Nơi nộp: trung tâm nơi bạn cư trú.", "Where: the centre of your registered residence."
    return Fact(FactKind.WHERE, procedure.code, True, vi, en)


def _relative(procedure: Procedure) -> Fact:
    allowed = relative_may_file(procedure)
    if allowed is None:
        return Fact(
            FactKind.RELATIVE_MAY_DO_IT,
            procedure.code,
            False,
            "Người thân làm thay: danh mục chưa ghi rõ, vui lòng hỏi trung tâm.",
            "Whether a relative may do it: not recorded in the catalogue, please ask the centre.",
        )
    vi = "Người thân được làm thay." if allowed else "Người thân không được làm thay."
    en = "A relative may do it." if allowed else "A relative may not do it."
    return Fact(FactKind.RELATIVE_MAY_DO_IT, procedure.code, True, vi, en)


_BUILDERS = {
    FactKind.FEE: _fee,
    FactKind.PROCESSING_TIME: _processing_time,
    FactKind.REQUIRED_DOCUMENTS: _documents,
    FactKind.WHERE: _where,
    FactKind.RELATIVE_MAY_DO_IT: _relative,
}


def facts_of(procedure: Procedure, kinds: tuple[FactKind, ...] | None = None) -> list[Fact]:
    """The facts of `procedure` of these kinds (all kinds when None), in FactKind order."""
    return [build(procedure) for kind, build in _BUILDERS.items() if kinds is None or kind in kinds]
