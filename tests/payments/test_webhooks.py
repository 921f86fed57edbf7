"""POST /webhooks/stripe with bodies signed by Stripe's real scheme: effects once, whatever the delivery does."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import pytest

from app.dossiers.models import Dossier, DossierEvent, DossierStatus
from app.dossiers.services import dossier_channel
from notifications.models import Reminder, ReminderKind
from payments.models import IssueKind, Payment, PaymentIssue, PaymentStatus, Receipt, WebhookEvent
from tests.fakes.stripe_server import event, sign
from tests.payments.fixtures import FEE


async def post(client, body: bytes, signature: str | None = None):
    return await client.post(
        "/webhooks/stripe",
        content=body,
        headers={
            "Stripe-Signature": sign(body) if signature is None else signature,
            "Content-Type": "application/json",
        },
    )


async def paid(payments, dossier, fake_stripe) -> tuple[str, bytes]:
    """Check out and pay at the fake: the intent's id and the succeeded event Stripe would send."""
    checkout = await payments.checkout(dossier)
    reference = checkout.intent.reference
    return reference, event("payment_intent.succeeded", fake_stripe.succeed(reference))


async def test_a_succeeded_event_records_the_payment_moves_the_dossier_issues_a_receipt_and_notifies(
    client, payments, awaiting_fee, fake_stripe, cast
):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)

    response = await post(client, body)

    assert response.status_code == 200 and response.json()["outcome"] == "APPLIED"
    payment = await Payment.get(gateway_reference=reference)
    assert payment.status is PaymentStatus.SUCCEEDED and payment.paid_at is not None
    dossier = await Dossier.get(id=awaiting_fee.id)
    assert dossier.status is DossierStatus.PROCESSING
    last = await DossierEvent.filter(dossier_id=dossier.id).order_by("-id").first()
    assert (last.from_status, last.to_status, last.actor_kind) == ("payment_requested", "processing", "system")
    receipt = await Receipt.get(payment_id=payment.id)
    assert last.note == f"Đã thanh toán {FEE} đồng, biên lai {receipt.number}."
    assert receipt.amount_vnd == FEE and receipt.centre_id == cast.ha_long.id
    assert (receipt.payer_name, receipt.payer_phone) == ("Nguyễn Thị Hoa", "+84912345678")
    assert receipt.lines == [{"label_vi": "Lệ phí", "label_en": "Fee", "unit_price_vnd": FEE, "quantity": 1,
                              "amount_vnd": FEE}]  # fmt: skip
    assert receipt.number.startswith("BL-") and receipt.number.endswith(f"-{payment.id:06d}")
    reminder = await Reminder.get(kind=ReminderKind.PAYMENT_RECEIVED)
    assert reminder.subject == f"payment:{payment.id}" and reminder.citizen_id == cast.citizen.id
    assert reminder.params == {"amountVnd": FEE, "receiptNumber": receipt.number, "dossierCode": dossier.code}
    told = await Reminder.filter(kind=ReminderKind.DOSSIER_UPDATED, subject__endswith=f":event:{last.id}").count()
    assert told == 0  # the payment's own notice says it: no second "moved on" notice


async def test_a_bad_signature_gets_400_and_changes_nothing(client, payments, awaiting_fee, fake_stripe):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)

    forged = await post(client, body, sign(body, secret="whsec_someone_else"))
    unsigned = await post(client, body, "")
    tampered = await post(client, body.replace(b'"amount": 50000', b'"amount": 1'), sign(body))

    assert [r.status_code for r in (forged, unsigned, tampered)] == [400, 400, 400]
    assert (await Payment.get(gateway_reference=reference)).status is PaymentStatus.PENDING
    assert await WebhookEvent.all().count() == 0 and await Receipt.all().count() == 0


async def test_a_stale_timestamp_gets_400(client, payments, awaiting_fee, fake_stripe):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)

    stale = await post(client, body, sign(body, timestamp=int(time.time()) - 301))

    assert stale.status_code == 400
    assert (await Payment.get(gateway_reference=reference)).status is PaymentStatus.PENDING
    assert (await post(client, body, sign(body, timestamp=int(time.time()) - 240))).status_code == 200


