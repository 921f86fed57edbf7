"""What the assistant remembers of a conversation between questions, shared by every worker."""

from tortoise import fields
from tortoise.models import Model


class AssistantConversation(Model):
    """The procedures a conversation is about, for follow-up questions, until it expires."""

    id = fields.CharField(max_length=32, primary_key=True, description="Random hex id given to the client")
    citizen_id = fields.IntField(null=True, description="The signed-in citizen who asked, null when anonymous")
    procedure_codes = fields.JSONField(default=list, description="At most MAX_REMEMBERED procedure codes")
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "assistant_conversation"
