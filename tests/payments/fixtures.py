"""Fixtures of payment tests (registered in tests/conftest.py): the fake Stripe server behind the real SDK, and
dossiers awaiting their fee."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.catalogue.models import Procedure
from app.dossiers.models import ActorKind, Dossier, DossierStatus
from app.dossiers.services import Actor
from payments.services import PaymentService
from payments.stripe_gateway import StripeGateway
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS
from tests.fakes.stripe_server import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, FakeStripe, serve

FEE = 50_000


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    with serve(fake) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def payments(app, fake_stripe: FakeStripe, monkeypatch) -> PaymentService:
    """The app's payment service, talking to the fake Stripe server."""
    service: PaymentService = app.state.services.payments
    gateway = StripeGateway(SECRET_KEY, PUBLISHABLE_KEY, WEBHOOK_SECRET, fake_stripe.url)  # type: ignore[attr-defined]
    monkeypatch.setattr(service, "gateway", gateway)
    return service


async def request_payment(app, dossier: Dossier, officer_id: int) -> Dossier:
    """Intake, processing, then the officer asks for the fee."""
    service = app.state.services.dossiers
    staff = Actor(ActorKind.STAFF, officer_id)
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.PAYMENT_REQUESTED):
        dossier = await service.change_status(dossier, status, staff)
    return dossier


@pytest.fixture
async def awaiting_fee(app, cast) -> Dossier:
    """A dossier of the cast's citizen with a 50,000 dong fee, in PAYMENT_REQUESTED at Phường Hạ Long."""
    await Procedure.filter(code=BORDERLESS_5_DAYS).update(fee_vnd=FEE)
    dossier = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    return await request_payment(app, dossier, cast.officer.id)
