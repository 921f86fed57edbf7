from tortoise import migrations
from tortoise.migrations import operations as ops
from app.appointments.models import AppointmentStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0003_dossier_received_centre_index")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Appointment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "ticket",
                    fields.CharField(
                        unique=True, description="Short code shown and scanned at the centre", max_length=8
                    ),
                ),
                (
                    "citizen",
                    fields.ForeignKeyField(
                        "models.Citizen",
                        source_field="citizen_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="appointments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "centre",
                    fields.ForeignKeyField(
                        "models.Centre",
                        source_field="centre_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="appointments",
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
                        related_name="appointments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "dossier",
                    fields.ForeignKeyField(
                        "models.Dossier",
                        source_field="dossier_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="appointments",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("starts_at", fields.DatetimeField(description="Slot start, UTC", auto_now=False, auto_now_add=False)),
                (
                    "local_day",
                    fields.DateField(
                        description="Slot date in Asia/Ho_Chi_Minh, for the one-a-day rule and staff lists"
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=AppointmentStatus.BOOKED,
                        description="BOOKED: BOOKED\nCANCELLED: CANCELLED\nCHECKED_IN: CHECKED_IN\nNO_SHOW: NO_SHOW",
                        enum_type=AppointmentStatus,
                        max_length=12,
                    ),
                ),
                ("checked_in_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "appointment",
                "app": "models",
                "indexes": [
                    Index(fields=["centre_id", "local_day"]),
                    Index(fields=["citizen_id", "procedure_id", "local_day"]),
                ],
                "pk_attr": "id",
                "table_description": "A citizen's booked visit to a centre for one procedure, at one slot.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CentreClosure",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "centre",
                    fields.ForeignKeyField(
                        "models.Centre",
                        source_field="centre_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="closures",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("day", fields.DateField(description="Closed date in Asia/Ho_Chi_Minh")),
                ("reason", fields.CharField(default="", max_length=300)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "centre_closure",
                "app": "models",
                "unique_together": (("centre", "day"),),
                "pk_attr": "id",
                "table_description": "A day a centre manager closed the centre for appointments.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SlotCapacity",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "centre",
                    fields.OneToOneField(
                        "models.Centre",
                        source_field="centre_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="slot_capacity",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("per_slot", fields.SmallIntField()),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "slot_capacity",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A manager's override of the places per slot (default: counters times appointments per counter).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SlotCounter",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "centre",
                    fields.ForeignKeyField(
                        "models.Centre",
                        source_field="centre_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="slot_counters",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_at", fields.DatetimeField(description="Slot start, UTC", auto_now=False, auto_now_add=False)),
                ("booked", fields.IntField(default=0, description="Places taken by BOOKED or CHECKED_IN appointments")),
            ],
            options={
                "table": "slot_counter",
                "app": "models",
                "unique_together": (("centre", "starts_at"),),
                "pk_attr": "id",
                "table_description": "How many places of one slot are taken: claimed only by a conditional UPDATE, never read-then-written.",
            },
            bases=["Model"],
        ),
    ]
