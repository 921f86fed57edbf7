"""Payments of dossier fees through a gateway."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


class Payment(Model):
    """One attempt to pay a dossier's fee through a gateway (a Stripe PaymentIntent, for example)."""

    id = fields.IntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="payments", on_delete=fields.RESTRICT)
    gateway = fields.CharField(max_length=16, description="stripe, or a domestic gateway later")
    gateway_reference = fields.CharField(max_length=255, unique=True, description="The gateway's id of the payment")
    amount_vnd = fields.BigIntField(description="Amount in dong")
    status = fields.CharEnumField(PaymentStatus, max_length=12, default=PaymentStatus.PENDING)
    paid_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment"
        indexes = (("dossier_id", "status"), ("paid_at",))
