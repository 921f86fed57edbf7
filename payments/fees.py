"""What a dossier owes: the fixed fee copied from its procedure at submission, per-unit items counted by staff,
minus exemptions. Whole dong throughout. An unknown fixed fee (NULL) makes the whole fee unknown, never zero."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from app.dossiers.models import Dossier
from payments.models import DossierFeeItem, FeeAssessment, FeeExemption


@dataclass(frozen=True)
class FeeLine:
    """One line of a fee notice or receipt; exemptions are lines with a negative amount."""

    label_vi: str
    label_en: str
    unit_price_vnd: int
    quantity: int
    amount_vnd: int


@dataclass(frozen=True)
class Fee:
    lines: tuple[FeeLine, ...]
    total_vnd: int
    version: int

    def lines_json(self) -> list[dict]:
        return [asdict(line) for line in self.lines]


def fee_line(label_vi: str, label_en: str, unit_price_vnd: int, quantity: int = 1) -> FeeLine:
    return FeeLine(label_vi, label_en, unit_price_vnd, quantity, unit_price_vnd * quantity)


async def fee_lines(dossier: Dossier) -> list[FeeLine] | None:
    """The fee lines due now, without recording them; None when the fee is unknown."""
    if dossier.fee_vnd is None:
        return None
    lines = [fee_line("Lệ phí", "Fee", dossier.fee_vnd)]
    for counted in await DossierFeeItem.filter(dossier_id=dossier.id).select_related("item").order_by("item_id"):
        item = counted.item
        lines.append(fee_line(item.name_vi, item.name_en or item.name_vi, item.unit_price_vnd, counted.quantity))
    subtotal = sum(line.amount_vnd for line in lines)
    waived = sum(e.amount_vnd for e in await FeeExemption.filter(dossier_id=dossier.id))
    if waived:
        lines.append(fee_line("Miễn, giảm lệ phí", "Exemption", -min(waived, subtotal)))
    return lines


async def assess(dossier: Dossier) -> Fee | None:
    """The fee due now, recorded as the dossier's assessment (its version moves on when lines change); None when
    the fee is unknown."""
    lines = await fee_lines(dossier)
    if lines is None:
        return None
    total = sum(line.amount_vnd for line in lines)
    as_json = [asdict(line) for line in lines]
    current, _ = await FeeAssessment.get_or_create(
        dossier_id=dossier.id, defaults={"total_vnd": total, "lines": as_json}
    )
    if current.lines != as_json or current.total_vnd != total:
        # conditional on the version read: of two concurrent assessors only one bumps it
        await FeeAssessment.filter(id=current.id, version=current.version).update(
            version=current.version + 1, total_vnd=total, lines=as_json
        )
        current = await FeeAssessment.get(id=current.id)
    return Fee(tuple(FeeLine(**line) for line in current.lines), current.total_vnd, current.version)
