from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0014_results_access_log')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AssistantConversation',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, description='Random hex id given to the client', max_length=32)),
                ('citizen_id', fields.IntField(null=True, description='The signed-in citizen who asked, null when anonymous')),
                ('procedure_codes', fields.JSONField(default=list, description='At most MAX_REMEMBERED procedure codes', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'assistant_conversation', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The procedures a conversation is about, for follow-up questions, until it expires.'},
            bases=['Model'],
        ),
    ]
