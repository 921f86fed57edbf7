"""Who a citizen is to the sender: language and phone, from the accounts domain, which registers the lookup."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Recipient:
    locale: str  # "vi" or "en"
    phone: str  # E.164, for the SMS fallback


CitizenLookup = Callable[[set[int]], Awaitable[dict[int, Recipient]]]

_lookups: list[CitizenLookup] = []


def register_citizens(lookup: CitizenLookup) -> None:
    """Set how citizens are read (once per process; registering the same lookup again is a no-op)."""
    if _lookups and _lookups[0] is not lookup:
        raise ValueError("citizens already have a lookup")
    _lookups[:] = [lookup]


async def citizens(ids: Iterable[int]) -> dict[int, Recipient]:
    """The citizens of `ids` that exist, by id."""
    if not _lookups:
        raise LookupError("no citizen lookup registered: import app.accounts.recipients in app/container.py")
    return await _lookups[0](set(ids))
