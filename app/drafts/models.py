"""The draft model: a half-filled form kept on the server, guarded by a version against silent overwrites."""

from tortoise import fields
from tortoise.models import Model


class DossierDraft(Model):
    """A citizen's unfinished application for one procedure."""

    id = fields.IntField(primary_key=True)
    citizen = fields.ForeignKeyField("models.Citizen", related_name="dossier_drafts", on_delete=fields.CASCADE)
    procedure = fields.ForeignKeyField("models.Procedure", related_name="drafts", on_delete=fields.CASCADE)
    centre = fields.ForeignKeyField("models.Centre", related_name="drafts", null=True, on_delete=fields.SET_NULL)
    answers = fields.JSONField(default=dict, description="Answers so far, keyed by form field")
    attachments = fields.JSONField(
        default=list,
        db_default=[],  # filled from the former document_ids by migration 0019
        description="Stored documents to attach, as requirement_key and document_id pairs",
    )
    version = fields.IntField(default=1, description="Incremented by every save (optimistic locking)")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True, description="Deleted from then on, pushed back by every save")

    class Meta:
        table = "dossier_draft"
        indexes = (("citizen_id", "updated_at"),)
