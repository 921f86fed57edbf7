from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.documents.models import DocumentSource, DocumentStatus, ReviewStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index



async def structure_required_documents(apps, schema_editor):
    """Procedure.required_documents: summary strings become requirement objects (optional, types and size by
    default), as app.catalogue.document_requirements.structured does."""
    from app.catalogue.document_requirements import structured

    procedure = apps.get_model("models", "Procedure")
    for row in await procedure.all().only("id", "required_documents"):
        if any(isinstance(item, str) for item in row.required_documents):
            await procedure.filter(id=row.id).update(required_documents=structured(row.required_documents))


class Migration(migrations.Migration):
    dependencies = [('models', '0011_rate_limits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Document',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('models.Citizen', source_field='owner_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(default='', description='Reusable kind (e.g. citizen_id_card) or requirement key, may be empty', max_length=64)),
                ('file_name', fields.CharField(description='The name the citizen gave, without any path', max_length=255)),
                ('content_type', fields.CharField(description="The type found from the file's magic bytes", max_length=64)),
                ('byte_size', fields.BigIntField(description='Size of the original in bytes')),
                ('sha256', fields.CharField(description='Hex SHA-256 of the original', max_length=64)),
                ('original_key', fields.CharField(description='Storage key of the original bytes', max_length=200)),
                ('reading_key', fields.CharField(null=True, description='Storage key of the re-encoded reading copy of an image', max_length=200)),
                ('preview_key', fields.CharField(null=True, description='Storage key of the small preview image', max_length=200)),
                ('status', fields.CharEnumField(default=DocumentStatus.UPLOADED, description='UPLOADED: uploaded\nQUARANTINED: quarantined\nCLEAN: clean\nREJECTED: rejected', enum_type=DocumentStatus, max_length=12)),
                ('rejection_code', fields.CharField(null=True, description='Error code when the checks refused it', max_length=40)),
                ('rejection_reason', fields.TextField(default='', unique=False)),
                ('source', fields.CharEnumField(default=DocumentSource.UPLOADED, description='UPLOADED: uploaded\nISSUED_RESULT: issued_result', enum_type=DocumentSource, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('checked_at', fields.DatetimeField(null=True, description='When the checks (and the virus scan) finished', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'document', 'app': 'models', 'indexes': [Index(fields=['owner_id', 'created_at']), Index(fields=['status', 'created_at'])], 'pk_attr': 'id', 'table_description': "One file in a citizen's document store, reusable across dossiers once checked and clean."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DossierDocument',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dossier', fields.ForeignKeyField('models.Dossier', source_field='dossier_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('document', fields.ForeignKeyField('models.Document', source_field='document_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.RESTRICT)),
                ('requirement_key', fields.CharField(description="Key of the procedure's requirement it meets", max_length=64)),
                ('supplement_request', fields.ForeignKeyField('models.SupplementRequest', source_field='supplement_request_id', null=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.SET_NULL)),
                ('review_status', fields.CharEnumField(default=ReviewStatus.PENDING, description='PENDING: pending\nACCEPTED: accepted\nREJECTED: rejected', enum_type=ReviewStatus, max_length=10)),
                ('review_reason', fields.TextField(default='', description='Why staff rejected it, shown to the citizen', unique=False)),
                ('reviewed_by', fields.ForeignKeyField('models.StaffMember', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='document_reviews', on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attached_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'dossier_document', 'app': 'models', 'unique_together': [('dossier_id', 'document_id', 'requirement_key')], 'indexes': [Index(fields=['document_id'])], 'pk_attr': 'id', 'table_description': "A stored document attached to a dossier for one requirement, with staff's review of it."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Upload',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.CharField(unique=True, description='Random public id of the upload', max_length=64)),
                ('owner', fields.ForeignKeyField('models.Citizen', source_field='owner_id', db_constraint=True, to_field='id', related_name='uploads', on_delete=OnDelete.CASCADE)),
                ('file_name', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(description='The type the client announced', max_length=64)),
                ('byte_size', fields.BigIntField(description='The size the client announced')),
                ('sha256', fields.CharField(description='The hex SHA-256 the client announced', max_length=64)),
                ('kind', fields.CharField(default='', max_length=64)),
                ('received_bytes', fields.BigIntField(default=0, description='Offset reached so far (tus Upload-Offset)')),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('document', fields.OneToOneField('models.Document', source_field='document_id', null=True, description='Once finished', db_constraint=True, to_field='id', related_name='upload', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'document_upload', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Bytes on their way in, bound to the citizen who announced them, resumable until it expires.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='SupplementRequest',
            name='requirement_keys',
            field=fields.JSONField(default=list, db_default=[], description="Keys of the procedure's document requirements to supply again or anew", encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.RunPython(structure_required_documents, ops.RunPython.noop),
    ]
