from tortoise import migrations
from app.migration_ops import AlterFieldDescription
from tortoise.migrations import operations as ops
import functools
from app.counter.models import IdentifiedBy
from app.delegation.models import GrantAction, GrantKind, GrantState
from app.profiles.models import AttributeName, AttributeSource, UsePurpose
from json import dumps, loads
from notifications.models import ReminderKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0015_assistant_conversations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CounterFiling',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dossier', fields.OneToOneField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='counter_filing', on_delete=OnDelete.CASCADE)),
                ('officer', fields.ForeignKeyField('models.StaffMember', source_field='officer_id', db_constraint=True, to_field='id', related_name='counter_filings', on_delete=OnDelete.RESTRICT)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='counter_filings', on_delete=OnDelete.RESTRICT)),
                ('identified_by', fields.CharEnumField(description='SMS_CODE: sms_code\nID_CARD: id_card', enum_type=IdentifiedBy, max_length=8)),
                ('id_card_last_digits', fields.CharField(default='', description='Only the last four digits', max_length=4)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'counter_filing', 'app': 'models', 'pk_attr': 'id', 'table_description': "A dossier an officer filed at a centre's counter on a citizen's behalf."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DossierDraft',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen', fields.ForeignKeyField('models.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='dossier_drafts', on_delete=OnDelete.CASCADE)),
                ('procedure', fields.ForeignKeyField('models.Procedure', source_field='procedure_id', db_constraint=True, to_field='id', related_name='drafts', on_delete=OnDelete.CASCADE)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', null=True, db_constraint=True, to_field='id', related_name='drafts', on_delete=OnDelete.SET_NULL)),
                ('answers', fields.JSONField(default=dict, description='Answers so far, keyed by form field', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('document_ids', fields.JSONField(default=list, description='References to stored documents to attach', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('version', fields.IntField(default=1, description='Incremented by every save (optimistic locking)')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, description='Deleted from then on, pushed back by every save', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'dossier_draft', 'app': 'models', 'indexes': [Index(fields=['citizen_id', 'updated_at'])], 'pk_attr': 'id', 'table_description': "A citizen's unfinished application for one procedure."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Grant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('grantor', fields.ForeignKeyField('models.Citizen', source_field='grantor_id', db_constraint=True, to_field='id', related_name='grants_given', on_delete=OnDelete.CASCADE)),
                ('delegate', fields.ForeignKeyField('models.Citizen', source_field='delegate_id', db_constraint=True, to_field='id', related_name='grants_received', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='FAMILY: family\nGUARDIAN: guardian\nCUSTOM: custom', enum_type=GrantKind, max_length=8)),
                ('actions', fields.JSONField(description='GrantAction values covered', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('procedure_codes', fields.JSONField(default=list, description='Procedures covered, empty for all', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=GrantState.REQUESTED, description='REQUESTED: requested\nACTIVE: active\nENDED: ended', enum_type=GrantState, max_length=10)),
                ('recorded_by', fields.ForeignKeyField('models.StaffMember', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='grants_recorded', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delegation_grant', 'app': 'models', 'indexes': [Index(fields=['grantor_id', 'state']), Index(fields=['delegate_id', 'state'])], 'pk_attr': 'id', 'table_description': 'The right of `delegate` to act for `grantor` (the person represented).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DelegatedAction',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('grant', fields.ForeignKeyField('models.Grant', source_field='grant_id', db_constraint=True, to_field='id', related_name='actions_taken', on_delete=OnDelete.CASCADE)),
                ('delegate', fields.ForeignKeyField('models.Citizen', source_field='delegate_id', db_constraint=True, to_field='id', related_name='actions_as_delegate', on_delete=OnDelete.CASCADE)),
                ('represented', fields.ForeignKeyField('models.Citizen', source_field='represented_id', db_constraint=True, to_field='id', related_name='actions_represented', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharEnumField(description='FILE: file\nTRACK: track\nPAY: pay\nBOOK: book\nRATE: rate', enum_type=GrantAction, max_length=8)),
                ('subject', fields.CharField(default='', description='What it was about, e.g. dossier:7', max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delegated_action', 'app': 'models', 'indexes': [Index(fields=['represented_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One action a delegate took for the person represented: who acted, for whom, under which grant.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProfileAttribute',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen', fields.ForeignKeyField('models.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='profile_attributes', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharEnumField(description='FULL_NAME: full_name\nDATE_OF_BIRTH: date_of_birth\nSEX: sex\nCITIZEN_ID: citizen_id\nPERMANENT_ADDRESS: permanent_address\nCURRENT_ADDRESS: current_address\nPLACE_OF_ORIGIN: place_of_origin\nNATIONALITY: nationality', enum_type=AttributeName, max_length=24)),
                ('value', fields.CharField(max_length=500)),
                ('source', fields.CharEnumField(description='ENTERED_BY_CITIZEN: entered_by_citizen\nID_DOCUMENT: id_document\nEARLIER_DOSSIER: earlier_dossier\nVERIFIED_BY_STAFF: verified_by_staff\nACCOUNT: account\nSTORED_DOCUMENT: stored_document', enum_type=AttributeSource, max_length=24)),
                ('verified', fields.BooleanField(default=False, description='Verified values cannot be edited by the citizen')),
                ('verified_by', fields.ForeignKeyField('models.StaffMember', source_field='verified_by_id', null=True, db_constraint=True, to_field='id', related_name='verified_attributes', on_delete=OnDelete.SET_NULL)),
                ('confirmed_at', fields.DatetimeField(description='When the value was last entered, imported or verified', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'profile_attribute', 'app': 'models', 'unique_together': (('citizen', 'name'),), 'pk_attr': 'id', 'table_description': 'One identity attribute of a citizen, with where it came from and whether staff or the ID source vouch for it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProfileUse',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen', fields.ForeignKeyField('models.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='profile_uses', on_delete=OnDelete.CASCADE)),
                ('purpose', fields.CharEnumField(description='FORM_PREFILL: form_prefill\nIDENTITY_IMPORT: identity_import\nSTAFF_VERIFICATION: staff_verification\nCOUNTER_FILING: counter_filing', enum_type=UsePurpose, max_length=24)),
                ('procedure_code', fields.CharField(default='', max_length=32)),
                ('items', fields.JSONField(default=list, description='The attributes or form fields involved', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('staff', fields.ForeignKeyField('models.StaffMember', source_field='staff_id', null=True, db_constraint=True, to_field='id', related_name='profile_uses', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'profile_use', 'app': 'models', 'indexes': [Index(fields=['citizen_id', 'id'])], 'pk_attr': 'id', 'table_description': "One use of a citizen's profile data and its purpose, for the citizen to read."},
            bases=['Model'],
        ),
        AlterFieldDescription(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='DOSSIER_UPDATED: DOSSIER_UPDATED\nAPPOINTMENT_24H: APPOINTMENT_24H\nAPPOINTMENT_1H: APPOINTMENT_1H\nSUPPLEMENT_DUE_2D: SUPPLEMENT_DUE_2D\nSUPPLEMENT_DUE_1D: SUPPLEMENT_DUE_1D\nRESULT_READY: RESULT_READY\nPAYMENT_PENDING: PAYMENT_PENDING\nPAYMENT_RECEIVED: PAYMENT_RECEIVED\nRATING_PROMPT: RATING_PROMPT\nRATING_ANSWERED: RATING_ANSWERED\nSTAFF_DIGEST: STAFF_DIGEST\nDRAFT_EXPIRING: DRAFT_EXPIRING\nDELEGATE_ACTED: DELEGATE_ACTED', enum_type=ReminderKind, max_length=20),
        ),
        AlterFieldDescription(
            model_name='Reminder',
            name='kind',
            field=fields.CharEnumField(description='DOSSIER_UPDATED: DOSSIER_UPDATED\nAPPOINTMENT_24H: APPOINTMENT_24H\nAPPOINTMENT_1H: APPOINTMENT_1H\nSUPPLEMENT_DUE_2D: SUPPLEMENT_DUE_2D\nSUPPLEMENT_DUE_1D: SUPPLEMENT_DUE_1D\nRESULT_READY: RESULT_READY\nPAYMENT_PENDING: PAYMENT_PENDING\nPAYMENT_RECEIVED: PAYMENT_RECEIVED\nRATING_PROMPT: RATING_PROMPT\nRATING_ANSWERED: RATING_ANSWERED\nSTAFF_DIGEST: STAFF_DIGEST\nDRAFT_EXPIRING: DRAFT_EXPIRING\nDELEGATE_ACTED: DELEGATE_ACTED', enum_type=ReminderKind, max_length=20),
        ),
    ]
