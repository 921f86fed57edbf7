"""The process's retrieval index, rebuilt when the catalogue changes, wherever the change was made.

Each process keeps one index in memory (a few MB for thousands of procedures). At most every CHECK_SECONDS it
reads a cheap fingerprint of the catalogue (count, highest id, latest creation or update time) and rebuilds when it
differs, so an import by any process or worker reaches every worker. `invalidate_catalogue_indexes()` makes every
index of this process check at its next use (the importer calls it after a re-import).
"""

from __future__ import annotations

import asyncio
import itertools

from tortoise import connections

from app.assistant.index import CatalogueEntry, ProcedureIndex
from app.assistant.requirements import requirement_names
from app.catalogue.models import Procedure
from app.catalogue.search import published_procedures
from app.clock import Clock

CHECK_SECONDS = 5.0
_generation = itertools.count(1)
_current_generation = 0


def invalidate_catalogue_indexes() -> None:
    """Make every index of this process re-read the catalogue's fingerprint at its next question."""
    global _current_generation
    _current_generation = next(_generation)


def searchable_procedures():
    """The procedures the assistant may name: those the national catalogue still publishes."""
    return published_procedures()


async def catalogue_fingerprint() -> tuple:
    """Changes whenever procedures are added, removed or changed by an import."""
    rows = await connections.get("default").execute_query_dict(
        'SELECT COUNT(*) AS "n", MAX("id") AS "top", MAX("created_at"), MAX("updated_at") FROM "procedure"'
    )
    return tuple(str(value) for value in rows[0].values())


def _entry(procedure: Procedure) -> CatalogueEntry:
    return CatalogueEntry(
        id=procedure.id,
        code=procedure.code,
        name_vi=procedure.name_vi,
        name_en=procedure.name_en,
        sector=procedure.sector,
        documents=tuple(requirement_names(procedure, "vi")),
        form_questions=tuple(str(field.get("label_vi", "")) for field in procedure.form_fields or []),
    )


class CatalogueIndex:
    """The current ProcedureIndex of this process."""

    def __init__(self, clock: Clock, check_seconds: float = CHECK_SECONDS) -> None:
        self._clock = clock
        self._check_seconds = check_seconds
        self._index: ProcedureIndex | None = None
        self._fingerprint: tuple | None = None
        self._checked_at = float("-inf")
        self._generation = _current_generation
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """Re-read the fingerprint at the next question."""
        self._checked_at = float("-inf")

    async def current(self) -> ProcedureIndex:
        """The index of the catalogue as of at most `check_seconds` ago."""
        if self._generation != _current_generation:
            self._generation = _current_generation
            self.invalidate()
        now = self._clock().timestamp()
        if self._index is not None and 0 <= now - self._checked_at < self._check_seconds:
            return self._index
        async with self._lock:
            if self._index is None or not 0 <= now - self._checked_at < self._check_seconds:
                fingerprint = await catalogue_fingerprint()
                if self._index is None or fingerprint != self._fingerprint:
                    entries = [_entry(procedure) for procedure in await searchable_procedures()]
                    self._index = await asyncio.to_thread(ProcedureIndex, entries)
                    self._fingerprint = fingerprint
                self._checked_at = now
        return self._index
