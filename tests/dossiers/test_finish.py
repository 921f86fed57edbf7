"""What finishing records for the quality figures: the result-ready moment and the working time it took."""

from __future__ import annotations

from datetime import timedelta

from app.dossiers.models import ActorKind, Dossier, DossierStatus
from app.dossiers.services import Actor
from app.working_days import working_time_between

S = DossierStatus


async def test_finishing_stores_working_time_and_returning_keeps_the_finish(app, cast, dossier):
    service = app.state.services.dossiers
    staff = Actor(ActorKind.STAFF, cast.officer.id)
    for status in (S.RECEIVED, S.PROCESSING):
        dossier = await service.change_status(dossier, status, staff)
    received = dossier.received_at - timedelta(days=3)  # as if received three days ago
    await Dossier.filter(id=dossier.id).update(received_at=received)
    dossier = await Dossier.get(id=dossier.id)

    ready = await service.change_status(dossier, S.RESULT_READY, staff)
    stored = await Dossier.get(id=dossier.id)
    expected = working_time_between(received, stored.finished_at).total_seconds()
    assert stored.working_seconds_taken == int(expected) and expected > 0

    await service.change_status(ready, S.RETURNED, staff)
    returned = await Dossier.get(id=dossier.id)
    assert returned.status is S.RETURNED
    assert (returned.finished_at, returned.working_seconds_taken) == (stored.finished_at, stored.working_seconds_taken)


async def test_a_dossier_closed_before_receipt_has_no_working_time(app, cast, dossier):
    closed = await app.state.services.dossiers.change_status(dossier, S.DENIED, Actor(ActorKind.STAFF, cast.officer.id))
    stored = await Dossier.get(id=closed.id)
    assert stored.finished_at is not None and stored.working_seconds_taken is None
