"""Dossier codes citizens can read over the phone, and receipt secrets for public tracking."""

from __future__ import annotations

import secrets

DIGITS = "0123456789"
SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read from a receipt
SECRET_LENGTH = 8  # 40 bits; failed lookups are also rate limited per code


def luhn_check_digit(digits: str) -> str:
    """The Luhn digit that makes `digits + check` valid: catches any single typo and most swaps."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def format_code(body: str) -> str:
    """Eleven digits plus their check digit, in groups of four: '26114827391' -> '2611-4827-3913'."""
    digits = body + luhn_check_digit(body)
    return "-".join(digits[i : i + 4] for i in range(0, 12, 4))


def new_dossier_code(yymm: str) -> str:
    """e.g. '2611-4827-3913': year and month, seven random digits, one check digit."""
    return format_code(yymm + f"{secrets.randbelow(10**7):07d}")


def normalise_dossier_code(raw: str) -> str | None:
    """The canonical code for what a citizen typed (spaces and dashes optional); None when the check fails."""
    digits = "".join(ch for ch in raw if ch in DIGITS)
    if len(digits) != 12 or any(ch not in DIGITS + " -" for ch in raw.strip()):
        return None
    return format_code(digits[:-1]) if luhn_check_digit(digits[:-1]) == digits[-1] else None


def new_tracking_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
