"""Payments of dossier fees: fee items, exemptions and assessments, gateway payments, processed gateway events,
receipts, refunds, gateway customers and the mismatches reported to managers."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.delegation.fields import delegate_field


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


class RefundStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class IssueKind(StrEnum):
    """What reconciliation or a gateway event found wrong."""

    UNKNOWN_INTENT = "UNKNOWN_INTENT"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    STATUS_MISMATCH = "STATUS_MISMATCH"
    DISPUTE = "DISPUTE"
    UNEXPECTED_PAYMENT = "UNEXPECTED_PAYMENT"


class Payment(Model):
    """One attempt to pay a dossier's fee through a gateway (a Stripe PaymentIntent, for example).

    SUCCEEDED with `paid_at` means the money was taken. Refunds never change the status: they are counted in
    `refunded_vnd` (confirmed by the gateway) and `refund_requested_vnd` (asked for, confirmed or not).
    """

    id = fields.IntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="payments", on_delete=fields.RESTRICT)
    gateway = fields.CharField(max_length=16, description="stripe, or a domestic gateway later")
    gateway_reference = fields.CharField(max_length=255, unique=True, description="The gateway's id of the payment")
    amount_vnd = fields.BigIntField(description="Amount in dong")
    currency = fields.CharField(max_length=3, default="vnd")
    fee_version = fields.IntField(default=1, description="Version of the fee assessment this payment is for")
    status = fields.CharEnumField(PaymentStatus, max_length=12, default=PaymentStatus.PENDING)
    paid_at = fields.DatetimeField(null=True)
    failure_message = fields.CharField(max_length=500, default="")
    refund_requested_vnd = fields.BigIntField(default=0, description="Refunds asked for, settled or not")
    refunded_vnd = fields.BigIntField(default=0, description="Refunds the gateway confirmed")
    disputed_at = fields.DatetimeField(null=True)
    acted_by = delegate_field("payments_for_others")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment"
        indexes = (("dossier_id", "status"), ("paid_at",))


class ProcedureFeeItem(Model):
    """A per-unit charge of a procedure (per page, per copy) on top of its fixed fee."""

    id = fields.IntField(primary_key=True)
    procedure = fields.ForeignKeyField("models.Procedure", related_name="fee_items", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=32, description="Stable key within the procedure, e.g. copy or page")
    name_vi = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200, default="")
    unit_price_vnd = fields.BigIntField(description="Price of one unit in dong")

    class Meta:
        table = "procedure_fee_item"
        unique_together = (("procedure_id", "code"),)


class DossierFeeItem(Model):
    """How many units of a per-unit charge a dossier takes, counted by staff."""

    id = fields.IntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="fee_items", on_delete=fields.CASCADE)
    item = fields.ForeignKeyField("models.ProcedureFeeItem", related_name="dossier_items", on_delete=fields.RESTRICT)
    quantity = fields.IntField()
    staff = fields.ForeignKeyField("models.StaffMember", related_name="fee_items_set", on_delete=fields.RESTRICT)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "dossier_fee_item"
        unique_together = (("dossier_id", "item_id"),)


class FeeExemption(Model):
    """Staff waived part or all of a dossier's fee, with the legal reason."""

    id = fields.IntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="fee_exemptions", on_delete=fields.CASCADE)
    amount_vnd = fields.BigIntField(description="Dong waived")
    reason = fields.TextField()
    staff = fields.ForeignKeyField("models.StaffMember", related_name="fee_exemptions", on_delete=fields.RESTRICT)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "fee_exemption"


class FeeAssessment(Model):
    """The fee a dossier owes as last computed: its lines, total and a version bumped whenever they change.

    The version goes into the gateway idempotency key, so a changed fee never reuses an old intent.
    """

    id = fields.IntField(primary_key=True)
    dossier = fields.OneToOneField("models.Dossier", related_name="fee_assessment", on_delete=fields.CASCADE)
    version = fields.IntField(default=1)
    total_vnd = fields.BigIntField()
    lines = fields.JSONField(description="Fee lines with label, unit price, quantity and amount")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "fee_assessment"


class GatewayCustomer(Model):
    """A citizen's customer record at a gateway (saved cards live there, never here)."""

    id = fields.IntField(primary_key=True)
    citizen = fields.ForeignKeyField("models.Citizen", related_name="gateway_customers", on_delete=fields.CASCADE)
    gateway = fields.CharField(max_length=16)
    reference = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "gateway_customer"
        unique_together = (("citizen_id", "gateway"),)


class WebhookEvent(Model):
    """A gateway event already processed, written in the same transaction as its effect (replays change nothing)."""

    id = fields.BigIntField(primary_key=True)
    gateway = fields.CharField(max_length=16)
    event_id = fields.CharField(max_length=255)
    type = fields.CharField(max_length=100)
    outcome = fields.CharField(max_length=32, default="", description="What processing did, e.g. APPLIED")
    payment = fields.ForeignKeyField("models.Payment", related_name="events", null=True, on_delete=fields.SET_NULL)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_webhook_event"
        unique_together = (("gateway", "event_id"),)


class Receipt(Model):
    """The e-receipt of a successful payment: number, fee lines, amount, time, centre and payer."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    payment = fields.OneToOneField("models.Payment", related_name="receipt", on_delete=fields.RESTRICT)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="receipts", on_delete=fields.RESTRICT)
    centre = fields.ForeignKeyField("models.Centre", related_name="receipts", on_delete=fields.RESTRICT)
    payer_name = fields.CharField(max_length=200)
    payer_phone = fields.CharField(max_length=20)
    lines = fields.JSONField(description="Fee lines as assessed when paid")
    amount_vnd = fields.BigIntField()
    paid_at = fields.DatetimeField()
    issued_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "receipt"


class Refund(Model):
    """A refund of (part of) a payment asked for by a manager, its final state coming from the gateway's events."""

    id = fields.IntField(primary_key=True)
    payment = fields.ForeignKeyField("models.Payment", related_name="refunds", on_delete=fields.RESTRICT)
    amount_vnd = fields.BigIntField()
    reason = fields.TextField()
    request_key = fields.CharField(max_length=64, description="The caller's idempotency key")
    status = fields.CharEnumField(RefundStatus, max_length=10, default=RefundStatus.PENDING)
    gateway_reference = fields.CharField(max_length=255, null=True, unique=True)
    requested_by = fields.ForeignKeyField("models.StaffMember", related_name="refunds", on_delete=fields.RESTRICT)
    created_at = fields.DatetimeField(auto_now_add=True)
    settled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refund"
        unique_together = (("payment_id", "request_key"),)


class PaymentIssue(Model):
    """A mismatch between the gateway and our records, for managers to resolve."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(IssueKind, max_length=20)
    gateway_reference = fields.CharField(max_length=255)
    payment = fields.ForeignKeyField("models.Payment", related_name="issues", null=True, on_delete=fields.SET_NULL)
    centre = fields.ForeignKeyField(
        "models.Centre", related_name="payment_issues", null=True, on_delete=fields.SET_NULL
    )
    detail = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_issue"
        unique_together = (("kind", "gateway_reference"),)
        indexes = (("centre_id", "created_at"),)
