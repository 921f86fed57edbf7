"""Checking and cleaning the value of one identity attribute."""

from __future__ import annotations

from datetime import date

from app.errors import DomainError, ErrorCode
from app.profiles.citizen_id import agrees_with, is_valid_citizen_id
from app.profiles.models import AttributeName

MAX_VALUE = 500
EARLIEST_BIRTH = date(1900, 1, 1)
SEXES = ("male", "female")


def field_name(name: AttributeName) -> str:
    """The attribute as inputs name it: `attributes.citizenId`."""
    head, *rest = name.value.split("_")
    return "attributes." + head + "".join(part.title() for part in rest)


def clean_value(name: AttributeName, raw: str, today: date) -> str:
    """The value as stored; INVALID_PROFILE_VALUE (or INVALID_CITIZEN_ID) naming the attribute otherwise."""
    text = " ".join(raw.split())
    field = field_name(name)
    if not text or len(text) > MAX_VALUE:
        raise DomainError(ErrorCode.INVALID_PROFILE_VALUE, field)
    if name is AttributeName.CITIZEN_ID:
        if not is_valid_citizen_id(text):
            raise DomainError(ErrorCode.INVALID_CITIZEN_ID, field)
    elif name is AttributeName.DATE_OF_BIRTH:
        try:
            born = date.fromisoformat(text)
        except ValueError:
            raise DomainError(ErrorCode.INVALID_PROFILE_VALUE, field) from None
        if not EARLIEST_BIRTH <= born <= today:
            raise DomainError(ErrorCode.INVALID_PROFILE_VALUE, field)
        return born.isoformat()
    elif name is AttributeName.SEX:
        text = text.lower()
        if text not in SEXES:
            raise DomainError(ErrorCode.INVALID_PROFILE_VALUE, field)
    return text


def check_consistency(values: dict[AttributeName, str]) -> None:
    """INVALID_CITIZEN_ID when the number contradicts the birth year or sex held with it."""
    number = values.get(AttributeName.CITIZEN_ID)
    if number is None:
        return
    birth = values.get(AttributeName.DATE_OF_BIRTH)
    if not agrees_with(number, date.fromisoformat(birth) if birth else None, values.get(AttributeName.SEX)):
        raise DomainError(ErrorCode.INVALID_CITIZEN_ID, field_name(AttributeName.CITIZEN_ID))
