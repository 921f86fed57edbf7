"""Fees through the GraphQL API: checkout for the owner only, receipts, staff exemptions and per-unit counts,
manager refunds, centre takings, payment issues, and simulatePayment in development only."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from strawberry import relay

from app.accounts.models import Citizen, StaffRole
from app.container import build_services
from app.dossiers.models import Dossier, DossierStatus
from app.main import create_app
from app.settings import Settings
from app.working_days import LOCAL_TZ
from payments.models import Payment, PaymentStatus, ProcedureFeeItem
from tests.conftest import GraphQLClient
from tests.dossier_data import BAI_CHAY, HA_LONG
from tests.fakes.sms import RecordingSmsSender
from tests.fakes.stripe_server import event
from tests.payments.fixtures import FEE
from tests.payments.test_webhooks import paid, post

CHECKOUT = """mutation($code: String!) { createFeeCheckout(input: {dossierCode: $code}) {
  fee { totalVnd lines { label amountVnd } }
  checkout { paymentIntentClientSecret customerId customerSessionClientSecret publishableKey amountVnd currency
             payment { status amountVnd } }
  errors { code field message } } }"""
DOSSIER = """query($code: String!) { dossier(code: $code) { status fee { totalVnd }
  payments { status amountVnd paidAt } receipt { number amountVnd payerName dossierCode centre { code }
  lines { label amountVnd } } } }"""
RECEIPT = "query($n: String!) { receipt(number: $n) { number amountVnd dossierCode } }"
REFUND = """mutation($input: RefundFeeInput!) { refundFee(input: $input) { refund { amountVnd status reason }
  errors { code field } } }"""
EXEMPT = """mutation($input: ApplyFeeExemptionInput!) { applyFeeExemption(input: $input) {
  fee { totalVnd lines { label amountVnd } } errors { code field message } } }"""
QUANTITIES = """mutation($input: SetFeeItemQuantitiesInput!) { setFeeItemQuantities(input: $input) {
  fee { totalVnd lines { label quantity amountVnd } } errors { code field } } }"""
TAKINGS = """query($c: ID!, $f: Date!, $t: Date!) { centrePayments(centreId: $c, from: $f, to: $t) {
  report { amountVnd refundedVnd days { date count amountVnd refundedVnd netVnd } receipts { number } }
  } }"""
ISSUES = "query($c: ID!) { paymentIssues(centreId: $c) { kind gatewayReference detail } }"
SIMULATE = """mutation($code: String!, $ok: Boolean!) { simulatePayment(input: {dossierCode: $code, succeeded: $ok}) {
  outcome errors { code } } }"""


def centre_id(centre) -> str:
    return str(relay.GlobalID("Centre", str(centre.id)))


async def test_the_owner_checks_out_pays_and_reads_the_receipt(
    gql, client, payments, awaiting_fee, fake_stripe, cast, sign_in_citizen
):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]

    result = (await gql(CHECKOUT, {"code": awaiting_fee.code}, token))["data"]["createFeeCheckout"]

    assert result["errors"] == []
    checkout = result["checkout"]
    intent = next(iter(fake_stripe.intents.values()))
    assert checkout["paymentIntentClientSecret"] == intent["client_secret"]
    assert checkout["customerId"] == intent["customer"]
    assert checkout["customerSessionClientSecret"].startswith("cuss_secret_")
    assert (checkout["publishableKey"], checkout["amountVnd"], checkout["currency"]) == ("pk_test_fake", FEE, "vnd")
    assert checkout["payment"] == {"status": "PENDING", "amountVnd": FEE}
    assert result["fee"] == {"totalVnd": FEE, "lines": [{"label": "Lệ phí", "amountVnd": FEE}]}

    await post(client, event("payment_intent.succeeded", fake_stripe.succeed(intent["id"])))
    dossier = (await gql(DOSSIER, {"code": awaiting_fee.code}, token, locale="en"))["data"]["dossier"]
    assert dossier["status"] == "PROCESSING"
    assert [(p["status"], p["amountVnd"]) for p in dossier["payments"]] == [("SUCCEEDED", FEE)]
    receipt = dossier["receipt"]
    assert (receipt["amountVnd"], receipt["payerName"], receipt["dossierCode"]) == (
        FEE,
        "Nguyễn Thị Hoa",
        awaiting_fee.code,
    )
    assert receipt["centre"] == {"code": HA_LONG} and receipt["lines"] == [{"label": "Fee", "amountVnd": FEE}]
    by_number = (await gql(RECEIPT, {"n": receipt["number"]}, token))["data"]["receipt"]
    assert by_number["dossierCode"] == awaiting_fee.code

    again = (await gql(CHECKOUT, {"code": awaiting_fee.code}, token))["data"]["createFeeCheckout"]
    assert again["errors"][0]["code"] == "ALREADY_PAID" and again["checkout"] is None


async def test_another_citizens_dossier_is_not_found(gql, payments, awaiting_fee, fake_stripe, sign_in_citizen):
    stranger = (await sign_in_citizen("+84912000999"))["accessToken"]

    result = (await gql(CHECKOUT, {"code": awaiting_fee.code}, stranger, locale="en"))["data"]["createFeeCheckout"]

    assert result["errors"] == [
        {"code": "DOSSIER_NOT_FOUND", "field": "dossierCode", "message": "The dossier was not found."}
    ]
    assert fake_stripe.requests == [] and await Payment.all().count() == 0
    assert (await gql(DOSSIER, {"code": awaiting_fee.code}, stranger))["data"]["dossier"] is None


async def test_receipts_are_private(
    gql, client, payments, awaiting_fee, fake_stripe, cast, sign_in_citizen, sign_in_staff
):
    _, body = await paid(payments, awaiting_fee, fake_stripe)
    await post(client, body)
    number = (await Payment.first().prefetch_related("receipt")).receipt.number
    stranger = (await sign_in_citizen("+84912000999"))["accessToken"]
    other_centre = (await sign_in_staff("o@bc.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    own_centre = (await sign_in_staff("o@hl.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]

    assert (await gql(RECEIPT, {"n": number}, stranger))["data"]["receipt"] is None
    assert (await gql(RECEIPT, {"n": number}, other_centre))["data"]["receipt"] is None
    assert (await gql(RECEIPT, {"n": number.lower()}, own_centre))["data"]["receipt"]["number"] == number


async def test_only_managers_of_the_handling_centre_refund(
    gql, client, payments, awaiting_fee, fake_stripe, sign_in_staff
):
    _, body = await paid(payments, awaiting_fee, fake_stripe)
    await post(client, body)
    officer = (await sign_in_staff("o@hl.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    other_manager = (await sign_in_staff("m@bc.vn", StaffRole.MANAGER, BAI_CHAY))["accessToken"]
    manager = (await sign_in_staff("m@hl.vn", StaffRole.MANAGER, HA_LONG))["accessToken"]
    refund = {"dossierCode": awaiting_fee.code, "amountVnd": FEE, "reason": "Từ chối", "idempotencyKey": "k-1"}

    assert (await gql(REFUND, {"input": refund}, officer))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(REFUND, {"input": refund}, other_manager))["data"]["refundFee"]["errors"] == [
        {"code": "DOSSIER_NOT_FOUND", "field": "dossierCode"}  # the name the client sent, not the domain's
    ]
    done = (await gql(REFUND, {"input": refund}, manager))["data"]["refundFee"]
    assert done == {"refund": {"amountVnd": FEE, "status": "PENDING", "reason": "Từ chối"}, "errors": []}
    repeat = (await gql(REFUND, {"input": refund}, manager))["data"]["refundFee"]
    assert repeat["refund"]["amountVnd"] == FEE and len(fake_stripe.refunds) == 1
    more = (await gql(REFUND, {"input": {**refund, "idempotencyKey": "k-2"}}, manager))["data"]["refundFee"]
    assert more["errors"] == [{"code": "REFUND_EXCEEDS_PAID", "field": "amountVnd"}]


async def test_staff_count_items_and_waive_fees_with_a_reason(
    gql, payments, awaiting_fee, fake_stripe, cast, sign_in_staff
):
    await ProcedureFeeItem.create(
        procedure_id=awaiting_fee.procedure_id, code="copy", name_vi="Bản sao", name_en="Copy", unit_price_vnd=5_000
    )
    officer = (await sign_in_staff("o@hl.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    counted = {"dossierCode": awaiting_fee.code, "items": [{"itemCode": "copy", "quantity": 3}]}

    fee = (await gql(QUANTITIES, {"input": counted}, officer, locale="en"))["data"]["setFeeItemQuantities"]
    assert fee["fee"]["totalVnd"] == FEE + 15_000
    assert fee["fee"]["lines"][1] == {"label": "Copy", "quantity": 3, "amountVnd": 15_000}
    unknown = {"dossierCode": awaiting_fee.code, "items": [{"itemCode": "page", "quantity": 1}]}
    assert (await gql(QUANTITIES, {"input": unknown}, officer))["data"]["setFeeItemQuantities"]["errors"] == [
        {"code": "FEE_ITEM_NOT_FOUND", "field": "items"}
    ]

    no_reason = {"dossierCode": awaiting_fee.code, "reason": " ", "amountVnd": 1_000}
    assert (await gql(EXEMPT, {"input": no_reason}, officer))["data"]["applyFeeExemption"]["errors"][0]["code"] == (
        "REASON_REQUIRED"
    )
    too_much = {"dossierCode": awaiting_fee.code, "reason": "Hộ nghèo", "amountVnd": FEE + 15_001}
    assert (await gql(EXEMPT, {"input": too_much}, officer))["data"]["applyFeeExemption"]["errors"][0]["code"] == (
        "INVALID_AMOUNT"
    )
    everything = {"dossierCode": awaiting_fee.code, "reason": "Hộ nghèo"}
    waived = (await gql(EXEMPT, {"input": everything}, officer))["data"]["applyFeeExemption"]
    assert waived["errors"] == [] and waived["fee"]["totalVnd"] == 0
    assert (await Dossier.get(id=awaiting_fee.id)).status is DossierStatus.PROCESSING


@pytest.mark.usefixtures("weekday_morning")  # the payment and "today" on one local day, whenever the suite runs
async def test_centre_payments_give_daily_totals_to_that_centres_staff(
    gql, client, payments, awaiting_fee, fake_stripe, cast, sign_in_staff
):
    reference, body = await paid(payments, awaiting_fee, fake_stripe)
    await post(client, body)
    await payments.refund(awaiting_fee, cast.officer.id, 10_000, "Giảm", "k-1")
    await post(client, event("charge.refunded", fake_stripe.charge(reference)))
    today = datetime.now(LOCAL_TZ).date()
    officer = (await sign_in_staff("o@hl.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    other = (await sign_in_staff("o@bc.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    week = {"c": centre_id(cast.ha_long), "f": str(today - timedelta(days=6)), "t": str(today)}

    report = (await gql(TAKINGS, week, officer))["data"]["centrePayments"]["report"]

    assert len(report["days"]) == 7 and report["days"][-1]["date"] == str(today)
    assert report["days"][-1] == {"date": str(today), "count": 1, "amountVnd": FEE, "refundedVnd": 10_000,
                                  "netVnd": FEE - 10_000}  # fmt: skip
    assert all(day["count"] == 0 for day in report["days"][:-1])
    assert (report["amountVnd"], report["refundedVnd"], len(report["receipts"])) == (FEE, 10_000, 1)
    assert (await gql(TAKINGS, week, other))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    too_long = {**week, "f": str(today - timedelta(days=31))}
    [refused] = (await gql(TAKINGS, too_long, officer))["errors"]
    assert refused["extensions"] == {"code": "BAD_USER_INPUT", "argument": "from", "reason": "INVALID_DATE_RANGE"}


async def test_managers_see_payment_issues_of_their_centre(
    gql, client, payments, awaiting_fee, fake_stripe, cast, sign_in_staff
):
    reference, _ = await paid(payments, awaiting_fee, fake_stripe)
    await post(client, event("payment_intent.succeeded", {**fake_stripe.intents[reference], "amount": 1}))
    manager = (await sign_in_staff("m@hl.vn", StaffRole.MANAGER, HA_LONG))["accessToken"]
    officer = (await sign_in_staff("o@hl.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]

    issues = (await gql(ISSUES, {"c": centre_id(cast.ha_long)}, manager))["data"]["paymentIssues"]

    assert [(i["kind"], i["gatewayReference"]) for i in issues] == [("AMOUNT_MISMATCH", reference)]
    assert (await gql(ISSUES, {"c": centre_id(cast.ha_long)}, officer))["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )


async def test_simulate_payment_exists_only_in_development_and_takes_the_webhook_path(
    app, gql, settings, awaiting_fee, cast, sign_in_citizen
):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    absent = await gql(SIMULATE, {"code": awaiting_fee.code, "ok": True}, token)
    assert absent["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    development = Settings(app_env="development", database_url=settings.database_url)
    dev_app = create_app(development, build_services(development, sms=RecordingSmsSender()))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(dev_app), base_url="http://dev") as http:
        dev_gql = GraphQLClient(http)
        checkout = (await dev_gql(CHECKOUT, {"code": awaiting_fee.code}, token))["data"]["createFeeCheckout"]
        assert checkout["checkout"]["publishableKey"] == "pk_simulated"
        declined = (await dev_gql(SIMULATE, {"code": awaiting_fee.code, "ok": False}, token))["data"]
        assert declined["simulatePayment"]["outcome"] == "APPLIED"
        assert (await Payment.get()).status is PaymentStatus.FAILED
        simulated = (await dev_gql(SIMULATE, {"code": awaiting_fee.code, "ok": True}, token))["data"]
        assert simulated["simulatePayment"] == {"outcome": "APPLIED", "errors": []}

    assert (await Payment.get()).status is PaymentStatus.SUCCEEDED
    dossier = (await gql(DOSSIER, {"code": awaiting_fee.code}, token))["data"]["dossier"]
    assert dossier["status"] == "PROCESSING" and dossier["receipt"]["amountVnd"] == FEE
    assert await Citizen.all().count() == 1
