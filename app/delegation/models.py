"""Delegation models: grants and the log of actions taken under them."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class GrantKind(StrEnum):
    """The relation between the person represented and their delegate."""

    FAMILY = "family"
    GUARDIAN = "guardian"
    CUSTOM = "custom"


class GrantAction(StrEnum):
    """What a delegate may do for the person represented."""

    FILE = "file"
    TRACK = "track"
    PAY = "pay"
    BOOK = "book"
    RATE = "rate"


class GrantState(StrEnum):
    """REQUESTED -> ACTIVE (accepted by the delegate) -> ENDED (by either side); past `ends_at` it no longer works."""

    REQUESTED = "requested"
    ACTIVE = "active"
    ENDED = "ended"


class Grant(Model):
    """The right of `delegate` to act for `grantor` (the person represented)."""

    id = fields.IntField(primary_key=True)
    grantor = fields.ForeignKeyField("models.Citizen", related_name="grants_given", on_delete=fields.CASCADE)
    delegate = fields.ForeignKeyField("models.Citizen", related_name="grants_received", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(GrantKind, max_length=8)
    actions = fields.JSONField(description="GrantAction values covered")
    procedure_codes = fields.JSONField(default=list, description="Procedures covered, empty for all")
    ends_at = fields.DatetimeField()
    state = fields.CharEnumField(GrantState, max_length=10, default=GrantState.REQUESTED)
    recorded_by = fields.ForeignKeyField(
        "models.StaffMember", related_name="grants_recorded", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "delegation_grant"
        indexes = (("grantor_id", "state"), ("delegate_id", "state"))


class DelegatedAction(Model):
    """One action a delegate took for the person represented: who acted, for whom, under which grant."""

    id = fields.BigIntField(primary_key=True)
    grant = fields.ForeignKeyField("models.Grant", related_name="actions_taken", on_delete=fields.CASCADE)
    delegate = fields.ForeignKeyField("models.Citizen", related_name="actions_as_delegate", on_delete=fields.CASCADE)
    represented = fields.ForeignKeyField("models.Citizen", related_name="actions_represented", on_delete=fields.CASCADE)
    action = fields.CharEnumField(GrantAction, max_length=8)
    subject = fields.CharField(max_length=120, default="", description="What it was about, e.g. dossier:7")
    created_at = fields.DatetimeField()

    class Meta:
        table = "delegated_action"
        indexes = (("represented_id", "id"),)
