"""How notifications reach a citizen (language, phone): registered with notifications when imported."""

from __future__ import annotations

from app.accounts.models import Citizen
from notifications.recipients import Recipient, register_citizens


async def citizen_recipients(ids: set[int]) -> dict[int, Recipient]:
    rows = await Citizen.filter(id__in=ids).values("id", "locale", "phone")
    return {row["id"]: Recipient(row["locale"], row["phone"]) for row in rows}


register_citizens(citizen_recipients)