async def test_a_wrong_amount_is_not_taken_as_the_fee_and_is_reported(client, payments, awaiting_fee, fake_stripe):
    reference, _ = await paid(payments, awaiting_fee, fake_stripe)
    intent = {**fake_stripe.intents[reference], "amount": 5_000, "amount_received": 5_000}

    response = await post(client, event("payment_intent.succeeded", intent))

    assert response.status_code == 200 and response.json()["outcome"] == "MISMATCH"
    assert (await Payment.get(gateway_reference=reference)).status is PaymentStatus.PENDING
    assert (await Dossier.get(id=awaiting_fee.id)).status is DossierStatus.PAYMENT_REQUESTED
    assert await Receipt.all().count() == 0 and await Reminder.filter(kind=ReminderKind.PAYMENT_RECEIVED).count() == 0
    issue = await PaymentIssue.get(gateway_reference=reference)
    assert issue.kind is IssueKind.AMOUNT_MISMATCH and "5000 vnd, expected 50000 vnd" in issue.detail


async def test_metadata_naming_another_dossier_is_a_mismatch(client, payments, awaiting_fee, fake_stripe):
    reference, _ = await paid(payments, awaiting_fee, fake_stripe)
    intent = fake_stripe.intents[reference]
    forged = {**intent, "metadata": {**intent["metadata"], "dossier_code": "2611-0000-0000"}}

    response = await post(client, event("payment_intent.succeeded", forged))

    assert response.json()["outcome"] == "MISMATCH"
    assert (await Payment.get(gateway_reference=reference)).status is PaymentStatus.PENDING


async def test_an_unknown_intent_is_recorded_and_reported(client, payments, fake_stripe):
    stranger = {
        "id": "pi_unknown",
        "object": "payment_intent",
        "amount": 10_000,
        "currency": "vnd",
        "status": "succeeded",
        "metadata": {"dossier_code": "2611-4827-3913"},
        "created": int(time.time()),
    }

    response = await post(client, event("payment_intent.succeeded", stranger, "evt_unknown"))

    assert response.status_code == 200 and response.json()["outcome"] == "UNKNOWN_INTENT"
    assert await WebhookEvent.filter(event_id="evt_unknown").exists()
    assert (await PaymentIssue.get(gateway_reference="pi_unknown")).kind is IssueKind.UNKNOWN_INTENT
    assert await Payment.all().count() == 0


async def test_an_unhandled_event_type_gets_200_and_is_recorded(client, payments):
    body = event("customer.created", {"id": "cus_1", "object": "customer"}, "evt_other")

    response = await post(client, body)

    assert response.status_code == 200 and response.json()["outcome"] == "IGNORED"
    assert (await WebhookEvent.get(event_id="evt_other")).type == "customer.created"


async def test_a_failure_then_a_success_of_the_same_intent_ends_paid(client, payments, awaiting_fee, fake_stripe):
    checkout = await payments.checkout(awaiting_fee)
    reference = checkout.intent.reference
    failed = await post(client, event("payment_intent.payment_failed", fake_stripe.fail(reference)))
    assert failed.json()["outcome"] == "APPLIED"
    payment = await Payment.get(gateway_reference=reference)
    assert payment.status is PaymentStatus.FAILED and payment.failure_message == "Your card was declined."

    again = await payments.checkout(awaiting_fee)  # the app retries with the same intent
    assert again.intent.reference == reference
    await post(client, event("payment_intent.succeeded", fake_stripe.succeed(reference)))
    assert (await Payment.get(gateway_reference=reference)).status is PaymentStatus.SUCCEEDED


