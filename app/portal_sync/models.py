"""The portal outbox: one row per request to send, written in the transaction of the dossier change it reports."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OutboxState(StrEnum):
    """Where a row is: waiting (PENDING), held by a worker (CLAIMED), done (DELIVERED), or refused by the portal and
    waiting for staff (PARKED)."""

    PENDING = "pending"
    CLAIMED = "claimed"
    DELIVERED = "delivered"
    PARKED = "parked"


class PortalOutbox(Model):
    """A request to the portal's dossier-sync service, delivered in id order per dossier."""

    id = fields.BigIntField(primary_key=True)
    dossier = fields.ForeignKeyField("models.Dossier", related_name="portal_outbox", on_delete=fields.CASCADE)
    service = fields.CharField(max_length=32, description="DongBoHoSoMC (the record) or CapNhatTienDoHoSoMC")
    idempotency_key = fields.CharField(max_length=100, unique=True, description="Sent with every attempt")
    body = fields.JSONField(description="The request body without the session and unit code")
    state = fields.CharEnumField(OutboxState, max_length=12, default=OutboxState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(description="Not sent before this moment (backoff)")
    claimed_by = fields.CharField(max_length=80, default="")
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    portal_answer = fields.JSONField(null=True, description="The portal's answer when it refused the row")
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "portal_outbox"
        indexes = [("state", "next_attempt_at"), ("dossier_id", "id"), ("state", "created_at")]
