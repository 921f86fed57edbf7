from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from payments.models import IssueKind, RefundStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_appointment_rules')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeeAssessment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dossier', fields.OneToOneField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='fee_assessment', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField(default=1)),
                ('total_vnd', fields.BigIntField()),
                ('lines', fields.JSONField(description='Fee lines with label, unit price, quantity and amount', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'fee_assessment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The fee a dossier owes as last computed: its lines, total and a version bumped whenever they change.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeeExemption',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dossier', fields.ForeignKeyField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='fee_exemptions', on_delete=OnDelete.CASCADE)),
                ('amount_vnd', fields.BigIntField(description='Dong waived')),
                ('reason', fields.TextField(unique=False)),
                ('staff', fields.ForeignKeyField('models.StaffMember', source_field='staff_id', db_constraint=True, to_field='id', related_name='fee_exemptions', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'fee_exemption', 'app': 'models', 'pk_attr': 'id', 'table_description': "Staff waived part or all of a dossier's fee, with the legal reason."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GatewayCustomer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen', fields.ForeignKeyField('models.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='gateway_customers', on_delete=OnDelete.CASCADE)),
                ('gateway', fields.CharField(max_length=16)),
                ('reference', fields.CharField(max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gateway_customer', 'app': 'models', 'unique_together': (('citizen_id', 'gateway'),), 'pk_attr': 'id', 'table_description': "A citizen's customer record at a gateway (saved cards live there, never here)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaymentIssue',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='UNKNOWN_INTENT: UNKNOWN_INTENT\nAMOUNT_MISMATCH: AMOUNT_MISMATCH\nSTATUS_MISMATCH: STATUS_MISMATCH\nDISPUTE: DISPUTE\nUNEXPECTED_PAYMENT: UNEXPECTED_PAYMENT', enum_type=IssueKind, max_length=20)),
                ('gateway_reference', fields.CharField(max_length=255)),
                ('payment', fields.ForeignKeyField('models.Payment', source_field='payment_id', null=True, db_constraint=True, to_field='id', related_name='issues', on_delete=OnDelete.SET_NULL)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', null=True, db_constraint=True, to_field='id', related_name='payment_issues', on_delete=OnDelete.SET_NULL)),
                ('detail', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payment_issue', 'app': 'models', 'unique_together': (('kind', 'gateway_reference'),), 'indexes': [Index(fields=['centre_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A mismatch between the gateway and our records, for managers to resolve.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProcedureFeeItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('procedure', fields.ForeignKeyField('models.Procedure', source_field='procedure_id', db_constraint=True, to_field='id', related_name='fee_items', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(description='Stable key within the procedure, e.g. copy or page', max_length=32)),
                ('name_vi', fields.CharField(max_length=200)),
                ('name_en', fields.CharField(default='', max_length=200)),
                ('unit_price_vnd', fields.BigIntField(description='Price of one unit in dong')),
            ],
            options={'table': 'procedure_fee_item', 'app': 'models', 'unique_together': (('procedure_id', 'code'),), 'pk_attr': 'id', 'table_description': 'A per-unit charge of a procedure (per page, per copy) on top of its fixed fee.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DossierFeeItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dossier', fields.ForeignKeyField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='fee_items', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('models.ProcedureFeeItem', source_field='item_id', db_constraint=True, to_field='id', related_name='dossier_items', on_delete=OnDelete.RESTRICT)),
                ('quantity', fields.IntField()),
                ('staff', fields.ForeignKeyField('models.StaffMember', source_field='staff_id', db_constraint=True, to_field='id', related_name='fee_items_set', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'dossier_fee_item', 'app': 'models', 'unique_together': (('dossier_id', 'item_id'),), 'pk_attr': 'id', 'table_description': 'How many units of a per-unit charge a dossier takes, counted by staff.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Receipt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('payment', fields.OneToOneField('models.Payment', source_field='payment_id', db_constraint=True, to_field='id', related_name='receipt', on_delete=OnDelete.RESTRICT)),
                ('dossier', fields.ForeignKeyField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='receipts', on_delete=OnDelete.RESTRICT)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='receipts', on_delete=OnDelete.RESTRICT)),
                ('payer_name', fields.CharField(max_length=200)),
                ('payer_phone', fields.CharField(max_length=20)),
                ('lines', fields.JSONField(description='Fee lines as assessed when paid', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('amount_vnd', fields.BigIntField()),
                ('paid_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'receipt', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The e-receipt of a successful payment: number, fee lines, amount, time, centre and payer.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Refund',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payment', fields.ForeignKeyField('models.Payment', source_field='payment_id', db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT)),
                ('amount_vnd', fields.BigIntField()),
                ('reason', fields.TextField(unique=False)),
                ('request_key', fields.CharField(description="The caller's idempotency key", max_length=64)),
                ('status', fields.CharEnumField(default=RefundStatus.PENDING, description='PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED', enum_type=RefundStatus, max_length=10)),
                ('gateway_reference', fields.CharField(null=True, unique=True, max_length=255)),
                ('requested_by', fields.ForeignKeyField('models.StaffMember', source_field='requested_by_id', db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'refund', 'app': 'models', 'unique_together': (('payment_id', 'request_key'),), 'pk_attr': 'id', 'table_description': "A refund of (part of) a payment asked for by a manager, its final state coming from the gateway's events."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('gateway', fields.CharField(max_length=16)),
                ('event_id', fields.CharField(max_length=255)),
                ('type', fields.CharField(max_length=100)),
                ('outcome', fields.CharField(default='', description='What processing did, e.g. APPLIED', max_length=32)),
                ('payment', fields.ForeignKeyField('models.Payment', source_field='payment_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.SET_NULL)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payment_webhook_event', 'app': 'models', 'unique_together': (('gateway', 'event_id'),), 'pk_attr': 'id', 'table_description': 'A gateway event already processed, written in the same transaction as its effect (replays change nothing).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Payment',
            name='currency',
            field=fields.CharField(default='vnd', max_length=3),
        ),
        ops.AddField(
            model_name='Payment',
            name='disputed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Payment',
            name='failure_message',
            field=fields.CharField(default='', max_length=500),
        ),
        ops.AddField(
            model_name='Payment',
            name='fee_version',
            field=fields.IntField(default=1, description='Version of the fee assessment this payment is for'),
        ),
        ops.AddField(
            model_name='Payment',
            name='refund_requested_vnd',
            field=fields.BigIntField(default=0, description='Refunds asked for, settled or not'),
        ),
        ops.AddField(
            model_name='Payment',
            name='refunded_vnd',
            field=fields.BigIntField(default=0, description='Refunds the gateway confirmed'),
        ),
    ]
