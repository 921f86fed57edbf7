"""A result the province signed: what anyone holding the file or its code can check."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SignedResult(Model):
    """The signed PDF issued for a dossier, found again by its verification code or by its SHA-256."""

    id = fields.IntField(primary_key=True)
    verification_code = fields.CharField(max_length=16, unique=True, description="Printed and in the QR code")
    dossier = fields.ForeignKeyField("models.Dossier", related_name="signed_results", on_delete=fields.RESTRICT)
    centre = fields.ForeignKeyField(
        "models.Centre", related_name="signed_results", on_delete=fields.RESTRICT, description="The issuing centre"
    )
    document = fields.OneToOneField(
        "models.Document",
        related_name="signed_result",
        null=True,
        on_delete=fields.SET_NULL,
        description="The signed copy in the citizen's store, NULL once the citizen deleted it",
    )
    issued_by = fields.ForeignKeyField(
        "models.StaffMember", related_name="signed_results", null=True, on_delete=fields.SET_NULL
    )
    sha256 = fields.CharField(max_length=64, db_index=True, description="Hex SHA-256 of the signed file")
    byte_size = fields.BigIntField()
    issued_at = fields.DatetimeField()

    class Meta:
        table = "signed_result"
