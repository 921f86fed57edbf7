from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.portal_sync.models import OutboxState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0011_rate_limits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PortalOutbox',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dossier', fields.ForeignKeyField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='portal_outbox', on_delete=OnDelete.CASCADE)),
                ('service', fields.CharField(description='DongBoHoSoMC (the record) or CapNhatTienDoHoSoMC', max_length=32)),
                ('idempotency_key', fields.CharField(unique=True, description='Sent with every attempt', max_length=100)),
                ('body', fields.JSONField(description='The request body without the session and unit code', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharEnumField(default=OutboxState.PENDING, description='PENDING: pending\nCLAIMED: claimed\nDELIVERED: delivered\nPARKED: parked', enum_type=OutboxState, max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(description='Not sent before this moment (backoff)', auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(default='', max_length=80)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('portal_answer', fields.JSONField(null=True, description="The portal's answer when it refused the row", encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'portal_outbox', 'app': 'models', 'indexes': [Index(fields=['state', 'next_attempt_at']), Index(fields=['dossier_id', 'id']), Index(fields=['state', 'created_at'])], 'pk_attr': 'id', 'table_description': "A request to the portal's dossier-sync service, delivered in id order per dossier."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Procedure',
            name='agency',
            field=fields.CharField(default='', description='Deciding agencies, as the portal names them', max_length=500),
        ),
        ops.AddField(
            model_name='Procedure',
            name='fees',
            field=fields.JSONField(default=list, description='Every fee the portal lists, per channel, in dong', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Procedure',
            name='forms',
            field=fields.JSONField(default=list, description='Form templates to fill in: name and address', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Procedure',
            name='sector_code',
            field=fields.CharField(default='', description='National sector code (MALINHVUC)', max_length=32),
        ),
        ops.AddField(
            model_name='Procedure',
            name='withdrawn_at',
            field=fields.DatetimeField(null=True, description='When the national catalogue stopped publishing it (hidden from search)', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Procedure',
            name='updated_at',
            field=fields.DatetimeField(null=True, description='When an import last changed it', auto_now=False, auto_now_add=False),
        ),
    ]
