"""The database's rate limit counters, used when no Redis is configured."""

from tortoise import fields
from tortoise.models import Model


class RateLimitCounter(Model):
    """Requests counted for one limit key in its current fixed window, which ends at `expires_at`."""

    key = fields.CharField(max_length=200, primary_key=True)
    hits = fields.IntField()
    expires_at = fields.FloatField(db_index=True, description="End of the window, in seconds since the epoch")

    class Meta:
        table = "rate_limit_counter"
