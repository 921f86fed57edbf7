"""The earliest free slot of several centres at once (the nearest-centre search shows it)."""

from __future__ import annotations

import logging

from app.accounts.models import Citizen
from app.appointments.availability import next_free_slots
from tests.appointments.moments import NOW, TUESDAY, at
from tests.dossier_data import BORDERLESS_5_DAYS


async def test_the_earliest_slot_honours_notice_full_slots_closures_and_capacity(service, cast, caplog):
    ha_long, bai_chay = cast.ha_long, cast.bai_chay
    assert await next_free_slots([ha_long, bai_chay], NOW) == {
        ha_long.id: at(NOW.date(), 10),
        bai_chay.id: at(NOW.date(), 10),
    }
    await service.set_capacity(ha_long.id, 1)
    await service.book(cast.citizen.id, ha_long.id, BORDERLESS_5_DAYS, at(NOW.date(), 10))
    await service.add_closure(bai_chay.id, NOW.date())
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        caplog.clear()
        found = await next_free_slots([ha_long, bai_chay], NOW)
    assert found == {ha_long.id: at(NOW.date(), 10, 30), bai_chay.id: at(TUESDAY, 7, 30)}
    statements = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]
    assert len(statements) == 3, [s[:60] for s in statements]
    assert not any('"centre"' in s for s in statements), "the centres passed in are not read again"
    other = await Citizen.create(phone="+84912000790")
    await service.book(other.id, ha_long.id, BORDERLESS_5_DAYS, at(NOW.date(), 10, 30))
    assert (await next_free_slots([ha_long], NOW))[ha_long.id] == at(NOW.date(), 11)
    await service.set_capacity(ha_long.id, 0)
    assert await next_free_slots([ha_long], NOW) == {ha_long.id: None}
    assert await next_free_slots([], NOW) == {}
