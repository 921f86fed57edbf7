"""The form fields a procedure asks for, and validating a citizen's answers against them."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

from app.accounts.phone import normalise_phone
from app.errors import DomainError, ErrorCode

MAX_TEXT = 500
_CITIZEN_ID = re.compile(r"^\d{12}$")


class FieldKind(StrEnum):
    """How an answer is checked."""

    TEXT = "text"
    CITIZEN_ID = "citizen_id"
    PHONE = "phone"
    DATE = "date"


@dataclass(frozen=True)
class FormField:
    """One question of a procedure's form."""

    key: str
    label_vi: str
    label_en: str
    kind: FieldKind
    required: bool = True

    def as_json(self) -> dict:
        return {**asdict(self), "kind": self.kind.value}

    @classmethod
    def from_json(cls, value: dict) -> FormField:
        return cls(**{**value, "kind": FieldKind(value["kind"])})


APPLICANT_FIELDS = [
    FormField("applicantName", "Họ và tên người nộp", "Applicant's full name", FieldKind.TEXT),
    FormField("citizenId", "Số định danh cá nhân (CCCD)", "Personal identification number", FieldKind.CITIZEN_ID),
    FormField("contactPhone", "Số điện thoại liên hệ", "Contact phone", FieldKind.PHONE),
    FormField("address", "Địa chỉ thường trú", "Permanent address", FieldKind.TEXT),
    FormField("note", "Ghi chú", "Note", FieldKind.TEXT, required=False),
]
BIRTH_FIELDS = [
    FormField("childName", "Họ và tên trẻ", "Child's full name", FieldKind.TEXT),
    FormField("childBirthDate", "Ngày sinh của trẻ", "Child's date of birth", FieldKind.DATE),
]


def _clean(field: FormField, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise DomainError(ErrorCode.INVALID_FORM_FIELD, f"form_fields.{field.key}")
    text = value.strip()
    try:
        if field.kind is FieldKind.CITIZEN_ID and not _CITIZEN_ID.match(text):
            raise ValueError(text)
        if field.kind is FieldKind.PHONE:
            return normalise_phone(text)
        if field.kind is FieldKind.DATE:
            return date.fromisoformat(text).isoformat()
    except (ValueError, DomainError):
        raise DomainError(ErrorCode.INVALID_FORM_FIELD, f"form_fields.{field.key}") from None
    return text


def validate_form(fields: list[FormField], answers: object) -> dict[str, str]:
    """The cleaned answers; a missing, malformed or unknown field raises INVALID_FORM_FIELD naming it."""
    if not isinstance(answers, dict):
        raise DomainError(ErrorCode.INVALID_FORM_FIELD, "form_fields")
    known = {field.key for field in fields}
    for key in answers:
        if key not in known:
            raise DomainError(ErrorCode.INVALID_FORM_FIELD, f"form_fields.{key}")
    cleaned = {}
    for field in fields:
        value = answers.get(field.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if field.required:
                raise DomainError(ErrorCode.INVALID_FORM_FIELD, f"form_fields.{field.key}")
            continue
        cleaned[field.key] = _clean(field, value)
    return cleaned
