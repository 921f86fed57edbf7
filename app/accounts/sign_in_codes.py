"""Citizen sign-in by one-time code: issuing codes by SMS and checking them, with expiry, attempt and rate limits."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import RateLimitItemPerHour, RateLimitItemPerSecond
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.models import Citizen, SignInCode
from app.accounts.phone import normalise_phone
from app.accounts.sessions import TokenPair, start_session
from app.clock import Clock, system_clock
from app.errors import DomainError, ErrorCode
from app.rate_limits.limiter import Limit, RateLimiter, Use
from app.settings import Settings
from app.sms import SmsDeliveryError, SmsSender

CODE_DIGITS = 6
MAX_INSTALLATION_ID = 512
SIGN_IN_TEXT = "Ma xac thuc Dich vu cong Quang Ninh: {code}. Het han sau {minutes} phut. Khong chia se ma nay."


@dataclass(frozen=True)
class CodeSent:
    """A code is on its way to `phone`."""

    phone: str
    expires_at: datetime
    resend_after: datetime


class SignInCodes:
    """Issues and checks one-time sign-in codes for citizens."""

    def __init__(self, settings: Settings, sms: SmsSender, limiter: RateLimiter, clock: Clock = system_clock) -> None:
        self._settings = settings
        self._clock = clock
        self._sms = sms
        self._limiter = limiter
        self._per_ip = Limit.parse("sign-in-code:ip", settings.sign_in_codes_per_ip)
        self._per_device = Limit.parse("sign-in-code:device", settings.sign_in_codes_per_device)
        self._per_phone = Limit(
            "sign-in-code:phone",
            (
                RateLimitItemPerSecond(1, settings.sign_in_code_resend_seconds),
                RateLimitItemPerHour(settings.sign_in_codes_per_hour),
            ),
        )

    async def send(
        self, raw_phone: str, client_ip: str, installation_id: str | None = None, text: str = SIGN_IN_TEXT
    ) -> CodeSent:
        """Send a fresh code to the phone, unless the phone, the client's IP or its app installation asked too
        often; it replaces any earlier code. Nothing is sent, and nothing counted, when a limit refuses.

        `text` has `{code}` and `{minutes}` placeholders (plain ASCII: one SMS segment)."""
        phone = normalise_phone(raw_phone)
        uses: list[Use] = [(self._per_ip, client_ip)]
        if installation_id is not None:
            uses.append((self._per_device, _checked_installation_id(installation_id)))
        uses.append((self._per_phone, phone))
        refusal = await self._limiter.acquire(*uses)
        if refusal is not None:
            if refusal.limit is self._per_phone:
                raise DomainError(ErrorCode.SIGN_IN_CODE_RATE_LIMITED, "phone", retry_after=refusal.retry_after)
            raise DomainError(ErrorCode.TOO_MANY_REQUESTS, None, retry_after=refusal.retry_after)
        now = self._clock()
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        ttl = timedelta(seconds=self._settings.sign_in_code_ttl_seconds)
        row = await SignInCode.create(phone=phone, code_hash=self._digest(phone, code), expires_at=now + ttl)
        minutes = math.ceil(ttl.total_seconds() / 60)
        try:
            await self._sms.send(phone, text.format(code=code, minutes=minutes))
        except SmsDeliveryError:
            await row.delete()
            await self._limiter.release(*uses)
            raise DomainError(ErrorCode.SMS_DELIVERY_FAILED, "phone") from None
        resend_after = now + timedelta(seconds=self._settings.sign_in_code_resend_seconds)
        return CodeSent(phone, row.expires_at, resend_after)

    async def sign_in(self, raw_phone: str, code: str) -> TokenPair:
        """Check the latest code sent to the phone; on success the citizen (created on first sign-in) gets tokens."""
        citizen = await citizen_with_phone(await self.redeem(raw_phone, code))
        return await start_session(self._settings, Viewer(ViewerKind.CITIZEN, citizen.id), self._clock())

    async def redeem(self, raw_phone: str, code: str) -> str:
        """Use up the latest code sent to the phone if `code` is it; the normalised phone. Coded errors (field
        `code`) for an expired, used, wrong or too often tried code."""
        phone = normalise_phone(raw_phone)
        now = self._clock()
        latest = await SignInCode.filter(phone=phone).order_by("-id").first()
        if latest is None or latest.expires_at <= now:
            raise DomainError(ErrorCode.SIGN_IN_CODE_EXPIRED, "code")
        if latest.used_at is not None:
            raise DomainError(ErrorCode.SIGN_IN_CODE_USED, "code")
        max_attempts = self._settings.sign_in_code_max_attempts
        counted = await SignInCode.filter(id=latest.id, used_at__isnull=True, attempts__lt=max_attempts).update(
            attempts=F("attempts") + 1
        )
        if not counted:
            raise DomainError(ErrorCode.SIGN_IN_CODE_ATTEMPTS_EXCEEDED, "code")
        if not hmac.compare_digest(latest.code_hash, self._digest(phone, code.strip())):
            raise DomainError(ErrorCode.SIGN_IN_CODE_WRONG, "code")
        if not await SignInCode.filter(id=latest.id, used_at__isnull=True).update(used_at=now):
            raise DomainError(ErrorCode.SIGN_IN_CODE_USED, "code")
        return phone

    def _digest(self, phone: str, code: str) -> str:
        key = self._settings.secret_key.encode()
        return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _checked_installation_id(installation_id: str) -> str:
    """The app installation's id, trimmed; INVALID_DEVICE_TOKEN when empty, too long or holding spaces."""
    cleaned = installation_id.strip()
    if not cleaned or len(cleaned) > MAX_INSTALLATION_ID or any(ch.isspace() for ch in cleaned):
        raise DomainError(ErrorCode.INVALID_DEVICE_TOKEN, "installation_id")
    return cleaned


async def citizen_with_phone(phone: str) -> Citizen:
    """The citizen with this (normalised) phone, created on first use (safe when two requests race)."""
    citizen = await Citizen.get_or_none(phone=phone)
    if citizen is not None:
        return citizen
    try:
        return await Citizen.create(phone=phone)
    except IntegrityError:
        return await Citizen.get(phone=phone)
