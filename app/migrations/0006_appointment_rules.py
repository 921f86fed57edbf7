from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint


class Migration(migrations.Migration):
    dependencies = [("models", "0005_notifications_payments")]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name="Appointment",
            name=None,
            fields=["citizen_id", "procedure_id", "local_day"],
        ),
        ops.AlterField(
            model_name="Appointment",
            name="local_day",
            field=fields.DateField(description="Slot date in Asia/Ho_Chi_Minh, for staff lists"),
        ),
        ops.AddField(
            model_name="Appointment",
            name="active_day",
            field=fields.DateField(
                null=True,
                description="The local date while BOOKED or CHECKED_IN, else null: unique per citizen and procedure",
            ),
        ),
        ops.RunSQL(
            # Existing active bookings hold their day; should an old race have left two, the first one holds it.
            """UPDATE "appointment" SET "active_day" = "local_day"
            WHERE "status" IN ('BOOKED', 'CHECKED_IN') AND "id" = (
                SELECT MIN("other"."id") FROM "appointment" AS "other"
                WHERE "other"."citizen_id" = "appointment"."citizen_id"
                AND "other"."procedure_id" = "appointment"."procedure_id"
                AND "other"."local_day" = "appointment"."local_day"
                AND "other"."status" IN ('BOOKED', 'CHECKED_IN'))""",
            reverse_sql="",
        ),
        ops.AddIndex(
            model_name="Appointment",
            index=Index(fields=["citizen_id", "starts_at"]),
        ),
        ops.AddConstraint(
            model_name="Appointment",
            constraint=UniqueConstraint(fields=("citizen", "procedure", "active_day"), name=None),
        ),
    ]
