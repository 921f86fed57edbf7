"""Short-lived signed access tokens (JWT, HS256) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import jwt

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.models import StaffRole

ISSUER = "quangninh-dichvucong"
ALGORITHM = "HS256"


class InvalidAccessToken(Exception):
    """The bearer token is expired, forged or malformed; `code` says which for the app."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def issue_access_token(viewer: Viewer, secret_key: str, ttl: timedelta) -> tuple[str, datetime]:
    """A signed token for `viewer` and the moment it expires."""
    now = datetime.now(UTC)
    expires_at = now + ttl
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": f"{viewer.kind.value}:{viewer.id}",
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": secrets.token_hex(8),
    }
    if viewer.role is not None:
        claims["role"] = viewer.role.value
    if viewer.centre_id is not None:
        claims["centre"] = viewer.centre_id
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM), expires_at


def read_access_token(token: str, secret_key: str) -> Viewer:
    """The viewer a valid token names; raises InvalidAccessToken otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidAccessToken("TOKEN_EXPIRED", "The access token has expired; refresh it.") from None
    except jwt.InvalidTokenError:
        raise InvalidAccessToken("INVALID_TOKEN", "The access token is not valid.") from None
    try:
        kind, raw_id = str(claims["sub"]).split(":", 1)
        role = claims.get("role")
        return Viewer(
            kind=ViewerKind(kind),
            id=int(raw_id),
            role=StaffRole(role) if role else None,
            centre_id=claims.get("centre"),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except ValueError:
        raise InvalidAccessToken("INVALID_TOKEN", "The access token is not valid.") from None


def new_refresh_token() -> str:
    """A random, URL-safe refresh token; only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 hex digest used to look up refresh tokens without storing them."""
    return hashlib.sha256(token.encode()).hexdigest()
