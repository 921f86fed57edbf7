"""The `acted_by` column of every record a delegate may write for someone (payments, appointments, ratings,
timeline events, data accesses)."""

from __future__ import annotations

from tortoise import fields

ACTED_FOR_THE_CITIZEN = "The delegate who acted for the citizen, NULL when they acted themselves"


def delegate_field(related_name: str, description: str = ACTED_FOR_THE_CITIZEN) -> fields.ForeignKeyNullableRelation:
    """A nullable link to the delegate (a citizen), kept as NULL when their account goes."""
    return fields.ForeignKeyField(
        "models.Citizen", related_name=related_name, null=True, on_delete=fields.SET_NULL, description=description
    )
