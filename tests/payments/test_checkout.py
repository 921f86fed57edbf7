"""createFeeCheckout's service: one intent per fee version, a customer per citizen, and fees that skip checkout."""

from __future__ import annotations

import asyncio

import pytest

from app.catalogue.models import Procedure
from app.dossiers.models import Dossier, DossierEvent, DossierStatus
from app.errors import DomainError, ErrorCode
from payments.models import GatewayCustomer, Payment, PaymentStatus
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS
from tests.payments.fixtures import FEE, request_payment


async def test_checkout_creates_one_intent_for_the_exact_fee_with_what_the_payment_sheet_needs(
    payments, awaiting_fee, fake_stripe, cast
):
    checkout = await payments.checkout(awaiting_fee)

    assert checkout.fee.total_vnd == FEE
    intent = fake_stripe.intents[checkout.intent.reference]
    assert (intent["amount"], intent["currency"]) == (FEE, "vnd")
    assert intent["metadata"] == {
        "dossier_code": awaiting_fee.code,
        "dossier_id": str(awaiting_fee.id),
        "citizen_id": str(cast.citizen.id),
        "fee_version": "1",
    }
    assert checkout.intent.client_secret == intent["client_secret"]
    assert checkout.customer == intent["customer"] in fake_stripe.customers
    assert checkout.customer_session_secret.startswith("cuss_secret_")
    assert checkout.publishable_key == "pk_test_fake"
    assert f"dossier-{awaiting_fee.id}-fee-v1-attempt-1" in fake_stripe.idempotency_keys
    assert f"customer-{cast.citizen.id}" in fake_stripe.idempotency_keys
    payment = await Payment.get(gateway_reference=intent["id"])
    assert (payment.amount_vnd, payment.status, payment.gateway) == (FEE, PaymentStatus.PENDING, "stripe")


async def test_checkout_twice_and_concurrently_returns_the_same_intent(payments, awaiting_fee, fake_stripe):
    first = await payments.checkout(awaiting_fee)
    again = await asyncio.gather(*(payments.checkout(awaiting_fee) for _ in range(5)))

    assert {c.intent.reference for c in again} == {first.intent.reference}
    assert len(fake_stripe.intents) == 1 and len(fake_stripe.customers) == 1
    assert await Payment.all().count() == 1 and await GatewayCustomer.all().count() == 1


async def test_a_changed_fee_cancels_the_old_intent_first(payments, awaiting_fee, fake_stripe, cast):
    old = await payments.checkout(awaiting_fee)
    fee = await payments.exempt(awaiting_fee, cast.officer.id, 20_000, "Hộ nghèo được giảm lệ phí")
    assert fee.total_vnd == FEE - 20_000 and fee.version == 2
    assert fake_stripe.intents[old.intent.reference]["status"] == "canceled"

    new = await payments.checkout(awaiting_fee)
    assert new.intent.reference != old.intent.reference
    assert fake_stripe.intents[new.intent.reference]["amount"] == 30_000
    assert f"dossier-{awaiting_fee.id}-fee-v2-attempt-1" in fake_stripe.idempotency_keys
    statuses = {p.gateway_reference: p.status for p in await Payment.all()}
    assert statuses == {old.intent.reference: PaymentStatus.CANCELED, new.intent.reference: PaymentStatus.PENDING}
    lines = [(line.label_en, line.amount_vnd) for line in new.fee.lines]
    assert lines == [("Fee", FEE), ("Exemption", -20_000)]


async def test_a_full_exemption_moves_the_dossier_on_without_payment(payments, awaiting_fee, fake_stripe, cast):
    fee = await payments.exempt(awaiting_fee, cast.officer.id, None, "Người có công với cách mạng")
    assert fee.total_vnd == 0
    dossier = await Dossier.get(id=awaiting_fee.id)
    assert dossier.status is DossierStatus.PROCESSING
    assert fake_stripe.requests == []


async def test_a_fee_of_zero_skips_checkout(app, payments, cast, fake_stripe):
    await Procedure.filter(code=BORDERLESS_5_DAYS).update(fee_vnd=0)
    dossier = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    dossier = await request_payment(app, dossier, cast.officer.id)

    checkout = await payments.checkout(dossier)

    assert checkout.intent is None and checkout.fee.total_vnd == 0
    assert (await Dossier.get(id=dossier.id)).status is DossierStatus.PROCESSING
    last = await DossierEvent.filter(dossier_id=dossier.id).order_by("-id").first()
    assert last.actor_kind == "system"
    assert fake_stripe.requests == []


async def test_an_unknown_fee_cannot_be_checked_out(app, payments, cast, fake_stripe):
    await Procedure.filter(code=BORDERLESS_5_DAYS).update(fee_vnd=None)
    dossier = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    dossier = await request_payment(app, dossier, cast.officer.id)

    with pytest.raises(DomainError) as refused:
        await payments.checkout(dossier)
    assert refused.value.code is ErrorCode.FEE_UNKNOWN
    assert fake_stripe.requests == [] and await Payment.all().count() == 0


async def test_no_checkout_before_payment_is_requested(payments, dossier, fake_stripe):
    with pytest.raises(DomainError) as refused:
        await payments.checkout(dossier)
    assert refused.value.code is ErrorCode.PAYMENT_NOT_REQUESTED


async def test_a_gateway_outage_is_a_coded_error_and_records_nothing(payments, awaiting_fee, fake_stripe):
    fake_stripe.failing = True
    with pytest.raises(DomainError) as refused:
        await payments.checkout(awaiting_fee)
    assert refused.value.code is ErrorCode.PAYMENT_GATEWAY_ERROR
    assert await Payment.all().count() == 0
