"""Dossier codes citizens can read over the phone, and receipt secrets for public tracking."""

from __future__ import annotations

import secrets

SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read from a receipt
SECRET_LENGTH = 6


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


def new_dossier_code(yymm: str) -> str:
    """e.g. '2611-4827-3915': year and month, seven random digits, one check digit, in groups of four."""
    body = yymm + f"{secrets.randbelow(10**7):07d}"
    digits = body + luhn_check_digit(body)
    return "-".join(digits[i : i + 4] for i in range(0, 12, 4))


def normalise_dossier_code(raw: str) -> str | None:
    """The canonical code for what a citizen typed (spaces and dashes optional); None when the check fails."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) != 12 or luhn_check_digit(digits[:-1]) != digits[-1]:
        return None
    return "-".join(digits[i : i + 4] for i in range(0, 12, 4))


def new_tracking_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
