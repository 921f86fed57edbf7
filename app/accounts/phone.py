"""Phone numbers normalised to E.164, read as Vietnamese numbers unless they carry a country code."""

import phonenumbers

from app.errors import DomainError, ErrorCode


def normalise_phone(raw: str, field: str = "phone") -> str:
    """'0912 345 678', '+84 912345678' and '84912345678' all become '+84912345678'."""
    text = raw.strip()
    if text.startswith("84") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise DomainError(ErrorCode.INVALID_PHONE, field) from None
    if not phonenumbers.is_valid_number(number):
        raise DomainError(ErrorCode.INVALID_PHONE, field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
