"""A citizen's identity profile: the citizen enters values, the identity source imports them, staff verify them;
every use by someone other than the citizen typing is written to the log the citizen reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from tortoise.transactions import in_transaction

from app.accounts.models import Citizen
from app.errors import DomainError, ErrorCode
from app.profiles.attributes import check_consistency, clean_value, field_name
from app.profiles.identity_sources import IdentityProvider
from app.profiles.models import AttributeName, AttributeSource, ProfileAttribute, ProfileUse, UsePurpose
from app.working_days import LOCAL_TZ

MAX_CHANGES = len(AttributeName)


async def profile_of(citizen_id: int) -> list[ProfileAttribute]:
    """The citizen's attributes, in the order of `AttributeName`."""
    order = list(AttributeName)
    rows = await ProfileAttribute.filter(citizen_id=citizen_id)
    return sorted(rows, key=lambda row: order.index(row.name))


async def record_use(
    citizen_id: int,
    purpose: UsePurpose,
    now: datetime,
    items: Iterable[str] = (),
    procedure_code: str = "",
    staff_id: int | None = None,
) -> None:
    await ProfileUse.create(
        citizen_id=citizen_id,
        purpose=purpose,
        procedure_code=procedure_code,
        items=sorted(set(items)),
        staff_id=staff_id,
        created_at=now,
    )


def _cleaned(changes: dict[AttributeName, str], now: datetime) -> dict[AttributeName, str]:
    if not 1 <= len(changes) <= MAX_CHANGES:
        raise DomainError(ErrorCode.INVALID_PROFILE_VALUE, "attributes")
    today = now.astimezone(LOCAL_TZ).date()
    return {name: clean_value(name, value, today) for name, value in changes.items()}


async def _write(
    citizen_id: int,
    values: dict[AttributeName, str],
    source: AttributeSource,
    now: datetime,
    verified: bool,
    staff_id: int | None = None,
) -> None:
    """Check the values against the ones kept, then store them (inside the caller's transaction)."""
    kept = {row.name: row.value for row in await ProfileAttribute.filter(citizen_id=citizen_id)}
    check_consistency(kept | values)
    for name, value in values.items():
        changes = {
            "value": value,
            "source": source,
            "verified": verified,
            "verified_by_id": staff_id,
            "confirmed_at": now,
        }
        if not await ProfileAttribute.filter(citizen_id=citizen_id, name=name).update(**changes):
            await ProfileAttribute.create(citizen_id=citizen_id, name=name, **changes)


async def update_own(citizen_id: int, changes: dict[AttributeName, str], now: datetime) -> list[ProfileAttribute]:
    """The citizen enters or confirms values; a verified value is locked (PROFILE_VALUE_VERIFIED), even when
    unchanged. Nothing is saved unless every value passes."""
    values = _cleaned(changes, now)
    async with in_transaction():
        locked = await ProfileAttribute.filter(citizen_id=citizen_id, name__in=list(values), verified=True).first()
        if locked is not None:
            raise DomainError(ErrorCode.PROFILE_VALUE_VERIFIED, field_name(locked.name))
        await _write(citizen_id, values, AttributeSource.ENTERED_BY_CITIZEN, now, verified=False)
    return await profile_of(citizen_id)


async def verify(
    staff_id: int, citizen_id: int, changes: dict[AttributeName, str], now: datetime
) -> list[ProfileAttribute]:
    """Staff checked the values against the citizen's papers: stored as verified by them, and logged."""
    values = _cleaned(changes, now)
    async with in_transaction():
        await _write(citizen_id, values, AttributeSource.VERIFIED_BY_STAFF, now, verified=True, staff_id=staff_id)
        await record_use(citizen_id, UsePurpose.STAFF_VERIFICATION, now, (n.value for n in values), staff_id=staff_id)
    return await profile_of(citizen_id)


async def import_identity(provider: IdentityProvider | None, citizen_id: int, now: datetime) -> list[ProfileAttribute]:
    """Take the identity source's record for the citizen's phone: stored as from the ID document, verified."""
    if provider is None:
        raise DomainError(ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE, None)
    citizen = await Citizen.get(id=citizen_id)
    record = await provider.attributes_for(citizen.phone)
    if not record:
        raise DomainError(ErrorCode.IDENTITY_NOT_FOUND, None)
    values = _cleaned(record, now)
    async with in_transaction():
        await _write(citizen_id, values, AttributeSource.ID_DOCUMENT, now, verified=True)
        await record_use(citizen_id, UsePurpose.IDENTITY_IMPORT, now, (n.value for n in values))
    return await profile_of(citizen_id)
