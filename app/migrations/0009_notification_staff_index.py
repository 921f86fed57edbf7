from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0008_ratings")]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name="Notification",
            name=None,
            fields=["staff_id", "read_at"],
        ),
        ops.AddIndex(
            model_name="Notification",
            index=Index(fields=["staff_id", "id"]),
        ),
    ]
