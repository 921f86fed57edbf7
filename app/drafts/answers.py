"""What a draft may hold as answers: partial answers to the procedure's form."""

from __future__ import annotations

from app.catalogue.forms import MAX_TEXT, FormField
from app.errors import DomainError, ErrorCode


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
