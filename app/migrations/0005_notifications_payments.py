from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from notifications.models import Category, Platform, ReminderKind, ReminderState
from payments.models import PaymentStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0004_appointments")]

    initial = False

    operations = [
        ops.CreateModel(
            name="DeliveryCount",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("day", fields.DateField(description="UTC date")),
                ("name", fields.CharField(max_length=32)),
                ("count", fields.BigIntField(default=0)),
            ],
            options={
                "table": "delivery_count",
                "app": "models",
                "unique_together": (("day", "name"),),
                "pk_attr": "id",
                "table_description": "Per-day counters of the sweep's outcomes (sent, failed, retried, pruned tokens, late, ...).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Device",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("token", fields.CharField(unique=True, max_length=512)),
                (
                    "citizen",
                    fields.ForeignKeyField(
                        "models.Citizen",
                        source_field="citizen_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="devices",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "models.StaffMember",
                        source_field="staff_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="devices",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "platform",
                    fields.CharEnumField(description="ANDROID: ANDROID\nIOS: IOS", enum_type=Platform, max_length=8),
                ),
                ("locale", fields.CharField(default="vi", max_length=8)),
                ("app_version", fields.CharField(default="", max_length=32)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "last_seen_at",
                    fields.DatetimeField(
                        description="Last registration or successful push, UTC", auto_now=False, auto_now_add=False
                    ),
                ),
            ],
            options={
                "table": "device",
                "app": "models",
                "indexes": [Index(fields=["last_seen_at"])],
                "pk_attr": "id",
                "table_description": "A phone's FCM registration token, owned by one citizen or one staff member at a time.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NotificationPreferences",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "citizen",
                    fields.OneToOneField(
                        "models.Citizen",
                        source_field="citizen_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="notification_preferences",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "muted_categories",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("quiet_start_minute", fields.SmallIntField(default=1260)),
                ("quiet_end_minute", fields.SmallIntField(default=420)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "notification_preferences",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A citizen's switched-off categories and quiet hours (local minutes after midnight).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Payment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "dossier",
                    fields.ForeignKeyField(
                        "models.Dossier",
                        source_field="dossier_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("gateway", fields.CharField(description="stripe, or a domestic gateway later", max_length=16)),
                (
                    "gateway_reference",
                    fields.CharField(unique=True, description="The gateway's id of the payment", max_length=255),
                ),
                ("amount_vnd", fields.BigIntField(description="Amount in dong")),
                (
                    "status",
                    fields.CharEnumField(
                        default=PaymentStatus.PENDING,
                        description="PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED\nCANCELED: CANCELED",
                        enum_type=PaymentStatus,
                        max_length=12,
                    ),
                ),
                ("paid_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "payment",
                "app": "models",
                "indexes": [Index(fields=["dossier_id", "status"]), Index(fields=["paid_at"])],
                "pk_attr": "id",
                "table_description": "One attempt to pay a dossier's fee through a gateway (a Stripe PaymentIntent, for example).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Reminder",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="DOSSIER_UPDATED: DOSSIER_UPDATED\nAPPOINTMENT_24H: APPOINTMENT_24H\nAPPOINTMENT_1H: APPOINTMENT_1H\nSUPPLEMENT_DUE_2D: SUPPLEMENT_DUE_2D\nSUPPLEMENT_DUE_1D: SUPPLEMENT_DUE_1D\nRESULT_READY: RESULT_READY\nPAYMENT_PENDING: PAYMENT_PENDING\nPAYMENT_RECEIVED: PAYMENT_RECEIVED\nRATING_PROMPT: RATING_PROMPT\nRATING_ANSWERED: RATING_ANSWERED\nSTAFF_DIGEST: STAFF_DIGEST",
                        enum_type=ReminderKind,
                        max_length=20,
                    ),
                ),
                (
                    "subject",
                    fields.CharField(description="What it is about, e.g. appointment:42 or dossier:7", max_length=120),
                ),
                (
                    "citizen",
                    fields.ForeignKeyField(
                        "models.Citizen",
                        source_field="citizen_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="reminders",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "centre",
                    fields.ForeignKeyField(
                        "models.Centre",
                        source_field="centre_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="reminders",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "params",
                    fields.JSONField(
                        default=dict,
                        description="Template values known when scheduled",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "state",
                    fields.CharEnumField(
                        default=ReminderState.PENDING,
                        description="PENDING: PENDING\nCLAIMED: CLAIMED\nSENDING: SENDING\nSENT: SENT\nSKIPPED: SKIPPED\nCANCELLED: CANCELLED\nFAILED: FAILED",
                        enum_type=ReminderState,
                        max_length=10,
                    ),
                ),
                ("attempts", fields.SmallIntField(default=0)),
                ("claimed_by", fields.CharField(default="", max_length=64)),
                (
                    "claimed_until",
                    fields.DatetimeField(
                        null=True,
                        description="A claim not finished by then is taken back",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                ("last_error", fields.CharField(default="", max_length=500)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("lateness_ms", fields.IntField(null=True, description="sent_at minus due_at")),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "reminder",
                "app": "models",
                "unique_together": (("kind", "subject"),),
                "indexes": [Index(fields=["state", "due_at"]), Index(fields=["subject"])],
                "pk_attr": "id",
                "table_description": "The outbox: one notification to send at `due_at`, written in the same transaction as its source.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Notification",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "citizen",
                    fields.ForeignKeyField(
                        "models.Citizen",
                        source_field="citizen_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "models.StaffMember",
                        source_field="staff_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "reminder",
                    fields.ForeignKeyField(
                        "models.Reminder",
                        source_field="reminder_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "category",
                    fields.CharEnumField(
                        description="DOSSIER_UPDATES: DOSSIER_UPDATES\nDEADLINES: DEADLINES\nAPPOINTMENTS: APPOINTMENTS\nPAYMENTS: PAYMENTS\nRATINGS: RATINGS",
                        enum_type=Category,
                        max_length=16,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="DOSSIER_UPDATED: DOSSIER_UPDATED\nAPPOINTMENT_24H: APPOINTMENT_24H\nAPPOINTMENT_1H: APPOINTMENT_1H\nSUPPLEMENT_DUE_2D: SUPPLEMENT_DUE_2D\nSUPPLEMENT_DUE_1D: SUPPLEMENT_DUE_1D\nRESULT_READY: RESULT_READY\nPAYMENT_PENDING: PAYMENT_PENDING\nPAYMENT_RECEIVED: PAYMENT_RECEIVED\nRATING_PROMPT: RATING_PROMPT\nRATING_ANSWERED: RATING_ANSWERED\nSTAFF_DIGEST: STAFF_DIGEST",
                        enum_type=ReminderKind,
                        max_length=20,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("body", fields.TextField(unique=False)),
                ("deep_link", fields.CharField(default="", max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "notification",
                "app": "models",
                "unique_together": (("reminder", "citizen"), ("reminder", "staff")),
                "indexes": [Index(fields=["citizen_id", "read_at"]), Index(fields=["staff_id", "read_at"])],
                "pk_attr": "id",
                "table_description": "One entry of a citizen's (or a staff member's) in-app inbox, stored whatever happens to the push.",
            },
            bases=["Model"],
        ),
    ]
