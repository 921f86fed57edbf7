"""Staff password hashing with Argon2id."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import DomainError, ErrorCode

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take the same time.
_DECOY_HASH = _hasher.hash("decoy password for unknown accounts")


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`, refusing passwords shorter than the minimum."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(ErrorCode.WEAK_PASSWORD, "password", min_length=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash is checked against a decoy to keep timing flat."""
    try:
        return _hasher.verify(password_hash or _DECOY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
