from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0002_dossiers")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="Dossier",
            index=Index(fields=["received_centre_id", "status"]),
        ),
    ]
