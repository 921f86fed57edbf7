"""Recording staff reads of dossiers from the resolvers that serve them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from app.access_log.models import AccessKind
from app.access_log.services import Accessed, record_accesses
from app.api.context import Info
from app.dossiers.models import Dossier

logger = logging.getLogger(__name__)
_writing: set[asyncio.Task] = set()  # strong references until each write ends (one row per live subscription start)


async def log_staff_access(info: Info, kind: AccessKind, dossiers: Iterable[Dossier]) -> None:
    """Record that the signed-in staff member accessed `dossiers` (one batched insert; nothing for citizens)."""
    viewer = info.context.viewer
    if viewer is None or not viewer.is_staff:
        return
    accessed = [Accessed(dossier.citizen_id, dossier.id) for dossier in dossiers]  # type: ignore[attr-defined]
    await record_accesses(viewer.id, viewer.centre_id, kind, accessed, info.context.services.clock())


def log_staff_access_soon(info: Info, kind: AccessKind, dossiers: Iterable[Dossier]) -> None:
    """`log_staff_access` without waiting for the write: for a subscription, whose registration must not wait."""
    task = asyncio.create_task(log_staff_access(info, kind, list(dossiers)))
    _writing.add(task)
    task.add_done_callback(_written)


def _written(task: asyncio.Task) -> None:
    _writing.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("data access not logged", exc_info=task.exception())
