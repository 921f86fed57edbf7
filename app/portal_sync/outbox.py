"""Writing what the portal must hear, inside the transaction of the dossier change: the dossier's record, then the
step of its progress. With sync off (no portal configured) nothing is kept."""

from __future__ import annotations

from datetime import datetime

from app.dossiers.models import Dossier, DossierEvent
from app.portal_sync.models import PortalOutbox
from app.portal_sync.records import PROGRESS, RECORD, dossier_record, progress_step


class PortalOutboxWriter:
    """Called by the dossier service at each creation and status change, in its transaction."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    async def dossier_changed(self, dossier_id: int, event: DossierEvent) -> None:
        """Queue the dossier's record and this step of its progress, in that order."""
        if not self.enabled:
            return
        dossier = await Dossier.get(id=dossier_id).select_related("procedure", "handling_centre", "citizen")
        record = dossier_record(dossier, updating=event.from_status is not None)
        step = await progress_step(dossier, event)
        await enqueue(dossier, f"{dossier.code}:{event.id}:{RECORD}", record, event.created_at)
        await enqueue(dossier, f"{dossier.code}:{event.id}:{PROGRESS}", step, event.created_at)


async def enqueue(dossier: Dossier, key: str, body: dict, now: datetime) -> None:
    """One row to send after every earlier row of the dossier; a key already queued is left as it is."""
    row = PortalOutbox(
        dossier_id=dossier.id,
        service=body["service"],
        idempotency_key=key,
        body=body,
        next_attempt_at=now,
        created_at=now,
    )
    await PortalOutbox.bulk_create([row], ignore_conflicts=True)
