"""Staff accounts: creation (from the CLI) and password sign-in."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError

from app.accounts.models import StaffMember, StaffRole
from app.accounts.passwords import hash_password, verify_password
from app.accounts.sessions import TokenPair, start_session, viewer_of_staff
from app.catalogue.models import Centre
from app.errors import DomainError, ErrorCode
from app.settings import Settings

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(raw: str) -> str:
    """Trimmed, lower-case email; raises INVALID_EMAIL when it does not look like one."""
    email = raw.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise DomainError(ErrorCode.INVALID_EMAIL, "email")
    return email


async def create_staff(
    email: str, password: str, role: StaffRole, centre_code: str | None, full_name: str = ""
) -> StaffMember:
    """Create a staff account; officers and managers belong to a centre, admins serve the whole province."""
    email = normalise_email(email)
    centre = None
    if centre_code:
        centre = await Centre.get_or_none(code=centre_code)
        if centre is None:
            raise DomainError(ErrorCode.CENTRE_NOT_FOUND, "centre")
    elif role is not StaffRole.ADMIN:
        raise DomainError(ErrorCode.CENTRE_REQUIRED, "centre")
    password_hash = hash_password(password)
    try:
        return await StaffMember.create(
            email=email, password_hash=password_hash, role=role, centre=centre, full_name=full_name.strip()
        )
    except IntegrityError:
        raise DomainError(ErrorCode.EMAIL_TAKEN, "email") from None


async def sign_in_staff(settings: Settings, email: str, password: str) -> TokenPair:
    """Tokens for an active staff member whose password matches; the same error for every failure."""
    staff = await StaffMember.get_or_none(email=email.strip().lower(), is_active=True)
    if not verify_password(staff.password_hash if staff else None, password) or staff is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "password")
    return await start_session(settings, viewer_of_staff(staff))
