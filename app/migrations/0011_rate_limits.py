from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_session_sign_in_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateLimitCounter',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=200)),
                ('hits', fields.IntField()),
                ('expires_at', fields.FloatField(db_index=True, description='End of the window, in seconds since the epoch')),
            ],
            options={'table': 'rate_limit_counter', 'app': 'models', 'pk_attr': 'key', 'table_description': 'Requests counted for one limit key in its current fixed window, which ends at `expires_at`.'},
            bases=['Model'],
        ),
    ]
