from tortoise import migrations
from tortoise.migrations import operations as ops
from app.access_log.models import AccessKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0013_documents')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DataAccess',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen', fields.ForeignKeyField('models.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='data_accesses', on_delete=OnDelete.CASCADE)),
                ('staff', fields.ForeignKeyField('models.StaffMember', source_field='staff_id', db_constraint=True, to_field='id', related_name='data_accesses', on_delete=OnDelete.RESTRICT)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', null=True, description="The staff member's centre at the time, NULL for provincial admins", db_constraint=True, to_field='id', related_name='data_accesses', on_delete=OnDelete.SET_NULL)),
                ('dossier', fields.ForeignKeyField('models.Dossier', source_field='dossier_id', null=True, db_constraint=True, to_field='id', related_name='data_accesses', on_delete=OnDelete.SET_NULL)),
                ('document', fields.ForeignKeyField('models.Document', source_field='document_id', null=True, db_constraint=True, to_field='id', related_name='data_accesses', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharEnumField(description='VIEWED_DOSSIER: viewed_dossier\nLISTED_DOSSIER: listed_dossier\nCHANGED_DOSSIER: changed_dossier\nOPENED_DOCUMENT: opened_document\nISSUED_RESULT: issued_result', enum_type=AccessKind, max_length=16)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'data_access', 'app': 'models', 'indexes': [Index(fields=['citizen_id', 'at'])], 'pk_attr': 'id', 'table_description': "A staff member accessed a citizen's dossier or document (the citizen's Data Tracker)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SignedResult',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('verification_code', fields.CharField(unique=True, description='Printed and in the QR code', max_length=16)),
                ('dossier', fields.ForeignKeyField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='signed_results', on_delete=OnDelete.RESTRICT)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', description='The issuing centre', db_constraint=True, to_field='id', related_name='signed_results', on_delete=OnDelete.RESTRICT)),
                ('document', fields.OneToOneField('models.Document', source_field='document_id', null=True, description="The signed copy in the citizen's store, NULL once the citizen deleted it", db_constraint=True, to_field='id', related_name='signed_result', on_delete=OnDelete.SET_NULL)),
                ('issued_by', fields.ForeignKeyField('models.StaffMember', source_field='issued_by_id', null=True, db_constraint=True, to_field='id', related_name='signed_results', on_delete=OnDelete.SET_NULL)),
                ('sha256', fields.CharField(db_index=True, description='Hex SHA-256 of the signed file', max_length=64)),
                ('byte_size', fields.BigIntField()),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'signed_result', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The signed PDF issued for a dossier, found again by its verification code or by its SHA-256.'},
            bases=['Model'],
        ),
    ]
