"""Per-request (per-connection for websockets) context: services, caller, language and dataloaders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from app.accounts.identity import Viewer
from app.accounts.tokens import InvalidAccessToken, read_access_token
from app.api.errors import ApiError
from app.api.event_scope import EventScopes
from app.api.loaders import Loaders, current_loaders
from app.container import Services
from app.errors import DEFAULT_LOCALE, LOCALES


def preferred_locale(accept_language: str | None) -> str:
    """The first supported language in an Accept-Language value, else Vietnamese."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE


def bearer_token(authorization: object) -> str:
    """The token of an `Authorization` value, which must be the string "Bearer <token>"; else InvalidAccessToken."""
    scheme, _, token = authorization.partition(" ") if isinstance(authorization, str) else ("", "", "")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidAccessToken("INVALID_TOKEN", "Send the access token as `Authorization: Bearer <token>`.")
    return token.strip()


@dataclass
class Context:
    """What every resolver sees as `info.context`."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    services: Services
    locale: str = DEFAULT_LOCALE
    connection_params: dict[str, Any] | None = None
    event_scopes: EventScopes | None = None  # the worker's, shared by all its subscriptions (set by the view)
    _viewer: Viewer | None = None
    _auth_error: InvalidAccessToken | None = None

    def authenticate(self, authorization: object) -> None:
        """Read the caller from an `Authorization` value; None means anonymous.

        A malformed value or a bad token is remembered and reported when identity is needed.
        """
        self._viewer, self._auth_error = None, None
        if authorization is not None:
            try:
                self._viewer = read_access_token(bearer_token(authorization), self.services.settings.secret_key)
            except InvalidAccessToken as error:
                self._auth_error = error

    async def confirm_viewer(self) -> None:
        """Check the caller's sign-in against the database (remembered up to 5 s per process).

        After a revocation, or once a staff account is disabled, every use of `viewer` fails with SESSION_REVOKED;
        staff otherwise get the role and centre their account has now. Run once per operation and before every
        subscription update.
        """
        if self._auth_error is not None or self._viewer is None or self._expired(self._viewer):
            return
        current = await self.services.sessions.current(self._viewer)
        if current is None:
            self._auth_error = InvalidAccessToken(
                "SESSION_REVOKED", "This sign-in has ended (signed out or revoked); sign in again."
            )
        self._viewer = current

    @property
    def client_ip(self) -> str:
        """The caller's address: the peer's, or the one a trusted proxy (TRUSTED_PROXIES) forwarded."""
        client = self.request.client
        return client.host if client else "unknown"

    @property
    def loaders(self) -> Loaders:
        """Dataloaders of the current operation, never shared between operations of one websocket."""
        return current_loaders(self.services.clock)

    @property
    def viewer(self) -> Viewer | None:
        """The signed-in caller, None when anonymous; raises TOKEN_EXPIRED, INVALID_TOKEN or SESSION_REVOKED.

        A websocket keeps its `connection_init` token: once it expires, every operation and every
        subscription update on that socket fails with TOKEN_EXPIRED until the app reconnects.
        """
        if self._auth_error is not None:
            raise ApiError(self._auth_error.code, str(self._auth_error))
        viewer = self._viewer
        if viewer is not None and self._expired(viewer):
            raise ApiError("TOKEN_EXPIRED", "The access token has expired; refresh it.")
        return viewer

    def _expired(self, viewer: Viewer) -> bool:
        return viewer.expires_at is None or viewer.expires_at <= self.services.clock()


Info = StrawberryInfo[Context, None]
