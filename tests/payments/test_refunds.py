"""Refunds: partial up to what was paid, idempotent per request key, final state from charge.refunded."""

from __future__ import annotations

import asyncio

import pytest

from app.errors import DomainError, ErrorCode
from payments.models import Payment, Refund, RefundStatus
from tests.fakes.stripe_server import event
from tests.payments.fixtures import FEE
from tests.payments.test_webhooks import paid, post


@pytest.fixture
async def paid_dossier(client, payments, awaiting_fee, fake_stripe):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)
    assert (await post(client, body)).json()["outcome"] == "APPLIED"
    return awaiting_fee, reference


async def refused(call) -> ErrorCode:
    with pytest.raises(DomainError) as error:
        await call
    return error.value.code


async def test_a_partial_refund_settles_when_stripe_confirms_it(client, payments, paid_dossier, fake_stripe, cast):
    dossier, reference = paid_dossier
    refund = await payments.refund(dossier, cast.officer.id, 20_000, "Hồ sơ bị từ chối", "req-1")

    assert refund.status is RefundStatus.PENDING and refund.gateway_reference in fake_stripe.refunds
    assert fake_stripe.refunds[refund.gateway_reference]["amount"] == 20_000
    assert f"refund-{refund.id}" in fake_stripe.idempotency_keys

    await post(client, event("charge.refunded", fake_stripe.charge(reference)))

    settled = await Refund.get(id=refund.id)
    assert settled.status is RefundStatus.SUCCEEDED and settled.settled_at is not None
    payment = await Payment.get(gateway_reference=reference)
    assert (payment.refunded_vnd, payment.refund_requested_vnd, payment.status) == (20_000, 20_000, "SUCCEEDED")


async def test_the_same_refund_request_twice_refunds_once(payments, paid_dossier, fake_stripe, cast):
    dossier, _ = paid_dossier
    first = await payments.refund(dossier, cast.officer.id, FEE, "Hồ sơ bị từ chối", "req-1")
    second = await payments.refund(dossier, cast.officer.id, FEE, "Hồ sơ bị từ chối", "req-1")

    assert first.id == second.id
    assert len(fake_stripe.refunds) == 1 and await Refund.all().count() == 1


async def test_a_second_full_refund_is_refused(payments, paid_dossier, fake_stripe, cast):
    dossier, _ = paid_dossier
    await payments.refund(dossier, cast.officer.id, FEE, "Hồ sơ bị từ chối", "req-1")

    code = await refused(payments.refund(dossier, cast.officer.id, FEE, "Hồ sơ bị từ chối", "req-2"))

    assert code is ErrorCode.REFUND_EXCEEDS_PAID
    assert len(fake_stripe.refunds) == 1 and await Refund.all().count() == 1


async def test_refunds_above_what_was_paid_are_refused_and_change_nothing(payments, paid_dossier, fake_stripe, cast):
    dossier, reference = paid_dossier
    await payments.refund(dossier, cast.officer.id, 30_000, "Giảm lệ phí sau khi nộp", "req-1")

    assert await refused(payments.refund(dossier, cast.officer.id, 20_001, "Thêm", "req-2")) is (
        ErrorCode.REFUND_EXCEEDS_PAID
    )
    assert await refused(payments.refund(dossier, cast.officer.id, FEE + 1, "Thêm", "req-3")) is (
        ErrorCode.REFUND_EXCEEDS_PAID
    )
    assert await refused(payments.refund(dossier, cast.officer.id, 0, "Thêm", "req-4")) is ErrorCode.INVALID_AMOUNT
    assert await refused(payments.refund(dossier, cast.officer.id, 1_000, "  ", "req-5")) is ErrorCode.REASON_REQUIRED
    assert (await Payment.get(gateway_reference=reference)).refund_requested_vnd == 30_000
    assert len(fake_stripe.refunds) == 1
    await payments.refund(dossier, cast.officer.id, 20_000, "Phần còn lại", "req-6")  # exactly the rest is fine
    assert fake_stripe.refunded(reference) == FEE


async def test_a_refused_refund_releases_its_reservation(payments, paid_dossier, fake_stripe, cast):
    dossier, reference = paid_dossier
    fake_stripe.failing = True
    assert await refused(payments.refund(dossier, cast.officer.id, FEE, "Hồ sơ bị từ chối", "req-1")) is (
        ErrorCode.PAYMENT_GATEWAY_ERROR
    )
    assert (await Refund.get(request_key="req-1")).status is RefundStatus.FAILED
    assert (await Payment.get(gateway_reference=reference)).refund_requested_vnd == 0

    fake_stripe.failing = False
    await payments.refund(dossier, cast.officer.id, FEE, "Hồ sơ bị từ chối", "req-2")
    assert fake_stripe.refunded(reference) == FEE


async def test_nothing_to_refund_before_payment(payments, awaiting_fee, cast):
    assert await refused(payments.refund(awaiting_fee, cast.officer.id, 1_000, "x", "req-1")) is (
        ErrorCode.NOTHING_TO_REFUND
    )


async def test_concurrent_refunds_never_exceed_what_was_paid(payments, paid_dossier, fake_stripe, cast):
    dossier, reference = paid_dossier

    async def attempt(n: int) -> str:
        try:
            await payments.refund(dossier, cast.officer.id, 20_000, "Hoàn một phần", f"req-{n}")
        except DomainError as error:
            return error.code
        return "OK"

    outcomes = await asyncio.gather(*(attempt(n) for n in range(6)))

    assert sorted(outcomes) == ["OK", "OK"] + [ErrorCode.REFUND_EXCEEDS_PAID] * 4
    assert fake_stripe.refunded(reference) == 40_000
    assert (await Payment.get(gateway_reference=reference)).refund_requested_vnd == 40_000
