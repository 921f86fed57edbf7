"""GraphQL types of fees, payments, receipts and refunds, and the dossier fields that show them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import strawberry
from strawberry import relay

from app.api.catalogue import Centre
from app.api.context import Info
from app.api.enums import described_enum
from app.api.ids import citizen_id
from app.dossiers.models import Dossier
from payments import fees, models
from payments.models import IssueKind, PaymentStatus, RefundStatus
from payments.services import receipt_of

described_enum(
    PaymentStatus,
    "PaymentStatus",
    "Where a payment attempt stands.",
    {
        PaymentStatus.PENDING: "Waiting for the payer (or for the gateway's answer).",
        PaymentStatus.SUCCEEDED: "Paid: the money was taken and a receipt issued (refunds do not change this).",
        PaymentStatus.FAILED: "The last attempt failed; the payer may try again with the same checkout.",
        PaymentStatus.CANCELED: "Abandoned, e.g. because the fee changed; a new checkout replaces it.",
    },
)
described_enum(
    RefundStatus,
    "RefundStatus",
    "Where a refund stands.",
    {
        RefundStatus.PENDING: "Asked for; waiting for the gateway to confirm.",
        RefundStatus.SUCCEEDED: "Confirmed by the gateway.",
        RefundStatus.FAILED: "Refused by the gateway; nothing was refunded.",
    },
)
described_enum(
    IssueKind,
    "PaymentIssueKind",
    "What is wrong between the gateway and our records.",
    {
        IssueKind.UNKNOWN_INTENT: "The gateway has a payment of ours that we have no record of.",
        IssueKind.AMOUNT_MISMATCH: "The gateway took another amount, currency or dossier than we asked for.",
        IssueKind.STATUS_MISMATCH: "The gateway and our records disagree on whether it is paid.",
        IssueKind.DISPUTE: "The payer disputed the charge with their bank.",
        IssueKind.UNEXPECTED_PAYMENT: "Paid while the dossier no longer awaited payment (e.g. withdrawn): refund it.",
    },
)


@strawberry.type(description="One line of a fee or receipt; exemptions have a negative amount.")
class FeeLine:
    label: str = strawberry.field(description="What is charged, in the caller's language.")
    unit_price_vnd: int = strawberry.field(description="Price of one unit in dong.")
    quantity: int = strawberry.field(description="Units charged.")
    amount_vnd: int = strawberry.field(description="Unit price times quantity, in dong.")

    @classmethod
    def from_json(cls, line: dict, locale: str) -> FeeLine:
        return cls(
            label=line["label_en"] if locale == "en" else line["label_vi"],
            unit_price_vnd=line["unit_price_vnd"],
            quantity=line["quantity"],
            amount_vnd=line["amount_vnd"],
        )


@strawberry.type(description="What a dossier owes: its lines and the total in dong.")
class Fee:
    lines: list[FeeLine] = strawberry.field(description="Fixed fee, per-unit items, exemptions.")
    total_vnd: int = strawberry.field(description="Total due in dong (0: nothing to pay).")

    @classmethod
    def from_lines(cls, lines: list[dict], locale: str) -> Fee:
        return cls(
            lines=[FeeLine.from_json(line, locale) for line in lines],
            total_vnd=sum(line["amount_vnd"] for line in lines),
        )


@strawberry.type(description="One attempt to pay a dossier's fee.")
class Payment:
    id: relay.GlobalID = strawberry.field(description="The payment's ID.")
    status: PaymentStatus = strawberry.field(description="Where it stands.")
    amount_vnd: int = strawberry.field(description="Amount in dong.")
    currency: str = strawberry.field(description="Always `vnd`.")
    created_at: datetime = strawberry.field(description="When checkout created it.")
    paid_at: datetime | None = strawberry.field(description="When the money was taken.")
    failure_message: str = strawberry.field(description="Why the last attempt failed (the gateway's words), or empty.")
    refunded_vnd: int = strawberry.field(description="Refunds the gateway confirmed, in dong.")
    acted_by: relay.GlobalID | None = strawberry.field(
        description="The delegate (a Citizen ID) who started this payment for the citizen; null when they did."
    )

    @classmethod
    def from_model(cls, payment: models.Payment) -> Payment:
        return cls(
            id=relay.GlobalID("Payment", str(payment.id)),
            status=payment.status,
            amount_vnd=payment.amount_vnd,
            currency=payment.currency,
            created_at=payment.created_at,
            paid_at=payment.paid_at,
            failure_message=payment.failure_message,
            refunded_vnd=payment.refunded_vnd,
            acted_by=citizen_id(payment.acted_by_id),  # type: ignore[attr-defined]
        )


@strawberry.type(description="The e-receipt of a paid fee (biên lai điện tử).")
class Receipt:
    number: str = strawberry.field(description="Receipt number, e.g. BL-20261127-000042.")
    dossier_code: str = strawberry.field(description="The dossier paid for.")
    lines: list[FeeLine] = strawberry.field(description="What was paid for.")
    amount_vnd: int = strawberry.field(description="Amount paid in dong.")
    paid_at: datetime = strawberry.field(description="When it was paid.")
    payer_name: str = strawberry.field(description="The citizen who paid.")
    centre_id: strawberry.Private[int]

    @strawberry.field(description="The centre that collected the fee (the dossier's handling centre).")
    async def centre(self, info: Info) -> Centre:
        return Centre.from_model(await info.context.loaders.centre_by_id.load(self.centre_id))

    @classmethod
    def from_model(cls, receipt: models.Receipt, locale: str) -> Receipt:
        """`receipt` with its dossier fetched (`select_related("dossier")`)."""
        return cls(
            number=receipt.number,
            dossier_code=receipt.dossier.code,
            lines=[FeeLine.from_json(line, locale) for line in receipt.lines],
            amount_vnd=receipt.amount_vnd,
            paid_at=receipt.paid_at,
            payer_name=receipt.payer_name,
            centre_id=receipt.centre_id,  # type: ignore[attr-defined]
        )


@strawberry.type(description="A refund of (part of) a paid fee.")
class Refund:
    id: relay.GlobalID = strawberry.field(description="The refund's ID.")
    amount_vnd: int = strawberry.field(description="Amount in dong.")
    reason: str = strawberry.field(description="Why, as the manager wrote it.")
    status: RefundStatus = strawberry.field(description="Where it stands; final once the gateway confirms.")
    created_at: datetime = strawberry.field(description="When it was asked for.")

    @classmethod
    def from_model(cls, refund: models.Refund) -> Refund:
        return cls(
            id=relay.GlobalID("Refund", str(refund.id)),
            amount_vnd=refund.amount_vnd,
            reason=refund.reason,
            status=refund.status,
            created_at=refund.created_at,
        )


async def dossier_fee(dossier: Dossier, locale: str) -> Fee | None:
    lines = await fees.fee_lines(dossier)
    return None if lines is None else Fee.from_lines([asdict(line) for line in lines], locale)


async def dossier_receipt(dossier: Dossier, locale: str) -> Receipt | None:
    receipt = await receipt_of(dossier)
    return Receipt.from_model(receipt, locale) if receipt else None
