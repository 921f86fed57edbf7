"""Counter filings: which officer filed a dossier for a walk-in citizen, and how the citizen was identified."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class IdentifiedBy(StrEnum):
    """How the officer made sure of the citizen's identity."""

    SMS_CODE = "sms_code"
    ID_CARD = "id_card"


class CounterFiling(Model):
    """A dossier an officer filed at a centre's counter on a citizen's behalf."""

    id = fields.IntField(primary_key=True)
    dossier = fields.OneToOneField("models.Dossier", related_name="counter_filing", on_delete=fields.CASCADE)
    officer = fields.ForeignKeyField("models.StaffMember", related_name="counter_filings", on_delete=fields.RESTRICT)
    centre = fields.ForeignKeyField("models.Centre", related_name="counter_filings", on_delete=fields.RESTRICT)
    identified_by = fields.CharEnumField(IdentifiedBy, max_length=8)
    id_card_last_digits = fields.CharField(max_length=4, default="", description="Only the last four digits")
    created_at = fields.DatetimeField()

    class Meta:
        table = "counter_filing"
