"""Devices, inbox notifications, per-citizen preferences and the reminder outbox."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Platform(StrEnum):
    ANDROID = "ANDROID"
    IOS = "IOS"


class Category(StrEnum):
    """What a citizen can switch off, one category at a time."""

    DOSSIER_UPDATES = "DOSSIER_UPDATES"
    DEADLINES = "DEADLINES"
    APPOINTMENTS = "APPOINTMENTS"
    PAYMENTS = "PAYMENTS"
    RATINGS = "RATINGS"


class ReminderKind(StrEnum):
    """Everything the outbox sends, scheduled or immediate."""

    DOSSIER_UPDATED = "DOSSIER_UPDATED"
    APPOINTMENT_24H = "APPOINTMENT_24H"
    APPOINTMENT_1H = "APPOINTMENT_1H"
    SUPPLEMENT_DUE_2D = "SUPPLEMENT_DUE_2D"
    SUPPLEMENT_DUE_1D = "SUPPLEMENT_DUE_1D"
    RESULT_READY = "RESULT_READY"
    PAYMENT_PENDING = "PAYMENT_PENDING"
    PAYMENT_RECEIVED = "PAYMENT_RECEIVED"
    RATING_PROMPT = "RATING_PROMPT"
    RATING_ANSWERED = "RATING_ANSWERED"
    STAFF_DIGEST = "STAFF_DIGEST"
    DRAFT_EXPIRING = "DRAFT_EXPIRING"
    DELEGATE_ACTED = "DELEGATE_ACTED"


class ReminderState(StrEnum):
    """PENDING -> CLAIMED -> SENDING -> SENT, or SKIPPED (no longer applies), CANCELLED (by its source),
    FAILED (gave up, or a worker died while its push was on the wire: never re-sent)."""

    PENDING = "PENDING"
    CLAIMED = "CLAIMED"
    SENDING = "SENDING"
    SENT = "SENT"
    SKIPPED = "SKIPPED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


class Device(Model):
    """A phone's FCM registration token, owned by one citizen or one staff member at a time."""

    id = fields.IntField(primary_key=True)
    token = fields.CharField(max_length=512, unique=True)
    citizen = fields.ForeignKeyField("models.Citizen", related_name="devices", null=True, on_delete=fields.CASCADE)
    staff = fields.ForeignKeyField("models.StaffMember", related_name="devices", null=True, on_delete=fields.CASCADE)
    platform = fields.CharEnumField(Platform, max_length=8)
    locale = fields.CharField(max_length=8, default="vi")
    app_version = fields.CharField(max_length=32, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(description="Last registration or successful push, UTC")

    class Meta:
        table = "device"
        indexes = (("last_seen_at",),)


class NotificationPreferences(Model):
    """A citizen's switched-off categories and quiet hours (local minutes after midnight)."""

    id = fields.IntField(primary_key=True)
    citizen = fields.OneToOneField("models.Citizen", related_name="notification_preferences", on_delete=fields.CASCADE)
    muted_categories = fields.JSONField(default=list)
    quiet_start_minute = fields.SmallIntField(default=21 * 60)
    quiet_end_minute = fields.SmallIntField(default=7 * 60)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notification_preferences"


class Notification(Model):
    """One entry of a citizen's (or a staff member's) in-app inbox, stored whatever happens to the push."""

    id = fields.IntField(primary_key=True)
    citizen = fields.ForeignKeyField(
        "models.Citizen", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    staff = fields.ForeignKeyField(
        "models.StaffMember", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    reminder = fields.ForeignKeyField("models.Reminder", related_name="notifications", on_delete=fields.CASCADE)
    category = fields.CharEnumField(Category, max_length=16)
    kind = fields.CharEnumField(ReminderKind, max_length=20)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    deep_link = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        unique_together = (("reminder", "citizen"), ("reminder", "staff"))
        # (staff_id, id), not (staff_id, read_at): without statistics PostgreSQL took the latter for a citizen's
        # "read_at IS NULL" and scanned every unread row to count one batch's badges.
        indexes = (("citizen_id", "read_at"), ("staff_id", "id"))


class Reminder(Model):
    """The outbox: one notification to send at `due_at`, written in the same transaction as its source.

    (kind, subject) is unique, so a replayed source never schedules twice. The sweep claims due rows, re-checks
    that the reminder still applies, sends and records the outcome.
    """

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(ReminderKind, max_length=20)
    subject = fields.CharField(max_length=120, description="What it is about, e.g. appointment:42 or dossier:7")
    citizen = fields.ForeignKeyField("models.Citizen", related_name="reminders", null=True, on_delete=fields.CASCADE)
    centre = fields.ForeignKeyField("models.Centre", related_name="reminders", null=True, on_delete=fields.CASCADE)
    params = fields.JSONField(default=dict, description="Template values known when scheduled")
    due_at = fields.DatetimeField()
    state = fields.CharEnumField(ReminderState, max_length=10, default=ReminderState.PENDING)
    attempts = fields.SmallIntField(default=0)
    claimed_by = fields.CharField(max_length=64, default="")
    claimed_until = fields.DatetimeField(null=True, description="A claim not finished by then is taken back")
    last_error = fields.CharField(max_length=500, default="")
    sent_at = fields.DatetimeField(null=True)
    lateness_ms = fields.IntField(null=True, description="sent_at minus due_at")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reminder"
        unique_together = (("kind", "subject"),)
        indexes = (("state", "due_at"), ("subject",))


class DeliveryCount(Model):
    """Per-day counters of the sweep's outcomes (sent, failed, retried, pruned tokens, late, ...)."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField(description="UTC date")
    name = fields.CharField(max_length=32)
    count = fields.BigIntField(default=0)

    class Meta:
        table = "delivery_count"
        unique_together = (("day", "name"),)
