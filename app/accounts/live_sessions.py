"""Whether a sign-in still stands: read from the database, remembered a few seconds per process, revoked at once.

A sign-in is the family of refresh-token sessions started by one `signIn`/`signInStaff`; every access token names
it (`Viewer.session`). It stands while a session of its family is unrevoked and, for staff, while the account is
active; staff are then given the role and centre their account has now, not those their token was issued with.
"""

from __future__ import annotations

from dataclasses import replace

from app.accounts.identity import Viewer
from app.accounts.models import Session, StaffRole
from app.clock import Clock
from app.events import EventBus
from app.ttl_cache import TtlLruCache

CACHE_SECONDS = 5.0
CACHE_SIZE = 10_000
REVOKED_KEY = "revokedSession"


def revocation_channel(session: str) -> str:
    """The bus channel told when the sign-in `session` is revoked."""
    return f"session:{session}"


class LiveSessions:
    """Answers "does this caller's sign-in still stand?" with at most one indexed query per sign-in every 5 s."""

    def __init__(self, bus: EventBus, clock: Clock) -> None:
        self._bus = bus
        self._clock = clock
        self._standing: TtlLruCache[str, Viewer | None] = TtlLruCache(
            CACHE_SIZE, CACHE_SECONDS, clock=lambda: clock().timestamp()
        )

    async def current(self, viewer: Viewer) -> Viewer | None:
        """`viewer` as its account stands now; None when its sign-in was revoked or its account is gone or disabled."""
        if viewer.session is None:
            return None
        found, standing = self._standing.get(viewer.session)
        if not found:
            standing = await _standing(viewer)
            self._standing.put(viewer.session, standing)
        if standing is None or (standing.kind, standing.id) != (viewer.kind, viewer.id):
            return None
        return replace(standing, expires_at=viewer.expires_at)

    async def revoke(self, session: str) -> None:
        """End the sign-in: its refresh and access tokens are refused from now on, and its subscriptions end."""
        await Session.filter(family=session, revoked_at__isnull=True).update(revoked_at=self._clock())
        self.forget(session)
        await self._bus.publish(revocation_channel(session), {REVOKED_KEY: session})

    def forget(self, session: str) -> None:
        """Drop what this process remembers of the sign-in, so the next check reads the database."""
        self._standing.discard(session)


async def _standing(viewer: Viewer) -> Viewer | None:
    """The account behind an unrevoked session of the sign-in, as a viewer without expiry; None when there is none."""
    live = Session.filter(family=viewer.session, revoked_at__isnull=True)
    if viewer.is_citizen:
        exists = await live.filter(citizen_id=viewer.id).exists()
        return replace(viewer, expires_at=None) if exists else None
    rows = (
        await live.filter(staff_id=viewer.id, staff__is_active=True).limit(1).values("staff__role", "staff__centre_id")
    )
    if not rows:
        return None
    return replace(
        viewer, role=StaffRole(rows[0]["staff__role"]), centre_id=rows[0]["staff__centre_id"], expires_at=None
    )
