"""Staff accounts: creation (from the CLI) and password sign-in."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError

from app.accounts.models import StaffMember, StaffRole
from app.accounts.passwords import hash_password, verify_password
from app.accounts.sessions import TokenPair, start_session, viewer_of_staff
from app.catalogue.models import Centre
from app.clock import Clock, system_clock
from app.errors import DomainError, ErrorCode
from app.rate_limits.limiter import Limit, RateLimiter
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


class StaffSignIn:
    """Password sign-in for staff, with failures limited per account and IP, per account, and per IP.

    Each attempt takes its place in all three limits before any password is hashed, so a locked attempt costs no
    Argon2 work and a burst cannot get more tries than allowed; a success gives the places back and clears the
    failures of its account and IP.
    """

    def __init__(self, settings: Settings, limiter: RateLimiter, clock: Clock = system_clock) -> None:
        self._settings = settings
        self._clock = clock
        self._limiter = limiter
        self._per_account_and_ip = Limit.parse(
            "staff-sign-in:account-ip", settings.staff_sign_in_failures_per_account_and_ip
        )
        self._per_account = Limit.parse("staff-sign-in:account", settings.staff_sign_in_failures_per_account)
        self._per_ip = Limit.parse("staff-sign-in:ip", settings.staff_sign_in_failures_per_ip)

    async def sign_in(self, email: str, password: str, client_ip: str) -> TokenPair:
        """Tokens for an active staff member whose password matches; the same error for every wrong pair."""
        email = email.strip().lower()
        pair = (self._per_account_and_ip, f"{email} {client_ip}")
        others = ((self._per_account, email), (self._per_ip, client_ip))
        refusal = await self._limiter.acquire(pair, *others)
        if refusal is not None:
            raise DomainError(ErrorCode.TOO_MANY_SIGN_IN_ATTEMPTS, "password", retry_after=refusal.retry_after)
        staff = await StaffMember.get_or_none(email=email, is_active=True)
        if not verify_password(staff.password_hash if staff else None, password) or staff is None:
            raise DomainError(ErrorCode.INVALID_CREDENTIALS, "password")
        await self._limiter.reset(*pair)
        await self._limiter.release(*others)
        return await start_session(self._settings, viewer_of_staff(staff), self._clock())
