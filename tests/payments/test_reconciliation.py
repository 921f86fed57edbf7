"""Reconciliation repairs payments whose webhook never came, and reports what it cannot repair."""

from __future__ import annotations

from app.dossiers.models import Dossier, DossierStatus
from notifications.models import Reminder, ReminderKind
from payments.models import IssueKind, Payment, PaymentIssue, PaymentStatus, Receipt
from payments.reconciliation import open_issues, reconcile_payments
from tests.payments.test_webhooks import paid, post


async def test_a_lost_webhook_is_repaired_by_the_same_path_once(client, payments, awaiting_fee, fake_stripe):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)  # paid at Stripe, webhook lost

    report = await reconcile_payments(payments)

    assert report.repaired == [reference] and report.issues == []
    assert (await Payment.get(gateway_reference=reference)).status is PaymentStatus.SUCCEEDED
    assert (await Dossier.get(id=awaiting_fee.id)).status is DossierStatus.PROCESSING
    assert await Receipt.all().count() == 1
    assert await Reminder.filter(kind=ReminderKind.PAYMENT_RECEIVED).count() == 1

    again = await reconcile_payments(payments)
    late_webhook = await post(client, body)
    assert again.repaired == [] and again.checked == 1
    assert late_webhook.json()["outcome"] == "ALREADY_APPLIED"
    assert await Receipt.all().count() == 1


async def test_a_cancellation_is_repaired_and_open_intents_are_left_alone(payments, awaiting_fee, fake_stripe):
    checkout = await payments.checkout(awaiting_fee)

    assert (await reconcile_payments(payments)).repaired == []
    fake_stripe.intents[checkout.intent.reference]["status"] = "canceled"
    assert (await reconcile_payments(payments)).repaired == [checkout.intent.reference]
    assert (await Payment.get(gateway_reference=checkout.intent.reference)).status is PaymentStatus.CANCELED


async def test_mismatches_are_reported_to_the_centre(client, payments, awaiting_fee, fake_stripe, cast):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)
    await post(client, body)
    fake_stripe.intents[reference]["status"] = "requires_payment_method"  # Stripe no longer shows it paid

    report = await reconcile_payments(payments)

    assert report.issues == [reference]
    issues = await open_issues(cast.ha_long.id)
    assert [(i.kind, i.gateway_reference) for i in issues] == [(IssueKind.STATUS_MISMATCH, reference)]
    assert await open_issues(cast.bai_chay.id) == []
    await reconcile_payments(payments)
    assert await PaymentIssue.all().count() == 1  # reported once