async def test_twenty_concurrent_replays_and_a_late_failure_make_one_payment_receipt_and_notification(
    client, payments, awaiting_fee, fake_stripe
):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)
    late_failure = {**fake_stripe.intents[reference], "status": "requires_payment_method",
                    "last_payment_error": {"message": "Your card was declined."}}  # fmt: skip
    failure_body = event("payment_intent.payment_failed", late_failure)

    responses = await asyncio.gather(*(post(client, body) for _ in range(20)))
    late = await post(client, failure_body)

    assert [r.status_code for r in responses] == [200] * 20
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes == ["APPLIED"] + ["DUPLICATE"] * 19
    assert late.status_code == 200 and late.json()["outcome"] == "STALE"
    payments_rows = await Payment.all()
    assert [(p.status, p.amount_vnd) for p in payments_rows] == [(PaymentStatus.SUCCEEDED, FEE)]
    assert await Receipt.all().count() == 1
    assert await Reminder.filter(kind=ReminderKind.PAYMENT_RECEIVED).count() == 1
    assert await WebhookEvent.all().count() == 2
    moves = await DossierEvent.filter(dossier_id=awaiting_fee.id, to_status=DossierStatus.PROCESSING).count()
    assert moves == 2  # staff's first move to processing, then the system's after payment


async def test_copies_under_other_event_ids_racing_the_first_make_one_payment(
    client, payments, awaiting_fee, fake_stripe
):
    _, body = await paid(payments, awaiting_fee, fake_stripe)
    copies = [json.dumps({**json.loads(body), "id": f"evt_copy_{n}"}).encode() for n in range(5)]

    responses = await asyncio.gather(*(post(client, copy) for copy in [body] * 10 + copies))

    assert Counter(r.json()["outcome"] for r in responses) == {"APPLIED": 1, "DUPLICATE": 9, "ALREADY_APPLIED": 5}
    assert await Receipt.all().count() == 1
    assert await Reminder.filter(kind=ReminderKind.PAYMENT_RECEIVED).count() == 1
    assert await DossierEvent.filter(dossier_id=awaiting_fee.id, actor_kind="system").count() == 1


async def test_a_success_delivered_under_another_event_id_changes_nothing_more(
    client, payments, awaiting_fee, fake_stripe
):
    _, body = await paid(payments, awaiting_fee, fake_stripe)
    resent = json.loads(body)
    resent["id"] = "evt_resent_by_a_second_endpoint"

    first = await post(client, body)
    second = await post(client, json.dumps(resent).encode())

    assert (first.json()["outcome"], second.json()["outcome"]) == ("APPLIED", "ALREADY_APPLIED")
    assert await Receipt.all().count() == 1


async def test_the_dossiers_move_is_published_once_the_payment_is_committed(
    app, client, payments, awaiting_fee, fake_stripe
):
    _, body = await paid(payments, awaiting_fee, fake_stripe)
    async with app.state.services.bus.subscribe(dossier_channel(awaiting_fee.id)) as messages:
        await post(client, body)
        message = await asyncio.wait_for(anext(messages), 5)
        await post(client, body)  # a replay publishes nothing
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(messages), 0.3)

    moved = await DossierEvent.get(id=message["eventId"])
    assert (moved.to_status, moved.actor_kind) == (DossierStatus.PROCESSING, "system")
    assert await Receipt.filter(dossier_id=awaiting_fee.id).exists()


async def test_a_payment_for_a_dossier_withdrawn_meanwhile_is_kept_and_reported(
    app, client, payments, awaiting_fee, fake_stripe, cast
):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)  # the citizen pays while withdrawing
    await app.state.services.dossiers.withdraw(await Dossier.get(id=awaiting_fee.id), cast.citizen.id)

    response = await post(client, body)

    assert response.json()["outcome"] == "APPLIED"
    assert (await Payment.get(gateway_reference=reference)).status is PaymentStatus.SUCCEEDED
    assert (await Dossier.get(id=awaiting_fee.id)).status is DossierStatus.WITHDRAWN
    issue = await PaymentIssue.get(gateway_reference=reference)
    assert issue.kind is IssueKind.UNEXPECTED_PAYMENT and "withdrawn" in issue.detail
