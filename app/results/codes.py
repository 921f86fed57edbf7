"""Verification codes printed on signed results: 60 random bits, readable aloud, typo-tolerant in format."""

from __future__ import annotations

import secrets

from app.dossiers.codes import SECRET_ALPHABET

CODE_LENGTH = 12  # 12 symbols of a 32-letter alphabet: 60 bits, far beyond guessing


def new_verification_code() -> str:
    """e.g. 'K7QM-2XWD-9RTA'."""
    return format_verification_code("".join(secrets.choice(SECRET_ALPHABET) for _ in range(CODE_LENGTH)))


def format_verification_code(symbols: str) -> str:
    return "-".join(symbols[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_verification_code(raw: str) -> str | None:
    """The canonical code for what was typed or scanned (any case, spaces and dashes optional); None if malformed."""
    symbols = "".join(ch for ch in raw.upper() if ch not in " -")
    if len(symbols) != CODE_LENGTH or any(ch not in SECRET_ALPHABET for ch in symbols):
        return None
    return format_verification_code(symbols)
