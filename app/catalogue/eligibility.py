"""Where a procedure may be filed, and which unit processes it (borderless intake)."""

from __future__ import annotations

from dataclasses import dataclass

from app.catalogue.models import Centre, CentreKind, Procedure, ProcedureLevel


@dataclass(frozen=True)
class Eligibility:
    """Whether `centre` may receive the procedure for this citizen, why, and who will process it."""

    eligible: bool
    reason_vi: str
    reason_en: str
    handling_centre_id: int | None

    def reason(self, locale: str) -> str:
        return self.reason_en if locale == "en" else self.reason_vi


async def provincial_centre_id() -> int | None:
    """The id of the provincial centre, which processes provincial-level procedures."""
    return await Centre.filter(kind=CentreKind.PROVINCE).first().values_list("id", flat=True)


def check_eligibility(
    procedure: Procedure, centre: Centre, residence_centre_id: int | None, provincial_centre_id: int
) -> Eligibility:
    """Borderless procedures go to any centre; others to the residence centre (or the provincial centre)."""
    if procedure.level is ProcedureLevel.PROVINCIAL:
        if procedure.borderless or centre.kind is CentreKind.PROVINCE:
            return Eligibility(
                True,
                "Thủ tục cấp tỉnh: Trung tâm Phục vụ hành chính công tỉnh giải quyết.",
                "Provincial procedure: processed by the provincial centre.",
                provincial_centre_id,
            )
        return Eligibility(
            False,
            "Thủ tục cấp tỉnh chỉ nộp tại Trung tâm Phục vụ hành chính công tỉnh.",
            "Provincial procedure: file it at the provincial centre.",
            None,
        )
    handling = residence_centre_id or centre.id
    if procedure.borderless:
        return Eligibility(
            True,
            "Thủ tục phi địa giới: nộp tại bất kỳ trung tâm nào.",
            "Borderless procedure: any centre can take it.",
            handling,
        )
    if residence_centre_id is None:
        return Eligibility(
            False,
            "Thủ tục theo địa bàn: cần cập nhật nơi cư trú trước khi nộp.",
            "Residence-bound procedure: set your registered residence first.",
            None,
        )
    if centre.id == residence_centre_id:
        return Eligibility(
            True,
            "Nộp tại trung tâm nơi bạn cư trú.",
            "Filed at the centre of your registered residence.",
            handling,
        )
    return Eligibility(
        False,
        "Thủ tục theo địa bàn: chỉ nộp tại trung tâm nơi bạn cư trú.",
        "Residence-bound procedure: only the centre of your registered residence can take it.",
        None,
    )
