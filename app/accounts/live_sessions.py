"""Whether a sign-in still stands: read from the database, remembered a few seconds per process, revoked at once.

A sign-in is the family of refresh-token sessions started by one `signIn`/`signInStaff`; every access token names
it (`Viewer.session`). It stands while a session of its family is unrevoked and, for staff, while the account is
active; staff are then given the role and centre their account has now, not those their token was issued with.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.models import Session, StaffRole
from app.clock import Clock
from app.events import EventBus
from app.ttl_cache import TtlLruCache

CACHE_SECONDS = 5.0
CACHE_SIZE = 50_000
READ_BATCH = 500
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
        self._pending: dict[tuple, asyncio.Future[Viewer | None]] = {}
        self._reads: set[asyncio.Task[None]] = set()

    async def current(self, viewer: Viewer) -> Viewer | None:
        """`viewer` as its account stands now; None when its sign-in was revoked or its account is gone or disabled.

        Callers that miss the cache in the same turn of the event loop (every subscriber of one event, say) share
        one query.
        """
        if viewer.session is None:
            return None
        found, standing = self._standing.get(viewer.session)
        if not found:
            standing = await self._read(viewer)
            self._standing.put(viewer.session, standing)
        if standing is None or (standing.kind, standing.id) != (viewer.kind, viewer.id):
            return None
        return replace(standing, expires_at=viewer.expires_at)

    def _read(self, viewer: Viewer) -> asyncio.Future[Viewer | None]:
        """The standing of `viewer`'s sign-in, read with those asked for in the same turn of the event loop."""
        key = (viewer.session, viewer.kind, viewer.id)
        pending = self._pending.get(key)
        if pending is None:
            if not self._pending:
                asyncio.get_running_loop().call_soon(self._read_pending)
            pending = self._pending[key] = asyncio.get_running_loop().create_future()
        return pending

    def _read_pending(self) -> None:
        batch, self._pending = self._pending, {}
        task = asyncio.ensure_future(_standings(batch))
        self._reads.add(task)
        task.add_done_callback(self._reads.discard)

    async def revoke(self, session: str) -> None:
        """End the sign-in: its refresh and access tokens are refused from now on, and its subscriptions end."""
        await Session.filter(family=session, revoked_at__isnull=True).update(revoked_at=self._clock())
        self.forget(session)
        await self._bus.publish(revocation_channel(session), {REVOKED_KEY: session})

    def forget(self, session: str) -> None:
        """Drop what this process remembers of the sign-in, so the next check reads the database."""
        self._standing.discard(session)


async def _standings(pending: dict[tuple, asyncio.Future[Viewer | None]]) -> None:
    """Answer each (session, kind, id) future with the account behind an unrevoked session of that sign-in, as a
    viewer without expiry (None when there is none), reading `READ_BATCH` sign-ins per query."""
    keys = list(pending)
    try:
        for start in range(0, len(keys), READ_BATCH):
            chunk = keys[start : start + READ_BATCH]
            rows = await Session.filter(family__in=[key[0] for key in chunk], revoked_at__isnull=True).values(
                "family", "citizen_id", "staff_id", "staff__role", "staff__centre_id", "staff__is_active"
            )
            standing = {}
            for row in rows:
                if row["citizen_id"] is not None:
                    standing[(row["family"], ViewerKind.CITIZEN, row["citizen_id"])] = {}
                elif row["staff__is_active"]:
                    account = {"role": StaffRole(row["staff__role"]), "centre_id": row["staff__centre_id"]}
                    standing[(row["family"], ViewerKind.STAFF, row["staff_id"])] = account
            for session, kind, account_id in chunk:
                found = standing.get((session, kind, account_id))
                viewer = None if found is None else Viewer(kind, account_id, session=session, **found)
                pending[(session, kind, account_id)].set_result(viewer)
    except Exception as error:
        for future in pending.values():
            if not future.done():
                future.set_exception(error)
