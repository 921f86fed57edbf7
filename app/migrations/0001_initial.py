from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.accounts.models import Locale, StaffRole
from app.catalogue.models import CentreKind, ProcedureLevel
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Centre",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("code", fields.CharField(unique=True, description="Official unit code", max_length=32)),
                ("name_vi", fields.CharField(max_length=200)),
                ("name_folded", fields.CharField(description="Name without diacritics, for search", max_length=200)),
                (
                    "kind",
                    fields.CharEnumField(
                        db_index=True,
                        description="WARD: ward\nCOMMUNE: commune\nSPECIAL_ZONE: special_zone\nPROVINCE: province",
                        enum_type=CentreKind,
                        max_length=16,
                    ),
                ),
                ("former_area", fields.CharField(default="", max_length=200)),
                ("address", fields.CharField(default="", max_length=300)),
                ("latitude", fields.FloatField()),
                ("longitude", fields.FloatField()),
                ("is_island", fields.BooleanField(default=False)),
                ("phone", fields.CharField(default="", max_length=20)),
                (
                    "opening_hours",
                    fields.JSONField(
                        description="Weekday (0=Monday) to a list of [start, end] 'HH:MM' pairs",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("counters", fields.SmallIntField(default=1)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "centre",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A public administration service centre (one per commune-level unit, plus the provincial centre).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Citizen",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("phone", fields.CharField(unique=True, description="E.164, e.g. +84912345678", max_length=20)),
                ("full_name", fields.CharField(default="", max_length=200)),
                (
                    "locale",
                    fields.CharEnumField(
                        default=Locale.VI, description="VI: vi\nEN: en", enum_type=Locale, max_length=2
                    ),
                ),
                (
                    "residence_centre",
                    fields.ForeignKeyField(
                        "models.Centre",
                        source_field="residence_centre_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="residents",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "citizen",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A citizen who signs in with a one-time code sent to their phone.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Procedure",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "code",
                    fields.CharField(unique=True, description="National procedure code, e.g. 1.001193", max_length=32),
                ),
                ("name_vi", fields.CharField(max_length=500)),
                ("name_en", fields.CharField(default="", max_length=500)),
                ("sector", fields.CharField(db_index=True, max_length=200)),
                (
                    "level",
                    fields.CharEnumField(
                        db_index=True,
                        description="COMMUNE: commune\nPROVINCIAL: provincial",
                        enum_type=ProcedureLevel,
                        max_length=16,
                    ),
                ),
                (
                    "fee_vnd",
                    fields.BigIntField(null=True, description="Fee in dong, NULL when unknown (never read as free)"),
                ),
                (
                    "processing_days",
                    fields.SmallIntField(null=True, description="Statutory working days, NULL when unknown"),
                ),
                ("borderless", fields.BooleanField(default=False, db_index=True)),
                (
                    "required_documents",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "search_text",
                    fields.TextField(
                        description="Folded code, names and sector, for accent-insensitive search", unique=False
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "procedure",
                "app": "models",
                "pk_attr": "id",
                "table_description": "An administrative procedure from the national catalogue.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SignInCode",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("phone", fields.CharField(db_index=True, max_length=20)),
                ("code_hash", fields.CharField(max_length=64)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("attempts", fields.SmallIntField(default=0)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "sign_in_code",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A one-time code sent by SMS, stored only as a keyed hash.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StaffMember",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("email", fields.CharField(unique=True, description="Stored lower-case", max_length=254)),
                ("password_hash", fields.CharField(max_length=200)),
                ("full_name", fields.CharField(default="", max_length=200)),
                (
                    "role",
                    fields.CharEnumField(
                        description="OFFICER: officer\nMANAGER: manager\nADMIN: admin",
                        enum_type=StaffRole,
                        max_length=16,
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
                        related_name="staff",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("is_active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "staff_member",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A centre employee who signs in with email and password.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                (
                    "family",
                    fields.CharField(
                        db_index=True, description="Shared by all rotations of one sign-in", max_length=32
                    ),
                ),
                (
                    "citizen",
                    fields.ForeignKeyField(
                        "models.Citizen",
                        source_field="citizen_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
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
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("rotated_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "session",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A refresh-token session: tokens rotate on use, and a reused old token revokes its whole family.",
            },
            bases=["Model"],
        ),
    ]
