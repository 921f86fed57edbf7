"""Recording staff reads of dossiers from the resolvers that serve them."""

from __future__ import annotations

from collections.abc import Iterable

from app.access_log.models import AccessKind
from app.access_log.services import Accessed, record_accesses
from app.api.context import Info
from app.dossiers.models import Dossier


async def log_staff_access(info: Info, kind: AccessKind, dossiers: Iterable[Dossier]) -> None:
    """Record that the signed-in staff member accessed `dossiers` (one batched insert; nothing for citizens)."""
    viewer = info.context.viewer
    if viewer is None or not viewer.is_staff:
        return
    accessed = [Accessed(dossier.citizen_id, dossier.id) for dossier in dossiers]  # type: ignore[attr-defined]
    await record_accesses(viewer.id, viewer.centre_id, kind, accessed, info.context.services.clock())
