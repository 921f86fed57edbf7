"""Recording accesses by staff and delegates: one batched insert per request, whatever the number of dossiers read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.access_log.models import AccessKind, DataAccess


@dataclass(frozen=True)
class Accessed:
    """Whose data was accessed, and through which dossier and document."""

    citizen_id: int
    dossier_id: int | None = None
    document_id: int | None = None


async def record_accesses(
    staff_id: int, centre_id: int | None, kind: AccessKind, accessed: Iterable[Accessed], at: datetime
) -> int:
    """Write one log row per distinct item of `accessed` in a single batched statement; returns the rows written."""
    return await _write(kind, accessed, at, staff_id=staff_id, centre_id=centre_id)


async def record_delegate_accesses(
    delegate_id: int, kind: AccessKind, accessed: Iterable[Accessed], at: datetime
) -> int:
    """`record_accesses` for a delegate acting for the citizens of `accessed`."""
    return await _write(kind, accessed, at, delegate_id=delegate_id)


async def _write(kind: AccessKind, accessed: Iterable[Accessed], at: datetime, **accessor: int | None) -> int:
    rows = [
        DataAccess(
            citizen_id=item.citizen_id,
            dossier_id=item.dossier_id,
            document_id=item.document_id,
            kind=kind,
            at=at,
            **accessor,
        )
        for item in dict.fromkeys(accessed)
    ]
    if rows:
        await DataAccess.bulk_create(rows)
    return len(rows)
