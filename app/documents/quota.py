"""How much of a citizen's storage quota their documents use."""

from __future__ import annotations

from tortoise.functions import Sum

from app.accounts.models import Citizen
from app.documents.models import Document, DocumentStatus


async def usage(citizen_id: int) -> int:
    """Bytes of the citizen's documents that count against the quota (all but refused ones)."""
    rows = (
        await Document.filter(owner_id=citizen_id)
        .exclude(status=DocumentStatus.REJECTED)
        .annotate(total=Sum("byte_size"))
        .values_list("total", flat=True)
    )
    return int(rows[0] or 0) if rows else 0


async def locked_usage(citizen_id: int) -> int:
    """`usage`, after locking the citizen's row so that concurrent additions queue (call in a transaction)."""
    await Citizen.filter(id=citizen_id).select_for_update().values_list("id", flat=True)
    return await usage(citizen_id)
