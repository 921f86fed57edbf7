"""One row per access by staff, or by a delegate, to a citizen's dossier or document, never changed once written."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.delegation.fields import delegate_field


class AccessKind(StrEnum):
    """What the staff member (or the delegate) did with the citizen's data."""

    VIEWED_DOSSIER = "viewed_dossier"
    LISTED_DOSSIER = "listed_dossier"
    CHANGED_DOSSIER = "changed_dossier"
    OPENED_DOCUMENT = "opened_document"
    ISSUED_RESULT = "issued_result"
    ACTED_FOR = "acted_for"


class DataAccess(Model):
    """A staff member, or a delegate, accessed a citizen's dossier or document (the citizen's Data Tracker)."""

    id = fields.BigIntField(primary_key=True)
    citizen = fields.ForeignKeyField("models.Citizen", related_name="data_accesses", on_delete=fields.CASCADE)
    staff = fields.ForeignKeyField(
        "models.StaffMember",
        related_name="data_accesses",
        null=True,
        on_delete=fields.RESTRICT,
        description="The staff member, NULL for a delegate's access",
    )
    delegate = delegate_field(
        "data_accesses_as_delegate", "The delegate acting for the citizen, NULL for a staff access"
    )
    centre = fields.ForeignKeyField(
        "models.Centre",
        related_name="data_accesses",
        null=True,
        on_delete=fields.SET_NULL,
        description="The staff member's centre at the time, NULL for provincial admins",
    )
    dossier = fields.ForeignKeyField(
        "models.Dossier", related_name="data_accesses", null=True, on_delete=fields.SET_NULL
    )
    document = fields.ForeignKeyField(
        "models.Document", related_name="data_accesses", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(AccessKind, max_length=16)
    at = fields.DatetimeField()

    class Meta:
        table = "data_access"
        indexes = [("citizen_id", "at")]
