"""Token pairs: issuing them at sign-in, rotating refresh tokens, signing out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.live_sessions import LiveSessions
from app.accounts.models import Citizen, Session, StaffMember
from app.accounts.tokens import issue_access_token, new_refresh_token, token_digest
from app.errors import DomainError, ErrorCode
from app.settings import Settings


@dataclass(frozen=True)
class TokenPair:
    """What a successful sign-in or refresh hands to the app."""

    viewer: Viewer
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def viewer_of_staff(staff: StaffMember) -> Viewer:
    """The identity a staff member's tokens carry."""
    return Viewer(ViewerKind.STAFF, staff.id, role=staff.role, centre_id=staff.centre_id)  # type: ignore[attr-defined]


async def start_session(settings: Settings, viewer: Viewer, now: datetime, family: str | None = None) -> TokenPair:
    """Issue at `now` an access token and a new refresh token (in `family`, or a new one at sign-in)."""
    refresh_token = new_refresh_token()
    refresh_expires_at = now + timedelta(days=settings.refresh_token_ttl_days)
    family = family or secrets.token_hex(16)
    await Session.create(
        token_hash=token_digest(refresh_token),
        family=family,
        citizen_id=viewer.id if viewer.is_citizen else None,
        staff_id=viewer.id if viewer.is_staff else None,
        expires_at=refresh_expires_at,
    )
    viewer = replace(viewer, session=family)
    access_token, access_expires_at = issue_access_token(
        viewer, settings.secret_key, timedelta(seconds=settings.access_token_ttl_seconds), now
    )
    return TokenPair(viewer, access_token, access_expires_at, refresh_token, refresh_expires_at)


async def refresh_session(settings: Settings, sessions: LiveSessions, refresh_token: str, now: datetime) -> TokenPair:
    """Rotate a refresh token at `now`; presenting an already rotated token revokes every token of that sign-in."""
    session = await Session.get_or_none(token_hash=token_digest(refresh_token))
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise DomainError(ErrorCode.INVALID_REFRESH_TOKEN, "refresh_token")
    claimed = await Session.filter(id=session.id, rotated_at__isnull=True, revoked_at__isnull=True).update(
        rotated_at=now
    )
    if not claimed:
        await sessions.revoke(session.family)
        raise DomainError(ErrorCode.INVALID_REFRESH_TOKEN, "refresh_token")
    viewer = await _current_viewer(session)
    if viewer is None:
        await sessions.revoke(session.family)
        raise DomainError(ErrorCode.INVALID_REFRESH_TOKEN, "refresh_token")
    return await start_session(settings, viewer, now, family=session.family)


async def end_session(sessions: LiveSessions, refresh_token: str) -> None:
    """Sign out: revoke every token of the sign-in this refresh token belongs to (unknown tokens are ignored)."""
    session = await Session.get_or_none(token_hash=token_digest(refresh_token))
    if session is not None:
        await sessions.revoke(session.family)


async def _current_viewer(session: Session) -> Viewer | None:
    """The session's account as it is now; None when it no longer exists or is disabled."""
    if session.citizen_id is not None:  # type: ignore[attr-defined]
        exists = await Citizen.filter(id=session.citizen_id).exists()  # type: ignore[attr-defined]
        return Viewer(ViewerKind.CITIZEN, session.citizen_id) if exists else None  # type: ignore[attr-defined]
    staff = await StaffMember.get_or_none(id=session.staff_id, is_active=True)  # type: ignore[attr-defined]
    return viewer_of_staff(staff) if staff else None
