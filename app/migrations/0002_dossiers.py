from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.dossiers.models import ActorKind, DossierStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Dossier",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "code",
                    fields.CharField(unique=True, description="Human-readable code with a check digit", max_length=20),
                ),
                (
                    "tracking_secret",
                    fields.CharField(description="Printed on the receipt, for public tracking", max_length=12),
                ),
                (
                    "citizen",
                    fields.ForeignKeyField(
                        "models.Citizen",
                        source_field="citizen_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dossiers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "procedure",
                    fields.ForeignKeyField(
                        "models.Procedure",
                        source_field="procedure_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dossiers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "received_centre",
                    fields.ForeignKeyField(
                        "models.Centre",
                        source_field="received_centre_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="received_dossiers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "handling_centre",
                    fields.ForeignKeyField(
                        "models.Centre",
                        source_field="handling_centre_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="handled_dossiers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="RECEIVING: receiving\nRECEIVED: received\nDENIED: denied\nPROCESSING: processing\nSUPPLEMENT_REQUESTED: supplement_requested\nPAYMENT_REQUESTED: payment_requested\nWITHDRAWN: withdrawn\nSTOPPED: stopped\nRESULT_READY: result_ready\nRETURNED: returned",
                        enum_type=DossierStatus,
                        max_length=24,
                    ),
                ),
                (
                    "form_data",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("fee_vnd", fields.BigIntField(null=True, description="Fee due in dong, NULL when unknown")),
                (
                    "processing_days",
                    fields.SmallIntField(null=True, description="Statutory working days at submission"),
                ),
                ("submitted_online", fields.BooleanField(default=True)),
                ("submitted_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("received_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("due_at", fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                (
                    "paused_at",
                    fields.DatetimeField(
                        null=True,
                        description="Clock stopped (supplement requested) since",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                (
                    "paused_remaining_seconds",
                    fields.BigIntField(null=True, description="Working seconds left when paused"),
                ),
                (
                    "finished_at",
                    fields.DatetimeField(
                        null=True,
                        description="Result ready, or closed without a result",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                (
                    "version",
                    fields.IntField(default=1, description="Incremented by every transition (optimistic locking)"),
                ),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "dossier",
                "app": "models",
                "indexes": [
                    Index(fields=["handling_centre_id", "status"]),
                    Index(fields=["citizen_id", "submitted_at"]),
                ],
                "pk_attr": "id",
                "table_description": "An application for one procedure, received at one centre and processed by one unit.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Apology",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "dossier",
                    fields.ForeignKeyField(
                        "models.Dossier",
                        source_field="dossier_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="apologies",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("reason", fields.TextField(unique=False)),
                ("promised_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "models.StaffMember",
                        source_field="staff_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="apologies_made",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "apology",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A late dossier's apology letter with a new promised date.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DossierEvent",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "dossier",
                    fields.ForeignKeyField(
                        "models.Dossier",
                        source_field="dossier_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "from_status",
                    fields.CharEnumField(
                        null=True,
                        description="RECEIVING: receiving\nRECEIVED: received\nDENIED: denied\nPROCESSING: processing\nSUPPLEMENT_REQUESTED: supplement_requested\nPAYMENT_REQUESTED: payment_requested\nWITHDRAWN: withdrawn\nSTOPPED: stopped\nRESULT_READY: result_ready\nRETURNED: returned",
                        enum_type=DossierStatus,
                        max_length=24,
                    ),
                ),
                (
                    "to_status",
                    fields.CharEnumField(
                        description="RECEIVING: receiving\nRECEIVED: received\nDENIED: denied\nPROCESSING: processing\nSUPPLEMENT_REQUESTED: supplement_requested\nPAYMENT_REQUESTED: payment_requested\nWITHDRAWN: withdrawn\nSTOPPED: stopped\nRESULT_READY: result_ready\nRETURNED: returned",
                        enum_type=DossierStatus,
                        max_length=24,
                    ),
                ),
                (
                    "actor_kind",
                    fields.CharEnumField(
                        description="CITIZEN: citizen\nSTAFF: staff\nSYSTEM: system", enum_type=ActorKind, max_length=8
                    ),
                ),
                ("actor_id", fields.IntField(null=True)),
                ("note", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "dossier_event",
                "app": "models",
                "indexes": [Index(fields=["dossier_id", "id"])],
                "pk_attr": "id",
                "table_description": "One transition of a dossier's timeline, never changed once written.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SupplementRequest",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "dossier",
                    fields.ForeignKeyField(
                        "models.Dossier",
                        source_field="dossier_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="supplement_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "items",
                    fields.JSONField(
                        description="What to supply, as a list of strings",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("deadline", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "requested_by",
                    fields.ForeignKeyField(
                        "models.StaffMember",
                        source_field="requested_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="supplements_requested",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("supplied_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("supplied_note", fields.TextField(default="", unique=False)),
                (
                    "supplied_documents",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "supplement_request",
                "app": "models",
                "pk_attr": "id",
                "table_description": "Staff asked the citizen for more documents, which stops the processing clock.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Procedure",
            name="form_fields",
            field=fields.JSONField(
                default=list,
                description="Questions of the online form (see catalogue.forms)",
                encoder=functools.partial(dumps, separators=(",", ":")),
                decoder=loads,
            ),
        ),
    ]
