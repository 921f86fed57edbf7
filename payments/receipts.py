"""E-receipts: issued once per successful payment, inside the transaction that records it."""

from __future__ import annotations

from datetime import datetime

from app.accounts.models import Citizen
from app.dossiers.models import Dossier
from app.working_days import LOCAL_TZ
from payments.models import FeeAssessment, Payment, Receipt

PAID_NOTE = "Đã thanh toán %s đồng, biên lai %s."  # the dossier's timeline note: amount, receipt number


def receipt_prefix(paid_at: datetime) -> str:
    """The receipt number up to the payment id: BL-<local date paid>-."""
    return f"BL-{paid_at.astimezone(LOCAL_TZ):%Y%m%d}-"


def receipt_number(payment: Payment) -> str:
    """BL-<local date paid>-<payment id>, e.g. BL-20261127-000042: unique, and readable over the phone."""
    return f"{receipt_prefix(payment.paid_at)}{payment.id:06d}"


def single_line(amount_vnd: int) -> list[dict]:
    """The receipt's lines when the assessment does not add up to the amount paid: one fee line."""
    return [{"label_vi": "Lệ phí", "label_en": "Fee", "unit_price_vnd": amount_vnd, "quantity": 1,
             "amount_vnd": amount_vnd}]  # fmt: skip


async def issue_receipt(
    payment: Payment, dossier: Dossier, payer: Citizen, assessment: FeeAssessment | None
) -> Receipt:
    """The receipt of `payment` (already SUCCEEDED with `paid_at`): the fee lines it paid (those of the dossier's
    assessment when it adds up to the amount paid), the centre, the payer."""
    lines = assessment.lines if assessment is not None and assessment.total_vnd == payment.amount_vnd else []
    return await Receipt.create(
        number=receipt_number(payment),
        payment_id=payment.id,
        dossier_id=dossier.id,
        centre_id=dossier.handling_centre_id,  # type: ignore[attr-defined]
        payer_name=payer.full_name,
        payer_phone=payer.phone,
        lines=lines or single_line(payment.amount_vnd),
        amount_vnd=payment.amount_vnd,
        paid_at=payment.paid_at,
    )
