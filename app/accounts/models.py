"""Account models: citizens, staff, one-time sign-in codes and refresh sessions."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Locale(StrEnum):
    """Languages the service speaks."""

    VI = "vi"
    EN = "en"


class StaffRole(StrEnum):
    """What a staff member may do: officers handle dossiers, managers run a centre, admins the province."""

    OFFICER = "officer"
    MANAGER = "manager"
    ADMIN = "admin"


class Citizen(Model):
    """A citizen who signs in with a one-time code sent to their phone."""

    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=20, unique=True, description="E.164, e.g. +84912345678")
    full_name = fields.CharField(max_length=200, default="")
    locale = fields.CharEnumField(Locale, max_length=2, default=Locale.VI)
    residence_centre = fields.ForeignKeyField(
        "models.Centre", related_name="residents", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "citizen"


class StaffMember(Model):
    """A centre employee who signs in with email and password."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True, description="Stored lower-case")
    password_hash = fields.CharField(max_length=200)
    full_name = fields.CharField(max_length=200, default="")
    role = fields.CharEnumField(StaffRole, max_length=16)
    centre = fields.ForeignKeyField("models.Centre", related_name="staff", null=True, on_delete=fields.RESTRICT)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_member"


class SignInCode(Model):
    """A one-time code sent by SMS, stored only as a keyed hash."""

    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=20, db_index=True)
    code_hash = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()
    attempts = fields.SmallIntField(default=0)
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "sign_in_code"


class Session(Model):
    """A refresh-token session: tokens rotate on use, and a reused old token revokes its whole family."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=32, description="Shared by all rotations of one sign-in")
    citizen = fields.ForeignKeyField("models.Citizen", related_name="sessions", null=True, on_delete=fields.CASCADE)
    staff = fields.ForeignKeyField("models.StaffMember", related_name="sessions", null=True, on_delete=fields.CASCADE)
    expires_at = fields.DatetimeField()
    rotated_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "session"
        # every authenticated operation asks for an unrevoked session of its sign-in
        indexes = (("family", "revoked_at"),)
