"""A citizen's own profile: name and language."""

from __future__ import annotations

from app.accounts.models import Citizen, Locale
from app.errors import DomainError, ErrorCode

MAX_NAME_LENGTH = 200


async def update_profile(citizen_id: int, full_name: str | None, locale: str | None) -> Citizen:
    """Change the given fields only; validates all of them before saving any."""
    citizen = await Citizen.get(id=citizen_id)
    if full_name is not None:
        name = " ".join(full_name.split())
        if not 1 <= len(name) <= MAX_NAME_LENGTH:
            raise DomainError(ErrorCode.INVALID_NAME, "fullName")
        citizen.full_name = name
    if locale is not None:
        if locale not in {item.value for item in Locale}:
            raise DomainError(ErrorCode.INVALID_LOCALE, "locale")
        citizen.locale = Locale(locale)
    await citizen.save()
    return citizen
