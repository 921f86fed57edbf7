"""Bottleneck rankings on the hand-built October (tests/insights/dataset.py), plus timelines for time in status."""

from __future__ import annotations

from datetime import date, timedelta

from app.dossiers.models import DossierEvent, DossierStatus, SupplementRequest
from app.insights.bottlenecks import Grouping, overdue_ranking, procedure_use, status_dwell_ranking
from app.insights.sql import Period, Scope
from tests.insights.dataset import NOW, build_dataset

OCTOBER = Scope(Period(date(2026, 10, 1), date(2026, 10, 31)))
S = DossierStatus


async def test_overdue_rate_by_procedure_and_centre(cast):
    data = await build_dataset(cast.citizen.id)

    by_procedure = await overdue_ranking(OCTOBER, Grouping.PROCEDURE, 10, min_dossiers=1, now=NOW)
    # P: 1-8 and 13 have a due date, overdue 3, 6, 8, 13. Q: dossier 10, on time.
    assert [(r.rank, r.group_id, r.dossiers, r.overdue) for r in by_procedure] == [
        (1, data.marriage.id, 9, 4),
        (2, data.birth.id, 1, 0),
    ]
    assert by_procedure[0].overdue_rate == 4 / 9

    by_centre = await overdue_ranking(OCTOBER, Grouping.CENTRE, 10, min_dossiers=1, now=NOW)
    # B: only 13, late (1/1). A: 1-8 and 10, overdue 3, 6, 8 (3/9).
    assert [(r.rank, r.group_id, r.dossiers, r.overdue) for r in by_centre] == [
        (1, data.bai_chay.id, 1, 1),
        (2, data.ha_long.id, 9, 3),
    ]
    # Groups below the minimum volume are left out.
    assert [r.group_id for r in await overdue_ranking(OCTOBER, Grouping.CENTRE, 10, now=NOW)] == [data.ha_long.id]


async def test_time_in_status_from_the_timelines(cast):
    data = await build_dataset(cast.citizen.id)
    # Dossier 1: 24 h receiving, 10 h received, then processing until now (open span, not counted).
    # Dossier 2: 48 h receiving, 2 h received. Dossier 13 (centre B): 6 h receiving, 30 h received.
    for number, hours in ((1, (24, 10)), (2, (48, 2)), (13, (6, 30))):
        dossier = data.dossiers[number]
        start = dossier.submitted_at
        received = start + timedelta(hours=hours[0])
        await DossierEvent.create(
            dossier=dossier, from_status=S.RECEIVING, to_status=S.RECEIVED, actor_kind="staff", created_at=received
        )
        await DossierEvent.create(
            dossier=dossier,
            from_status=S.RECEIVED,
            to_status=S.PROCESSING,
            actor_kind="staff",
            created_at=received + timedelta(hours=hours[1]),
        )

    by_centre = await status_dwell_ranking(OCTOBER, Grouping.CENTRE, 10, min_dossiers=1)
    ranked = [(r.rank, r.group_id, r.status, r.spans, round(r.average_hours, 6)) for r in by_centre]
    assert ranked[:2] == [(1, data.ha_long.id, S.RECEIVING, 2, 36.0), (2, data.bai_chay.id, S.RECEIVED, 1, 30.0)]
    assert set(ranked[2:]) == {(3, data.ha_long.id, S.RECEIVED, 2, 6.0), (3, data.bai_chay.id, S.RECEIVING, 1, 6.0)}
    only_a = await status_dwell_ranking(Scope(OCTOBER.period, centre_id=data.ha_long.id), Grouping.PROCEDURE, 1, 1)
    assert [(r.group_id, r.status, r.average_hours) for r in only_a] == [(data.marriage.id, S.RECEIVING, 36.0)]


async def test_rarely_used_and_often_sent_back(cast):
    data = await build_dataset(cast.citizen.id)
    for number in (7, 8):  # both paused for documents
        dossier = data.dossiers[number]
        await DossierEvent.create(
            dossier=dossier,
            from_status=S.PROCESSING,
            to_status=S.SUPPLEMENT_REQUESTED,
            actor_kind="staff",
            created_at=dossier.submitted_at + timedelta(days=3),
        )
        await DossierEvent.create(  # asked twice: still one dossier sent back
            dossier=dossier,
            from_status=S.PROCESSING,
            to_status=S.SUPPLEMENT_REQUESTED,
            actor_kind="staff",
            created_at=dossier.submitted_at + timedelta(days=4),
        )
    assert await SupplementRequest.all().count() == 0  # the timeline is what counts

    sent_back = await procedure_use(OCTOBER, 5, rarest=False, min_dossiers=1)
    assert [(u.procedure_id, u.dossiers, u.supplement_requests) for u in sent_back[:2]] == [
        (data.marriage.id, 11, 2),  # P in October: 1-9, 13 and 14; sent back: 7 and 8
        (data.birth.id, 1, 0),
    ]
    rarest = await procedure_use(OCTOBER, 3, rarest=True)
    assert all(u.dossiers == 0 and u.supplement_rate is None for u in rarest)
    assert data.marriage.id not in [u.procedure_id for u in rarest]
