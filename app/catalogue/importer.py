"""Importing the national procedure catalogue: upsert by national code, withdraw what the portal stopped publishing.

A re-import writes only the procedures whose values changed; a procedure is never deleted (dossiers, appointments
and payments point at it): when the portal withdraws it, or a full import no longer lists it, it is marked withdrawn
and hidden from search, and listed again if it comes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tortoise.transactions import in_transaction

from app.catalogue.models import Procedure
from app.catalogue.portal_format import PortalProcedure, RecordRejected, procedure_values

COMPARED = (
    "name_vi",
    "name_en",
    "sector",
    "sector_code",
    "agency",
    "level",
    "fees",
    "fee_vnd",
    "processing_days",
    "borderless",
    "required_documents",
    "forms",
    "form_fields",
    "search_text",
    "delegation",
    "delegation_reason",
)


@dataclass(frozen=True)
class Rejection:
    """A record left out: where it is in the file (line, or position in a JSON list) and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did, by national code."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    withdrawn: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, changed {len(self.changed)}, unchanged {self.unchanged}, "
            f"withdrawn {len(self.withdrawn)}, rejected {len(self.rejected)}"
        )


def read_portal_file(path: Path) -> Iterator[tuple[int, object]]:
    """(line, record) pairs: JSON Lines (`.jsonl`, one record a line) or a JSON document (the `LayThuTuc` answer
    `{"result": [...]}` or a bare list, numbered by position). A line that is not JSON yields a RecordRejected."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() != ".jsonl":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            yield error.lineno, RecordRejected(f"not JSON: {error.msg}")
            return
        records = document.get("result") if isinstance(document, dict) else document
        if not isinstance(records, list):
            yield 1, RecordRejected('expected a list of records or {"result": [...]}')
            return
        yield from enumerate(records, start=1)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            yield number, RecordRejected(f"not JSON: {error.msg}")


def _read(records: Iterable[tuple[int, object]], report: ImportReport) -> dict[str, PortalProcedure]:
    found: dict[str, PortalProcedure] = {}
    first_line: dict[str, int] = {}
    for line, record in records:
        try:
            if isinstance(record, RecordRejected):
                raise record
            procedure = procedure_values(record)
            if procedure.code in found:
                raise RecordRejected(f"MATTHC {procedure.code} already on line {first_line[procedure.code]}")
        except RecordRejected as error:
            report.rejected.append(Rejection(line, str(error)))
            continue
        found[procedure.code] = procedure
        first_line[procedure.code] = line
    return found


async def import_procedures(
    records: Iterable[tuple[int, object]], now: datetime, *, complete: bool = True
) -> ImportReport:
    """Upsert the valid records by national code in one transaction; with `complete` (the whole catalogue), the
    procedures it does not list are withdrawn too. Rejected records change nothing and are reported."""
    report = ImportReport()
    incoming = _read(records, report)
    existing = {row["code"]: row for row in await Procedure.all().values("id", "code", "withdrawn_at", *COMPARED)}
    new: list[Procedure] = []
    updates: list[tuple[int, dict]] = []
    for code, procedure in incoming.items():
        withdrawn_at = None if procedure.published else now
        row = existing.get(code)
        if row is None:
            new.append(Procedure(code=code, withdrawn_at=withdrawn_at, **procedure.values))
            report.added.append(code)
            continue
        changes = {name: value for name, value in procedure.values.items() if row[name] != value}
        if (row["withdrawn_at"] is None) != procedure.published:
            changes["withdrawn_at"] = withdrawn_at
            if withdrawn_at is not None:
                report.withdrawn.append(code)
        if changes:
            updates.append((row["id"], {**changes, "updated_at": now}))
            if set(changes) - {"withdrawn_at"}:
                report.changed.append(code)
        else:
            report.unchanged += 1
    missing = [code for code, row in existing.items() if code not in incoming and row["withdrawn_at"] is None]
    async with in_transaction():
        await Procedure.bulk_create(new, batch_size=500)
        for row_id, changes in updates:
            await Procedure.filter(id=row_id).update(**changes)
        if complete and missing:
            await Procedure.filter(code__in=missing).update(withdrawn_at=now, updated_at=now)
            report.withdrawn.extend(missing)
    return report
