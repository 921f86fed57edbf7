"""A dossier in processing at Hạ Long and its signed result, issued by the centre's officer."""

from __future__ import annotations

import pytest

from app.dossiers.models import ActorKind, Dossier, DossierStatus
from app.dossiers.services import Actor
from app.results.models import SignedResult
from tests.results.pdfs import result_pdf


async def in_processing(app, dossier: Dossier, officer_id: int) -> Dossier:
    service = app.state.services.dossiers
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        dossier = await service.change_status(dossier, status, Actor(ActorKind.STAFF, officer_id))
    return dossier


@pytest.fixture
async def issued(app, cast, dossier) -> SignedResult:
    processing = await in_processing(app, dossier, cast.officer.id)
    return await app.state.services.results.issue(processing, cast.officer.id, cast.ha_long.id, result_pdf())


@pytest.fixture
async def signed_bytes(app, issued: SignedResult) -> bytes:
    await issued.fetch_related("document")
    storage = app.state.services.storage
    return b"".join([chunk async for chunk in storage.open(issued.document.original_key)])
