"""A citizen's own profile: name, language and registered residence."""

from __future__ import annotations

from app.accounts.models import Citizen, Locale
from app.catalogue.models import Centre
from app.errors import DomainError, ErrorCode

MAX_NAME_LENGTH = 200


async def update_profile(
    citizen_id: int, full_name: str | None, locale: str | None, residence_centre_id: int | None = None
) -> Citizen:
    """Change the given fields only; validates all of them before saving any."""
    citizen = await Citizen.get(id=citizen_id)
    if residence_centre_id is not None:
        if not await Centre.filter(id=residence_centre_id).exists():
            raise DomainError(ErrorCode.CENTRE_NOT_FOUND, "residence_centre_id")
        citizen.residence_centre_id = residence_centre_id  # type: ignore[attr-defined]
    if full_name is not None:
        name = " ".join(full_name.split())
        if not 1 <= len(name) <= MAX_NAME_LENGTH:
            raise DomainError(ErrorCode.INVALID_NAME, "full_name")
        citizen.full_name = name
    if locale is not None:
        if locale not in {item.value for item in Locale}:
            raise DomainError(ErrorCode.INVALID_LOCALE, "locale")
        citizen.locale = Locale(locale)
    await citizen.save()
    return citizen
