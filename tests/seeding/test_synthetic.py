"""Synthetic volume: consistent dossiers, timelines, ratings, payments and appointments; normal writes still work."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

from app.appointments.models import Appointment
from app.dossiers.codes import normalise_dossier_code
from app.dossiers.lifecycle import FINISHED
from app.dossiers.models import Dossier, DossierEvent
from app.ratings.models import Rating, RatingLevel
from app.seeding.synthetic import create_synthetic_citizens, create_synthetic_procedures
from app.seeding.synthetic_dossiers import create_synthetic_dossiers
from app.working_days import LOCAL_TZ
from payments.models import Payment, PaymentStatus
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS


async def test_synthetic_dossiers_have_consistent_timelines(app, cast):
    rng = random.Random(7)
    await create_synthetic_procedures(80, rng)
    await create_synthetic_citizens(30, rng)
    assert await create_synthetic_dossiers(400, rng, now=datetime(2026, 11, 20, 3, 0, tzinfo=UTC)) == 400

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


async def test_synthetic_surroundings_follow_the_rules_and_patterns(app, cast):
    rng = random.Random(3)
    await create_synthetic_procedures(80, rng)
    await create_synthetic_citizens(60, rng)
    await create_synthetic_dossiers(3000, rng, now=datetime(2026, 6, 1, tzinfo=UTC))

    dossiers = {d.id: d for d in await Dossier.all()}
    ratings = await Rating.all()
    assert ratings and all(dossiers[r.dossier_id].status.value in {"result_ready", "returned"} for r in ratings)
    assert all(r.citizen_id == dossiers[r.dossier_id].citizen_id for r in ratings)
    levels = Counter(r.level for r in ratings)
    assert levels[RatingLevel.DISSATISFIED] < 0.05 * len(ratings) < levels[RatingLevel.SATISFIED]
    payments = await Payment.all()
    assert payments and all(p.status is PaymentStatus.SUCCEEDED and dossiers[p.dossier_id].fee_vnd for p in payments)
    assert all(p.paid_at <= datetime(2026, 6, 1, tzinfo=UTC) for p in payments)  # nothing in the future
    appointments = await Appointment.all()
    assert appointments and not any(dossiers[a.dossier_id].submitted_online for a in appointments)

    weekdays = Counter(d.submitted_at.astimezone(LOCAL_TZ).weekday() for d in dossiers.values())
    assert weekdays[0] > 3 * weekdays[5] > 0 and weekdays[0] > weekdays[4]
    finished = [d for d in dossiers.values() if d.status in FINISHED and d.received_at is not None]
    assert all(d.working_seconds_taken is not None and d.finished_at >= d.received_at for d in finished)
    on_time = [d.finished_at <= d.due_at for d in finished if d.due_at is not None and d.status.value != "withdrawn"]
    assert sum(on_time) / len(on_time) > 0.95
