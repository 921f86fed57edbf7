"""Every legal and illegal status change, by every kind of actor, through the dossier service."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from app.dossiers.lifecycle import TRANSITIONS
from app.dossiers.models import ActorKind, Dossier, DossierEvent, DossierStatus, SupplementRequest
from app.dossiers.services import Actor
from app.errors import DomainError, ErrorCode

CASES = list(product(DossierStatus, DossierStatus, ActorKind))


async def attempt(service, dossier: Dossier, target: DossierStatus, actor: ActorKind, cast) -> Dossier:
    """Use the public action a real caller of that kind would use to reach `target`."""
    if actor is ActorKind.CITIZEN and target is DossierStatus.WITHDRAWN:
        return await service.withdraw(dossier, cast.citizen.id)
    supplying = dossier.status is DossierStatus.SUPPLEMENT_REQUESTED and target is DossierStatus.PROCESSING
    if actor is ActorKind.CITIZEN and supplying:
        return await service.supply_documents(dossier, cast.citizen.id, ["Bản sao CCCD"])
    if actor is ActorKind.STAFF and target is DossierStatus.SUPPLEMENT_REQUESTED:
        deadline = datetime.now(UTC) + timedelta(days=3)
        return await service.request_supplement(dossier, cast.officer.id, ["Bản sao CCCD"], deadline)
    actor_id = {ActorKind.CITIZEN: cast.citizen.id, ActorKind.STAFF: cast.officer.id}.get(actor)
    return await service.change_status(dossier, target, Actor(actor, actor_id))


@pytest.mark.parametrize(("current", "target", "actor"), CASES, ids=lambda v: str(getattr(v, "value", v)))
async def test_transition(app, cast, dossier, current, target, actor):
    service = app.state.services.dossiers
    await Dossier.filter(id=dossier.id).update(status=current)
    await dossier.refresh_from_db()
    if current is DossierStatus.SUPPLEMENT_REQUESTED:
        await SupplementRequest.create(
            dossier=dossier,
            items=["x"],
            deadline=datetime.now(UTC) + timedelta(days=2),
            requested_by=cast.officer,
            created_at=datetime.now(UTC),
        )
    events_before = await DossierEvent.filter(dossier_id=dossier.id).count()
    legal = actor in TRANSITIONS.get((current, target), ())

    if legal:
        changed = await attempt(service, dossier, target, actor, cast)
        stored = await Dossier.get(id=dossier.id)
        assert changed.status is target and stored.status is target
        last = await DossierEvent.filter(dossier_id=dossier.id).order_by("-id").first()
        assert (last.from_status, last.to_status, last.actor_kind) == (current, target, actor)
    else:
        with pytest.raises(DomainError) as refused:
            await attempt(service, dossier, target, actor, cast)
        assert refused.value.code in (ErrorCode.ILLEGAL_TRANSITION, ErrorCode.NO_OPEN_SUPPLEMENT_REQUEST)
        assert (await Dossier.get(id=dossier.id)).status is current
        assert await DossierEvent.filter(dossier_id=dossier.id).count() == events_before


async def test_a_stale_copy_cannot_overwrite_a_newer_change(app, cast, dossier):
    service = app.state.services.dossiers
    stale = await Dossier.get(id=dossier.id)
    await service.change_status(dossier, DossierStatus.RECEIVED, Actor(ActorKind.STAFF, cast.officer.id))
    with pytest.raises(DomainError) as refused:
        await service.change_status(stale, DossierStatus.DENIED, Actor(ActorKind.STAFF, cast.officer.id))
    assert refused.value.code is ErrorCode.DOSSIER_CHANGED
    assert (await Dossier.get(id=dossier.id)).status is DossierStatus.RECEIVED


async def test_events_go_out_only_for_committed_changes(app, cast, dossier):
    service = app.state.services.dossiers
    async with app.state.services.bus.subscribe(f"dossier:{dossier.id}") as messages:
        stale = await Dossier.get(id=dossier.id)
        await service.change_status(dossier, DossierStatus.RECEIVED, Actor(ActorKind.STAFF, cast.officer.id))
        for refused in (DossierStatus.DENIED, DossierStatus.RETURNED):
            with pytest.raises(DomainError):
                await service.change_status(
                    stale if refused is DossierStatus.DENIED else dossier,
                    refused,
                    Actor(ActorKind.STAFF, cast.officer.id),
                )
        published = [await asyncio.wait_for(anext(messages), 1)]
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(messages), 0.2)
    assert [m["dossierId"] for m in published] == [dossier.id]
