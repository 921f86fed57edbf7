"""Per-request (per-connection for websockets) context: services, caller, language and dataloaders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from app.accounts.identity import Viewer
from app.accounts.tokens import InvalidAccessToken, read_access_token
from app.api.errors import ApiError
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


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


@dataclass
class Context:
    """What every resolver sees as `info.context`."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    services: Services
    locale: str = DEFAULT_LOCALE
    connection_params: dict[str, Any] | None = None
    _viewer: Viewer | None = None
    _auth_error: InvalidAccessToken | None = None

    def authenticate(self, token: str | None) -> None:
        """Read the caller from a bearer token; a bad token is remembered and reported when identity is needed."""
        self._viewer, self._auth_error = None, None
        if token:
            try:
                self._viewer = read_access_token(token, self.services.settings.secret_key)
            except InvalidAccessToken as error:
                self._auth_error = error

    @property
    def client_ip(self) -> str:
        """The caller's address: the peer's, or the one a trusted proxy (TRUSTED_PROXIES) forwarded."""
        client = self.request.client
        return client.host if client else "unknown"

    @property
    def loaders(self) -> Loaders:
        """Dataloaders of the current operation, never shared between operations of one websocket."""
        return current_loaders()

    @property
    def viewer(self) -> Viewer | None:
        """The signed-in caller, None when anonymous; raises TOKEN_EXPIRED / INVALID_TOKEN for a bad token.

        A websocket keeps its `connection_init` token: once it expires, every operation and every
        subscription update on that socket fails with TOKEN_EXPIRED until the app reconnects.
        """
        if self._auth_error is not None:
            raise ApiError(self._auth_error.code, str(self._auth_error))
        viewer = self._viewer
        if viewer is not None and viewer.expires_at is not None and viewer.expires_at <= datetime.now(UTC):
            raise ApiError("TOKEN_EXPIRED", "The access token has expired; refresh it.")
        return viewer


Info = StrawberryInfo[Context, None]
