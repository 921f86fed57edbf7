"""Suggested answers for a procedure's form, each with its source, for the citizen to confirm or change.

Suggestions come from sources (`PrefillSource`): the profile, the known fields of the citizen's stored documents
(STORED_DOCUMENT values), the citizen's earlier dossiers, and any source the composition root adds.
For each field the best suggestion wins: verified values first, then stored documents, then what the citizen
entered or signed in with, then earlier dossiers; the most recently confirmed among equals. Nothing reaches staff:
the answers leave the phone only when the citizen submits. Every prefill that suggests anything is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.accounts.models import Citizen
from app.catalogue.forms import FormField
from app.catalogue.models import Procedure
from app.documents.known_fields import ONE_DOSSIER_ONLY
from app.documents.models import Document, DocumentSource, DocumentStatus
from app.dossiers.models import Dossier
from app.errors import DomainError, ErrorCode
from app.profiles.models import AttributeName, AttributeSource, ProfileAttribute, UsePurpose
from app.profiles.services import record_use

# The form fields a profile attribute answers (keys of app.catalogue.forms), and the one the account's phone does.
ATTRIBUTE_OF_FIELD = {
    "applicantName": AttributeName.FULL_NAME,
    "citizenId": AttributeName.CITIZEN_ID,
    "address": AttributeName.PERMANENT_ADDRESS,
}
PHONE_FIELD = "contactPhone"
NOT_CARRIED_OVER = ONE_DOSSIER_ONLY
EARLIER_DOSSIERS_READ = 20
STORED_DOCUMENTS_READ = 20
_RANK = {
    AttributeSource.VERIFIED_BY_STAFF: 0,
    AttributeSource.ID_DOCUMENT: 0,
    AttributeSource.STORED_DOCUMENT: 1,
    AttributeSource.ENTERED_BY_CITIZEN: 2,
    AttributeSource.ACCOUNT: 2,
    AttributeSource.EARLIER_DOSSIER: 3,
}


@dataclass(frozen=True)
class Suggestion:
    """A value for one form field and where it comes from."""

    value: str
    source: AttributeSource
    verified: bool
    confirmed_at: datetime | None

    def rank(self) -> tuple:
        moment = self.confirmed_at.timestamp() if self.confirmed_at else 0.0
        return (not self.verified, _RANK[self.source], -moment)


class PrefillSource(Protocol):
    """Gives, for some of `fields`, a suggested value (keyed by field key)."""

    async def suggest(self, citizen_id: int, fields: Sequence[FormField]) -> dict[str, Suggestion]: ...


class ProfileSource:
    """The profile's attributes, and the phone the citizen signs in with."""

    async def suggest(self, citizen_id: int, fields: Sequence[FormField]) -> dict[str, Suggestion]:
        attributes = {row.name: row for row in await ProfileAttribute.filter(citizen_id=citizen_id)}
        suggestions = {}
        for field in fields:
            row = attributes.get(ATTRIBUTE_OF_FIELD.get(field.key))  # type: ignore[arg-type]
            if row is not None:
                suggestions[field.key] = Suggestion(row.value, row.source, row.verified, row.confirmed_at)
        if any(field.key == PHONE_FIELD for field in fields):
            citizen = await Citizen.get(id=citizen_id)
            suggestions[PHONE_FIELD] = Suggestion(citizen.phone, AttributeSource.ACCOUNT, False, citizen.created_at)
        return suggestions


def _newest_answers(
    rows: list[dict], answers: str, at: str, fields: Sequence[FormField], source: AttributeSource
) -> dict[str, Suggestion]:
    """For each field (free text about one dossier left out), the first non-blank answer among `rows`, newest
    first: `row[answers]` holds answers by field key, `row[at]` when they were given."""
    wanted = {field.key for field in fields} - NOT_CARRIED_OVER
    suggestions: dict[str, Suggestion] = {}
    for row in rows:
        for key, value in (row[answers] or {}).items():
            if key in wanted and key not in suggestions and isinstance(value, str) and value:
                suggestions[key] = Suggestion(value, source, False, row[at])
    return suggestions


class EarlierDossiersSource:
    """The latest answer to the same field in the citizen's recent dossiers."""

    async def suggest(self, citizen_id: int, fields: Sequence[FormField]) -> dict[str, Suggestion]:
        dossiers = (
            await Dossier.filter(citizen_id=citizen_id)
            .order_by("-submitted_at", "-id")
            .limit(EARLIER_DOSSIERS_READ)
            .values("form_data", "submitted_at")
        )
        return _newest_answers(dossiers, "form_data", "submitted_at", fields, AttributeSource.EARLIER_DOSSIER)


class StoredDocumentsSource:
    """The known fields of the citizen's recent clean issued results (app.documents.known_fields), the newest
    document first; never verified (staff vouched for them once, for that dossier)."""

    async def suggest(self, citizen_id: int, fields: Sequence[FormField]) -> dict[str, Suggestion]:
        documents = (
            await Document.filter(owner_id=citizen_id, source=DocumentSource.ISSUED_RESULT, status=DocumentStatus.CLEAN)
            .order_by("-created_at", "-id")
            .limit(STORED_DOCUMENTS_READ)
            .values("known_fields", "created_at")
        )
        return _newest_answers(documents, "known_fields", "created_at", fields, AttributeSource.STORED_DOCUMENT)


@dataclass(frozen=True)
class PrefilledForm:
    """A procedure's form with the best suggestion (or None) for each field, in the form's order."""

    procedure: Procedure
    fields: list[tuple[FormField, Suggestion | None]]


class FormPrefill:
    """Suggests answers from its sources and logs each use."""

    def __init__(self, sources: Sequence[PrefillSource]) -> None:
        self._sources = tuple(sources)

    async def prefill(self, citizen_id: int, procedure_code: str, now: datetime) -> PrefilledForm:
        procedure = await Procedure.get_or_none(code=procedure_code.strip())
        if procedure is None:
            raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_code")
        fields = [FormField.from_json(value) for value in procedure.form_fields]
        best: dict[str, Suggestion] = {}
        for source in self._sources:
            for key, suggestion in (await source.suggest(citizen_id, fields)).items():
                if key not in best or suggestion.rank() < best[key].rank():
                    best[key] = suggestion
        if best:
            await record_use(citizen_id, UsePurpose.FORM_PREFILL, now, best, procedure_code=procedure.code)
        return PrefilledForm(procedure, [(field, best.get(field.key)) for field in fields])


def default_prefill() -> FormPrefill:
    """The sources this repository has; the composition root may add more."""
    return FormPrefill((ProfileSource(), StoredDocumentsSource(), EarlierDossiersSource()))
