from tortoise import migrations
from tortoise.migrations import operations as ops
from app.ratings.models import RatingLevel
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_payments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DossierDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField(description='Local submission date')),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='dossier_days', on_delete=OnDelete.CASCADE)),
                ('dossiers', fields.IntField()),
                ('online', fields.IntField()),
                ('timed', fields.IntField(description='Finished with a result or stopped, with a due date')),
                ('on_time', fields.IntField()),
                ('early', fields.IntField()),
                ('finished_late', fields.IntField()),
                ('fee_dossiers', fields.IntField(description='With a fee and a result')),
                ('cashless', fields.IntField(description='Of those, with a succeeded payment')),
                ('working_seconds', fields.BigIntField(description='Sum over dossiers with a result')),
                ('with_working_time', fields.IntField()),
            ],
            options={'table': 'dossier_day', 'app': 'models', 'unique_together': (('day', 'centre'),), 'pk_attr': 'id', 'table_description': 'Figures of the dossiers submitted on one local date and handled by one centre.'},
            bases=['Model'],
        ),
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
            options={'table': 'rating', 'app': 'models', 'indexes': [Index(fields=['centre_id', 'created_at']), Index(fields=['created_at', 'level']), Index(fields=['procedure_id', 'created_at']), Index(fields=['updated_at'])], 'pk_attr': 'id', 'table_description': 'How satisfied a citizen was with one dossier, once per dossier.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField(description='Local date the rating was given')),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='rating_days', on_delete=OnDelete.CASCADE)),
                ('ratings', fields.IntField()),
                ('very_satisfied', fields.IntField()),
                ('satisfied', fields.IntField()),
                ('dissatisfied', fields.IntField()),
                ('staff_attitude_sum', fields.IntField()),
                ('staff_attitude_count', fields.IntField()),
                ('processing_time_sum', fields.IntField()),
                ('processing_time_count', fields.IntField()),
                ('clarity_sum', fields.IntField()),
                ('clarity_count', fields.IntField()),
                ('facilities_sum', fields.IntField()),
                ('facilities_count', fields.IntField()),
            ],
            options={'table': 'rating_day', 'app': 'models', 'unique_together': (('day', 'centre'),), 'pk_attr': 'id', 'table_description': "Ratings given on one local date about one centre's dossiers, with score sums for the averages."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RollupState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('refreshed_until', fields.DatetimeField(null=True, description='Changes before this moment are rolled up', auto_now=False, auto_now_add=False)),
                ('refreshing_since', fields.DatetimeField(null=True, description='A refresh claimed at this moment is running', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rollup_state', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The single row recording how far the roll-ups are refreshed and who is refreshing them.'},
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
        ops.AddIndex(
            model_name='Dossier',
            index=Index(fields=['finished_at', 'submitted_at', 'handling_centre_id', 'due_at', 'paused_remaining_seconds']),
        ),
        ops.AddIndex(
            model_name='Dossier',
            index=Index(fields=['updated_at']),
        ),
    ]
