"""What every subscription shares: bus messages handed on only while the caller may still have them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from app import metrics
from app.accounts.identity import Viewer
from app.accounts.live_sessions import REVOKED_KEY, revocation_channel
from app.api.context import Info
from app.api.errors import ApiError, ApiErrorCode
from app.api.event_scope import EventScope
from app.api.loaders import use_loaders
from app.events import is_resync


async def checked_messages(info: Info, authorize: Callable[[Info], Viewer], *channels: str) -> AsyncIterator[dict]:
    """The messages of `channels`, each handed on only after the caller is checked again.

    `authorize` (e.g. `require_citizen`, or `require_staff_of` for one centre) runs first, then before every
    message, after the caller's sign-in is checked again (expiry, revocation, a staff member's current role and
    centre): a failure ends the stream with its coded error (TOKEN_EXPIRED, SESSION_REVOKED, FORBIDDEN). A
    revocation of the caller's sign-in is published to the bus too, so it ends the stream at once. After a gap in
    the bus (a RESYNC message) the stream ends with RESYNC_REQUIRED: updates may have been missed, so the app reads
    the current state and subscribes again. Every message handed on starts with fresh dataloaders, so what is
    resolved from it reads current data.
    """
    viewer = authorize(info)
    with metrics.SUBSCRIPTIONS.track_inprogress():
        async for message in _checked(info, authorize, viewer, channels):
            yield message


async def _checked(info: Info, authorize: Callable[[Info], Viewer], viewer: Viewer, channels) -> AsyncIterator[dict]:
    sessions = info.context.services.sessions
    revocations = (revocation_channel(viewer.session),) if viewer.session else ()
    async with info.context.services.bus.subscribe(*channels, *revocations) as messages:
        async for message in messages:
            if REVOKED_KEY in message:
                sessions.forget(message[REVOKED_KEY])
            await info.context.confirm_viewer()
            authorize(info)
            if is_resync(message):
                raise ApiError(
                    ApiErrorCode.RESYNC_REQUIRED, "Updates may have been missed: read again, then subscribe."
                )
            if REVOKED_KEY not in message:
                use_loaders(event_scope_of(info, message).loaders)
                yield message


def event_scope_of(info: Info, message: dict) -> EventScope:
    """What the subscribers of `message` share in this worker (see `app.api.event_scope`)."""
    return info.context.event_scopes.of(message)
