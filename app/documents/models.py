"""Document models: a stored document, an upload in flight, and a document attached to a dossier."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DocumentStatus(StrEnum):
    """Where a document stands in its checks."""

    UPLOADED = "uploaded"
    QUARANTINED = "quarantined"
    CLEAN = "clean"
    REJECTED = "rejected"


class DocumentSource(StrEnum):
    """How a document entered the citizen's store."""

    UPLOADED = "uploaded"
    ISSUED_RESULT = "issued_result"
    FROM_DELEGATE = "from_delegate"
    AT_COUNTER = "at_counter"


class ReviewStatus(StrEnum):
    """Staff's verdict on one document attached to a dossier."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Document(Model):
    """One file in a citizen's document store, reusable across dossiers once checked and clean."""

    id = fields.IntField(primary_key=True)
    owner = fields.ForeignKeyField("models.Citizen", related_name="documents", on_delete=fields.CASCADE)
    kind = fields.CharField(
        max_length=64, default="", description="Reusable kind (e.g. citizen_id_card) or requirement key, may be empty"
    )
    file_name = fields.CharField(max_length=255, description="The name the citizen gave, without any path")
    content_type = fields.CharField(max_length=64, description="The type found from the file's magic bytes")
    byte_size = fields.BigIntField(description="Size of the original in bytes")
    sha256 = fields.CharField(max_length=64, description="Hex SHA-256 of the original")
    original_key = fields.CharField(max_length=200, description="Storage key of the original bytes")
    reading_key = fields.CharField(
        max_length=200, null=True, description="Storage key of the re-encoded reading copy of an image"
    )
    preview_key = fields.CharField(max_length=200, null=True, description="Storage key of the small preview image")
    status = fields.CharEnumField(DocumentStatus, max_length=12, default=DocumentStatus.UPLOADED)
    rejection_code = fields.CharField(max_length=40, null=True, description="Error code when the checks refused it")
    rejection_reason = fields.TextField(default="")
    source = fields.CharEnumField(DocumentSource, max_length=16, default=DocumentSource.UPLOADED)
    known_fields = fields.JSONField(
        default=dict,
        db_default={},  # documents stored before this column existed vouch for nothing
        description="Form answers the document vouches for, keyed by form field (issued results)",
    )
    created_at = fields.DatetimeField()
    checked_at = fields.DatetimeField(null=True, description="When the checks (and the virus scan) finished")

    class Meta:
        table = "document"
        indexes = [("owner_id", "created_at"), ("status", "created_at")]


class Upload(Model):
    """Bytes on their way in, bound to the citizen who announced them, resumable until it expires."""

    id = fields.IntField(primary_key=True)
    token = fields.CharField(max_length=64, unique=True, description="Random public id of the upload")
    owner = fields.ForeignKeyField("models.Citizen", related_name="uploads", on_delete=fields.CASCADE)
    file_name = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=64, description="The type the client announced")
    byte_size = fields.BigIntField(description="The size the client announced")
    sha256 = fields.CharField(max_length=64, description="The hex SHA-256 the client announced")
    kind = fields.CharField(max_length=64, default="")
    started_by = fields.ForeignKeyField(
        "models.StaffMember",
        related_name="counter_uploads",
        null=True,
        on_delete=fields.SET_NULL,
        description="The officer who scans it at the counter for the citizen, if not the citizen",
    )
    received_bytes = fields.BigIntField(default=0, description="Offset reached so far (tus Upload-Offset)")
    expires_at = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField()
    document = fields.OneToOneField(
        "models.Document", related_name="upload", null=True, on_delete=fields.SET_NULL, description="Once finished"
    )

    class Meta:
        table = "document_upload"


class DossierDocument(Model):
    """A stored document attached to a dossier for one requirement, with staff's review of it."""

    id = fields.IntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="documents", on_delete=fields.CASCADE)
    document = fields.ForeignKeyField("models.Document", related_name="attachments", on_delete=fields.RESTRICT)
    requirement_key = fields.CharField(max_length=64, description="Key of the procedure's requirement it meets")
    supplement_request = fields.ForeignKeyField(
        "models.SupplementRequest", related_name="documents", null=True, on_delete=fields.SET_NULL
    )
    review_status = fields.CharEnumField(ReviewStatus, max_length=10, default=ReviewStatus.PENDING)
    review_reason = fields.TextField(default="", description="Why staff rejected it, shown to the citizen")
    reviewed_by = fields.ForeignKeyField(
        "models.StaffMember", related_name="document_reviews", null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    attached_at = fields.DatetimeField()

    class Meta:
        table = "dossier_document"
        unique_together = [("dossier_id", "document_id", "requirement_key")]
        indexes = [("document_id",)]
