"""What a due reminder is about, read fresh at send time: the registry of reminder kinds.

notifications/ knows no domain. Each domain registers a loader for the kinds it schedules (`register`): given a
batch of reminders of one kind, it returns a `Delivery` (recipients, template values, deep link, urgency) for each
one that still applies and leaves the others out. The composition root (`app/container.py`) imports every
domain's registering module, so each process that sends (`serve`, `worker`) knows every kind; a kind nobody
registered is a wiring error that fails its batch loudly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from notifications.models import Reminder, ReminderKind
from notifications.templates import amount


@dataclass(frozen=True)
class Delivery:
    """One due reminder made concrete: recipients, template values, deep link, urgency."""

    values: dict[str, object]
    deep_link: str
    citizen_ids: tuple[int, ...] = ()
    staff_ids: tuple[int, ...] = ()
    urgent: bool = False


Loader = Callable[[list[Reminder], datetime], Awaitable[dict[int, Delivery]]]

_LOADERS: dict[ReminderKind, Loader] = {}


def register(loader: Loader, *kinds: ReminderKind) -> None:
    """Let `loader` check and fill the reminders of `kinds` (a kind has one loader; registering it again is a no-op)."""
    for kind in kinds:
        if _LOADERS.setdefault(kind, loader) is not loader:
            raise ValueError(f"reminder kind {kind} already has a loader")


def registered_kinds() -> frozenset[ReminderKind]:
    return frozenset(_LOADERS)


async def load_deliveries(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """The deliveries of the reminders that still apply; the others are absent."""
    by_kind: dict[ReminderKind, list[Reminder]] = {}
    for reminder in reminders:
        by_kind.setdefault(reminder.kind, []).append(reminder)
    deliveries: dict[int, Delivery] = {}
    for kind, group in by_kind.items():
        loader = _LOADERS.get(kind)
        if loader is None:
            raise LookupError(f"no loader registered for reminder kind {kind}: import its domain in app/container.py")
        deliveries |= await loader(group, now)
    return deliveries


def citizen_of(reminder: Reminder) -> tuple[int, ...]:
    """The reminder's own citizen as recipients (none for a reminder to staff)."""
    return (reminder.citizen_id,) if reminder.citizen_id else ()


async def from_params(reminders: list[Reminder], now: datetime) -> dict[int, Delivery]:
    """A loader for kinds whose source put everything in the params (`dossierCode`, `amountVnd`, `receiptNumber`):
    they always apply."""
    deliveries = {}
    for reminder in reminders:
        params = reminder.params
        values = {
            "code": params.get("dossierCode", ""),
            "amount": amount(int(params.get("amountVnd", 0))),
            "receipt": params.get("receiptNumber", ""),
        }
        deliveries[reminder.id] = Delivery(values, f"dossier/{values['code']}", citizen_of(reminder))
    return deliveries
