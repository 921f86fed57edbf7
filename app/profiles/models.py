"""Profile models: a citizen's identity attributes, each with its source, and the log of their uses."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class AttributeName(StrEnum):
    """The identity attributes a citizen profile holds, as the national ID app provides them."""

    FULL_NAME = "full_name"
    DATE_OF_BIRTH = "date_of_birth"
    SEX = "sex"
    CITIZEN_ID = "citizen_id"
    PERMANENT_ADDRESS = "permanent_address"
    CURRENT_ADDRESS = "current_address"
    PLACE_OF_ORIGIN = "place_of_origin"
    NATIONALITY = "nationality"


class AttributeSource(StrEnum):
    """Where a value came from."""

    ENTERED_BY_CITIZEN = "entered_by_citizen"
    ID_DOCUMENT = "id_document"
    EARLIER_DOSSIER = "earlier_dossier"
    VERIFIED_BY_STAFF = "verified_by_staff"
    ACCOUNT = "account"
    STORED_DOCUMENT = "stored_document"


class UsePurpose(StrEnum):
    """Why profile data was read or written by someone other than the citizen typing it."""

    FORM_PREFILL = "form_prefill"
    IDENTITY_IMPORT = "identity_import"
    STAFF_VERIFICATION = "staff_verification"
    COUNTER_FILING = "counter_filing"


class ProfileAttribute(Model):
    """One identity attribute of a citizen, with where it came from and whether staff or the ID source vouch for it."""

    id = fields.IntField(primary_key=True)
    citizen = fields.ForeignKeyField("models.Citizen", related_name="profile_attributes", on_delete=fields.CASCADE)
    name = fields.CharEnumField(AttributeName, max_length=24)
    value = fields.CharField(max_length=500)
    source = fields.CharEnumField(AttributeSource, max_length=24)
    verified = fields.BooleanField(default=False, description="Verified values cannot be edited by the citizen")
    verified_by = fields.ForeignKeyField(
        "models.StaffMember", related_name="verified_attributes", null=True, on_delete=fields.SET_NULL
    )
    confirmed_at = fields.DatetimeField(description="When the value was last entered, imported or verified")

    class Meta:
        table = "profile_attribute"
        unique_together = (("citizen", "name"),)


class ProfileUse(Model):
    """One use of a citizen's profile data and its purpose, for the citizen to read."""

    id = fields.BigIntField(primary_key=True)
    citizen = fields.ForeignKeyField("models.Citizen", related_name="profile_uses", on_delete=fields.CASCADE)
    purpose = fields.CharEnumField(UsePurpose, max_length=24)
    procedure_code = fields.CharField(max_length=32, default="")
    items = fields.JSONField(default=list, description="The attributes or form fields involved")
    staff = fields.ForeignKeyField(
        "models.StaffMember", related_name="profile_uses", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "profile_use"
        indexes = (("citizen_id", "id"),)
