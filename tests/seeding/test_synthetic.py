"""Synthetic volume: consistent dossiers and timelines, and normal writes still work afterwards."""

from __future__ import annotations

import random

from app.dossiers.codes import normalise_dossier_code
from app.dossiers.models import Dossier, DossierEvent
from app.seeding.synthetic import create_synthetic_citizens, create_synthetic_procedures
from app.seeding.synthetic_dossiers import create_synthetic_dossiers
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS


async def test_synthetic_dossiers_have_consistent_timelines(app, cast):
    rng = random.Random(7)
    await create_synthetic_procedures(80, rng)
    await create_synthetic_citizens(30, rng)
    assert await create_synthetic_dossiers(400, rng) == 400

    dossiers = await Dossier.all()
    assert len(dossiers) == 400 and len({d.status for d in dossiers}) >= 5
    assert all(normalise_dossier_code(d.code) == d.code and d.code.startswith("99") for d in dossiers)
    events = await DossierEvent.all().order_by("id")
    by_dossier: dict[int, list[DossierEvent]] = {}
    for event in events:
        by_dossier.setdefault(event.dossier_id, []).append(event)
    for dossier in dossiers:
        timeline = by_dossier[dossier.id]
        assert timeline[0].to_status.value == "receiving" and timeline[-1].to_status is dossier.status
        assert [e.created_at for e in timeline] == sorted(e.created_at for e in timeline)
        assert (dossier.received_at is not None) == (dossier.due_at is not None) or dossier.processing_days is None

    # Ids were given explicitly: the next real dossier must still get a fresh one.
    real = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    assert real.id > max(d.id for d in dossiers)
