"""A citizen's rating of one dossier, with the centre manager's answer."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.delegation.fields import delegate_field


class RatingLevel(StrEnum):
    """The three levels of the national public service portal."""

    VERY_SATISFIED = "VERY_SATISFIED"
    SATISFIED = "SATISFIED"
    DISSATISFIED = "DISSATISFIED"


class Rating(Model):
    """How satisfied a citizen was with one dossier, once per dossier.

    Centre and procedure are copied from the dossier so that ratings aggregate without a join.
    """

    id = fields.IntField(primary_key=True)
    dossier = fields.OneToOneField("models.Dossier", related_name="rating", on_delete=fields.CASCADE)
    citizen = fields.ForeignKeyField("models.Citizen", related_name="ratings", on_delete=fields.CASCADE)
    centre = fields.ForeignKeyField(
        "models.Centre", related_name="ratings", on_delete=fields.RESTRICT, description="The handling centre"
    )
    procedure = fields.ForeignKeyField("models.Procedure", related_name="ratings", on_delete=fields.RESTRICT)
    level = fields.CharEnumField(RatingLevel, max_length=16)
    staff_attitude = fields.SmallIntField(null=True, description="Score 1 to 5")
    processing_time = fields.SmallIntField(null=True, description="Score 1 to 5")
    clarity = fields.SmallIntField(null=True, description="Score 1 to 5 for the clarity of the procedure")
    facilities = fields.SmallIntField(null=True, description="Score 1 to 5")
    comment = fields.TextField(default="")
    response = fields.TextField(null=True, description="The centre manager's answer")
    responded_by = fields.ForeignKeyField(
        "models.StaffMember", related_name="rating_responses", null=True, on_delete=fields.SET_NULL
    )
    responded_at = fields.DatetimeField(null=True)
    acted_by = delegate_field(
        "ratings_for_others", "The delegate who last rated for the citizen, NULL when they acted themselves"
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "rating"
        indexes = [
            ("centre_id", "created_at"),
            ("created_at", "level"),
            ("procedure_id", "created_at"),
            ("updated_at",),
        ]
