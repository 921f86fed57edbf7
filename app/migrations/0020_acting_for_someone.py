from tortoise import migrations
from app.migration_ops import AlterFieldDescription
from tortoise.migrations import operations as ops
import functools
from app.access_log.models import AccessKind
from app.catalogue.models import DelegationRule
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0019_draft_attachments_document_known_fields')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Appointment',
            name='acted_by',
            field=fields.ForeignKeyField('models.Citizen', source_field='acted_by_id', null=True, description='The delegate who acted for the citizen, NULL when they acted themselves', db_constraint=True, to_field='id', related_name='appointments_for_others', on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterModelOptions(
            name='DataAccess',
            options={'table': 'data_access', 'app': 'models', 'indexes': [Index(fields=['citizen_id', 'at'])], 'pk_attr': 'id', 'table_description': "A staff member, or a delegate, accessed a citizen's dossier or document (the citizen's Data Tracker)."},
        ),
        AlterFieldDescription(
            model_name='DataAccess',
            name='kind',
            field=fields.CharEnumField(description='VIEWED_DOSSIER: viewed_dossier\nLISTED_DOSSIER: listed_dossier\nCHANGED_DOSSIER: changed_dossier\nOPENED_DOCUMENT: opened_document\nISSUED_RESULT: issued_result\nACTED_FOR: acted_for', enum_type=AccessKind, max_length=16),
        ),
        ops.AlterField(
            model_name='DataAccess',
            name='staff',
            field=fields.ForeignKeyField('models.StaffMember', source_field='staff_id', null=True, description="The staff member, NULL for a delegate's access", db_constraint=True, to_field='id', related_name='data_accesses', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='DataAccess',
            name='delegate',
            field=fields.ForeignKeyField('models.Citizen', source_field='delegate_id', null=True, description='The delegate acting for the citizen, NULL for a staff access', db_constraint=True, to_field='id', related_name='data_accesses_as_delegate', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='DossierEvent',
            name='acted_by',
            field=fields.ForeignKeyField('models.Citizen', source_field='acted_by_id', null=True, description="The delegate who made the change for the dossier's owner, NULL otherwise", db_constraint=True, to_field='id', related_name='dossier_events_for_others', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Payment',
            name='acted_by',
            field=fields.ForeignKeyField('models.Citizen', source_field='acted_by_id', null=True, description='The delegate who acted for the citizen, NULL when they acted themselves', db_constraint=True, to_field='id', related_name='payments_for_others', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Procedure',
            name='delegation',
            field=fields.CharEnumField(default=DelegationRule.ALLOWED, db_default=DelegationRule.ALLOWED.value, description='Whether a delegate may do it (catalogue/data/delegation_rules.json)', enum_type=DelegationRule, max_length=24),
        ),
        ops.AddField(
            model_name='Procedure',
            name='delegation_reason',
            field=fields.JSONField(default=dict, db_default={}, description='Why delegation is restricted, as {vi, en}, empty when allowed', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Rating',
            name='acted_by',
            field=fields.ForeignKeyField('models.Citizen', source_field='acted_by_id', null=True, description='The delegate who last rated for the citizen, NULL when they acted themselves', db_constraint=True, to_field='id', related_name='ratings_for_others', on_delete=OnDelete.SET_NULL),
        ),
        # SQLite rebuilds data_access for the nullable staff column and drops its index: put it back (no-op on PostgreSQL)
        ops.RunSQL('CREATE INDEX IF NOT EXISTS "idx_data_access_citizen_0a9369" ON "data_access" ("citizen_id", "at")'),
        # procedures already stored get the rules of app/catalogue/data/delegation_rules.json (imports keep them)
        ops.RunSQL(
            [
                """UPDATE "procedure" SET "delegation" = 'in_person_only', "delegation_reason" = '{"vi":"cả hai bên nam, nữ phải có mặt khi đăng ký kết hôn","en":"both spouses must be present to register a marriage"}' WHERE "code" = '1.000894'""",
                """UPDATE "procedure" SET "delegation" = 'in_person_only', "delegation_reason" = '{"vi":"cả hai bên nam, nữ phải có mặt khi đăng ký kết hôn","en":"both spouses must be present to register a marriage"}' WHERE "code" = '1.004746'""",
                """UPDATE "procedure" SET "delegation" = 'in_person_only', "delegation_reason" = '{"vi":"cả hai bên nam, nữ phải có mặt khi đăng ký kết hôn","en":"both spouses must be present to register a marriage"}' WHERE "code" = '1.000593'""",
                """UPDATE "procedure" SET "delegation" = 'in_person_only', "delegation_reason" = '{"vi":"cả hai bên nam, nữ phải có mặt khi đăng ký kết hôn","en":"both spouses must be present to register a marriage"}' WHERE "code" = '2.000806'""",
                """UPDATE "procedure" SET "delegation" = 'in_person_only', "delegation_reason" = '{"vi":"người yêu cầu chứng thực phải ký trước mặt người thực hiện chứng thực","en":"the signer must sign in front of the certifying officer"}' WHERE "code" = '2.000884'""",
                """UPDATE "procedure" SET "delegation" = 'in_person_only', "delegation_reason" = '{"vi":"người lập di chúc phải ký trước mặt người thực hiện chứng thực","en":"the testator must sign the will in front of the certifying officer"}' WHERE "code" = '2.001019'""",
                """UPDATE "procedure" SET "delegation" = 'notarised_authorisation', "delegation_reason" = '{"vi":"việc ủy quyền phải có văn bản được công chứng, chứng thực, do cán bộ một cửa kiểm tra và ghi nhận","en":"the authorisation must be a notarised or certified paper, checked and recorded by centre staff"}' WHERE "code" = '2.000635'""",
                """UPDATE "procedure" SET "delegation" = 'notarised_authorisation', "delegation_reason" = '{"vi":"việc ủy quyền phải có văn bản được công chứng, chứng thực, do cán bộ một cửa kiểm tra và ghi nhận","en":"the authorisation must be a notarised or certified paper, checked and recorded by centre staff"}' WHERE "code" = '1.004873'""",
            ]
        ),
    ]
