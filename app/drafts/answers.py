"""What a draft may hold: partial answers to the procedure's form and references to stored documents."""

from __future__ import annotations

from app.catalogue.forms import MAX_TEXT, FormField
from app.errors import DomainError, ErrorCode

MAX_DOCUMENTS = 20
MAX_DOCUMENT_REFERENCE = 100


def checked_answers(fields: list[FormField], answers: object) -> dict[str, str]:
    """Answers so far: known keys, string values of at most 500 characters (blank or missing allowed: the form is
    checked in full on submission); INVALID_FORM_FIELD naming the answer otherwise."""
    if not isinstance(answers, dict):
        raise DomainError(ErrorCode.INVALID_FORM_FIELD, "form_fields")
    known = {field.key for field in fields}
    kept = {}
    for key, value in answers.items():
        if key not in known or not (value is None or isinstance(value, str)) or len(value or "") > MAX_TEXT:
            raise DomainError(ErrorCode.INVALID_FORM_FIELD, f"form_fields.{key}")
        if value and value.strip():
            kept[key] = value
    return kept


def checked_document_references(references: list[str]) -> list[str]:
    """At most 20 distinct, non-blank references (the document store's IDs), kept as given."""
    cleaned = [reference.strip() for reference in references]
    if (
        len(cleaned) > MAX_DOCUMENTS
        or len(set(cleaned)) != len(cleaned)
        or any(not reference or len(reference) > MAX_DOCUMENT_REFERENCE for reference in cleaned)
    ):
        raise DomainError(ErrorCode.INVALID_DOCUMENT_REFERENCES, "document_ids", max_documents=MAX_DOCUMENTS)
    return cleaned
