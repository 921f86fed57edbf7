"""Shared facts of profile tests."""

from app.accounts.models import Citizen
from app.profiles.models import AttributeName, AttributeSource, ProfileAttribute


async def verified_citizen_id(citizen: Citizen, number: str = "022190001234") -> ProfileAttribute:
    """The citizen's identification number, as staff verified it."""
    return await ProfileAttribute.create(
        citizen=citizen,
        name=AttributeName.CITIZEN_ID,
        value=number,
        source=AttributeSource.VERIFIED_BY_STAFF,
        verified=True,
        confirmed_at=citizen.created_at,
    )
