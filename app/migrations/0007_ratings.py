from tortoise import migrations
from tortoise.migrations import operations as ops
from app.ratings.models import RatingLevel
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_notifications_payments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Rating',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dossier', fields.OneToOneField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='rating', on_delete=OnDelete.CASCADE)),
                ('citizen', fields.ForeignKeyField('models.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.CASCADE)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', description='The handling centre', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.RESTRICT)),
                ('procedure', fields.ForeignKeyField('models.Procedure', source_field='procedure_id', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.RESTRICT)),
                ('level', fields.CharEnumField(description='VERY_SATISFIED: VERY_SATISFIED\nSATISFIED: SATISFIED\nDISSATISFIED: DISSATISFIED', enum_type=RatingLevel, max_length=16)),
                ('staff_attitude', fields.SmallIntField(null=True, description='Score 1 to 5')),
                ('processing_time', fields.SmallIntField(null=True, description='Score 1 to 5')),
                ('clarity', fields.SmallIntField(null=True, description='Score 1 to 5 for the clarity of the procedure')),
                ('facilities', fields.SmallIntField(null=True, description='Score 1 to 5')),
                ('comment', fields.TextField(default='', unique=False)),
                ('response', fields.TextField(null=True, description="The centre manager's answer", unique=False)),
                ('responded_by', fields.ForeignKeyField('models.StaffMember', source_field='responded_by_id', null=True, db_constraint=True, to_field='id', related_name='rating_responses', on_delete=OnDelete.SET_NULL)),
                ('responded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rating', 'app': 'models', 'indexes': [Index(fields=['centre_id', 'created_at']), Index(fields=['created_at', 'level']), Index(fields=['procedure_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'How satisfied a citizen was with one dossier, once per dossier.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Dossier',
            name='working_seconds_taken',
            field=fields.BigIntField(null=True, description='Working time from receipt to finish, set when the dossier finishes'),
        ),
        ops.AddIndex(
            model_name='Dossier',
            index=Index(fields=['submitted_at']),
        ),
        ops.AddIndex(
            model_name='Dossier',
            index=Index(fields=['handling_centre_id', 'submitted_at']),
        ),
        ops.AddIndex(
            model_name='Dossier',
            index=Index(fields=['procedure_id', 'submitted_at']),
        ),
    ]
