"""Next-procedure suggestions from what other citizens filed after the same procedures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.accounts.models import Citizen
from app.catalogue.models import Procedure
from app.dossiers.models import Dossier, DossierStatus
from app.insights.suggestions import suggested_procedures

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


async def file(citizen: Citizen, procedure: Procedure, days: int, centre_id: int) -> None:
    number = await Dossier.all().count() + 1
    await Dossier.create(
        code=f"SG{number:04d}",
        tracking_secret="x",
        citizen=citizen,
        procedure=procedure,
        received_centre_id=centre_id,
        handling_centre_id=centre_id,
        status=DossierStatus.RETURNED,
        submitted_at=START + timedelta(days=days),
    )


async def test_follow_ons_ranked_by_share_with_their_source(cast):
    birth, insurance, residence, marriage, other = await Procedure.all().order_by("id").limit(5)
    people = [await Citizen.create(phone=f"+8491200{n:04d}", full_name=f"Người {n}") for n in range(8)]
    centre = cast.ha_long.id
    for person in people[:5]:  # 5 people registered a birth...
        await file(person, birth, 0, centre)
    for person in people[:4]:  # ...4 of them then got health insurance for the child
        await file(person, insurance, 10, centre)
    for person in people[:3]:  # ...3 registered residence
        await file(person, residence, 20, centre)
    for person in people[:2]:  # ...2 married (below the 3-citizen minimum)
        await file(person, marriage, 30, centre)
    for person in people[5:8]:  # 3 people filed `other` BEFORE a birth: that does not make it a follow-on
        await file(person, other, 0, centre)
        await file(person, birth, 5, centre)

    me = cast.citizen
    await file(me, birth, 40, centre)
    found = await suggested_procedures(me.id, 5)
    # 8 other people registered a birth; 4 then insurance, 3 then residence.
    assert [(s.procedure_id, s.source_procedure_id, s.citizens) for s in found] == [
        (insurance.id, birth.id, 4),
        (residence.id, birth.id, 3),
    ]
    assert found[0].share == 4 / 8
    assert (
        found[0].reason("vi", "Đăng ký khai sinh")
        == "50% người đã làm thủ tục «Đăng ký khai sinh» làm tiếp thủ tục này."
    )
    assert (
        found[0].reason("en", "Birth registration") == "50% of people who did «Birth registration» did this one next."
    )

    await file(me, insurance, 45, centre)  # already done: no longer suggested
    assert [s.procedure_id for s in await suggested_procedures(me.id, 5)] == [residence.id]


async def test_no_history_no_suggestions(cast):
    assert await suggested_procedures(cast.citizen.id, 5) == []
