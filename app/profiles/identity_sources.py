"""External identity sources (the national ID app, VNeID): the interface a real integration implements, and the
documented fake used in development and tests.

No real integration exists in this repository. `IDENTITY_PROVIDER` chooses: empty for none (importing answers
IDENTITY_PROVIDER_UNAVAILABLE) or `fake`, which production refuses to start with (`Settings.validate`).
"""

from __future__ import annotations

from typing import Protocol

from app.profiles.models import AttributeName

FAKE = "fake"


class IdentityProvider(Protocol):
    """Gives the identity attributes the national ID source holds for the holder of a phone number."""

    async def attributes_for(self, phone: str) -> dict[AttributeName, str] | None:
        """The attributes on record, None when the source knows no one with this phone."""
        ...


class FakeIdentityProvider:
    """Development and tests only: a fixed record per phone number, e.g. +84912345678 is Nguyễn Thị Hoa, born in
    1990 in Quảng Ninh (her number 022190001234 encodes province 022, a woman of the 1900s, born in 90)."""

    RECORDS: dict[str, dict[AttributeName, str]] = {
        "+84912345678": {
            AttributeName.FULL_NAME: "Nguyễn Thị Hoa",
            AttributeName.DATE_OF_BIRTH: "1990-04-12",
            AttributeName.SEX: "female",
            AttributeName.CITIZEN_ID: "022190001234",
            AttributeName.PERMANENT_ADDRESS: "Tổ 3, khu 5, phường Hạ Long, tỉnh Quảng Ninh",
            AttributeName.PLACE_OF_ORIGIN: "Xã Quảng Yên, tỉnh Quảng Ninh",
            AttributeName.NATIONALITY: "Việt Nam",
        },
    }

    async def attributes_for(self, phone: str) -> dict[AttributeName, str] | None:
        record = self.RECORDS.get(phone)
        return dict(record) if record is not None else None


def build_identity_provider(name: str) -> IdentityProvider | None:
    """The provider `IDENTITY_PROVIDER` names; None when none is configured."""
    return FakeIdentityProvider() if name == FAKE else None
