"""Short-lived signed access tokens (JWT, HS256) naming their sign-in, and opaque refresh tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import jwt

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.models import StaffRole

ISSUER = "quangninh-dichvucong"
ALGORITHM = "HS256"
VERIFIED_TOKENS_KEPT = 4096  # about 2 MB; a token is re-verified once it has been pushed out


class InvalidAccessToken(Exception):
    """The bearer token is expired, forged, malformed or of an ended sign-in; `code` says which for the app."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def issue_access_token(viewer: Viewer, secret_key: str, ttl: timedelta, now: datetime) -> tuple[str, datetime]:
    """A signed token for `viewer` (and its sign-in, `viewer.session`) issued at `now`, and when it expires."""
    expires_at = now + ttl
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": f"{viewer.kind.value}:{viewer.id}",
        "sid": viewer.session,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": secrets.token_hex(8),
    }
    if viewer.role is not None:
        claims["role"] = viewer.role.value
    if viewer.centre_id is not None:
        claims["centre"] = viewer.centre_id
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM), expires_at


@functools.lru_cache(maxsize=VERIFIED_TOKENS_KEPT)
def read_access_token(token: str, secret_key: str) -> Viewer:
    """The viewer a genuine token names, with its expiry (for the caller to compare with its clock) and sign-in.

    Raises InvalidAccessToken for a forged or malformed token, and for one without a sign-in (`sid`).
    The answer depends on nothing but the token and the key (expiry and revocation are the caller's checks, on
    every use), so the most recently verified tokens are remembered; refusals are not (they raise).
    """
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "sid"], "verify_exp": False, "verify_iat": False},
        )
        kind, raw_id = str(claims["sub"]).split(":", 1)
        role = claims.get("role")
        return Viewer(
            kind=ViewerKind(kind),
            id=int(raw_id),
            role=StaffRole(role) if role else None,
            centre_id=claims.get("centre"),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            session=str(claims["sid"]),
        )
    except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError):
        raise InvalidAccessToken("INVALID_TOKEN", "The access token is not valid.") from None


def new_refresh_token() -> str:
    """A random, URL-safe refresh token; only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 hex digest used to look up refresh tokens without storing them."""
    return hashlib.sha256(token.encode()).hexdigest()
