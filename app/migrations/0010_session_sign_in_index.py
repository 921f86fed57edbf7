from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_notification_staff_index')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Session',
            name='family',
            field=fields.CharField(description='Shared by all rotations of one sign-in', max_length=32),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['family', 'revoked_at']),
        ),
    ]
