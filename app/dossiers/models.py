"""Dossier models: the dossier, its immutable timeline, supplement requests and apologies."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.delegation.fields import delegate_field


class DossierStatus(StrEnum):
    """Lifecycle of a dossier, one to one with the national public service portal's statuses."""

    RECEIVING = "receiving"
    RECEIVED = "received"
    DENIED = "denied"
    PROCESSING = "processing"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    PAYMENT_REQUESTED = "payment_requested"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    RESULT_READY = "result_ready"
    RETURNED = "returned"


class ActorKind(StrEnum):
    """Who made a change."""

    CITIZEN = "citizen"
    STAFF = "staff"
    SYSTEM = "system"


class Dossier(Model):
    """An application for one procedure, received at one centre and processed by one unit."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True, description="Human-readable code with a check digit")
    tracking_secret = fields.CharField(max_length=12, description="Printed on the receipt, for public tracking")
    citizen = fields.ForeignKeyField("models.Citizen", related_name="dossiers", on_delete=fields.RESTRICT)
    procedure = fields.ForeignKeyField("models.Procedure", related_name="dossiers", on_delete=fields.RESTRICT)
    received_centre = fields.ForeignKeyField(
        "models.Centre", related_name="received_dossiers", on_delete=fields.RESTRICT
    )
    handling_centre = fields.ForeignKeyField(
        "models.Centre", related_name="handled_dossiers", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(DossierStatus, max_length=24)
    form_data = fields.JSONField(default=dict)
    fee_vnd = fields.BigIntField(null=True, description="Fee due in dong, NULL when unknown")
    processing_days = fields.SmallIntField(null=True, description="Statutory working days at submission")
    submitted_online = fields.BooleanField(default=True)
    submitted_at = fields.DatetimeField()
    received_at = fields.DatetimeField(null=True)
    due_at = fields.DatetimeField(null=True, db_index=True)
    paused_at = fields.DatetimeField(null=True, description="Clock stopped (supplement requested) since")
    paused_remaining_seconds = fields.BigIntField(null=True, description="Working seconds left when paused")
    finished_at = fields.DatetimeField(null=True, description="Result ready, or closed without a result")
    working_seconds_taken = fields.BigIntField(
        null=True, description="Working time from receipt to finish, set when the dossier finishes"
    )
    version = fields.IntField(default=1, description="Incremented by every transition (optimistic locking)")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "dossier"
        indexes = [
            ("handling_centre_id", "status"),
            ("received_centre_id", "status"),
            ("citizen_id", "submitted_at"),
            ("submitted_at",),
            ("handling_centre_id", "submitted_at"),
            ("procedure_id", "submitted_at"),
            ("finished_at", "submitted_at", "handling_centre_id", "due_at", "paused_remaining_seconds"),
            ("updated_at",),
        ]


class DossierEvent(Model):
    """One transition of a dossier's timeline, never changed once written."""

    id = fields.BigIntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="events", on_delete=fields.CASCADE)
    from_status = fields.CharEnumField(DossierStatus, max_length=24, null=True)
    to_status = fields.CharEnumField(DossierStatus, max_length=24)
    actor_kind = fields.CharEnumField(ActorKind, max_length=8)
    actor_id = fields.IntField(null=True)
    acted_by = delegate_field(
        "dossier_events_for_others", "The delegate who made the change for the dossier's owner, NULL otherwise"
    )
    note = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "dossier_event"
        indexes = [("dossier_id", "id")]


class SupplementRequest(Model):
    """Staff asked the citizen for more documents, which stops the processing clock."""

    id = fields.IntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="supplement_requests", on_delete=fields.CASCADE)
    items = fields.JSONField(description="What to supply, as a list of strings")
    requirement_keys = fields.JSONField(
        default=list,
        db_default=[],  # rows written before this column existed ask for no particular document
        description="Keys of the procedure's document requirements to supply again or anew",
    )
    deadline = fields.DatetimeField()
    requested_by = fields.ForeignKeyField(
        "models.StaffMember", related_name="supplements_requested", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    supplied_at = fields.DatetimeField(null=True)
    supplied_note = fields.TextField(default="")
    supplied_documents = fields.JSONField(default=list)

    class Meta:
        table = "supplement_request"


class Apology(Model):
    """A late dossier's apology letter with a new promised date."""

    id = fields.IntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="apologies", on_delete=fields.CASCADE)
    reason = fields.TextField()
    promised_at = fields.DatetimeField()
    staff = fields.ForeignKeyField("models.StaffMember", related_name="apologies_made", on_delete=fields.RESTRICT)
    created_at = fields.DatetimeField()

    class Meta:
        table = "apology"
