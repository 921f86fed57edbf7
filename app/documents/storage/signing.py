"""HMAC signatures for links the app serves itself: bound to a key, an action, a principal and an expiry."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode


def signature(secret: str, *, action: str, key: str, bound_to: str, expires: int) -> str:
    """The hex HMAC-SHA256 over everything the link grants."""
    message = f"{action}\n{key}\n{bound_to}\n{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_query(secret: str, *, action: str, key: str, bound_to: str, expires: int) -> str:
    """The query string of a signed link."""
    sig = signature(secret, action=action, key=key, bound_to=bound_to, expires=expires)
    return urlencode({"expires": expires, "by": bound_to, "sig": sig})


def is_valid(secret: str, *, action: str, key: str, bound_to: str, expires: int, sig: str, now: float) -> bool:
    """True when the signature matches and the link has not expired."""
    expected = signature(secret, action=action, key=key, bound_to=bound_to, expires=expires)
    return now < expires and hmac.compare_digest(expected, sig)
