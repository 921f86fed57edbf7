"""Citizen sign-in by SMS code, through the GraphQL API: the happy path and every failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from app.accounts.models import Citizen, SignInCode
from tests.conftest import REQUEST_CODE, SIGN_IN

PHONE = "+84912345678"


async def request_code(gql, phone: str = PHONE, locale: str | None = None) -> dict:
    return (await gql(REQUEST_CODE, {"phone": phone}, locale=locale))["data"]["requestSignInCode"]


async def sign_in(gql, code: str, phone: str = PHONE, locale: str | None = None) -> dict:
    return (await gql(SIGN_IN, {"phone": phone, "code": code}, locale=locale))["data"]["signIn"]


def error_codes(payload: dict) -> list[str]:
    return [error["code"] for error in payload["errors"]]


async def test_first_sign_in_creates_the_citizen_and_returns_tokens(gql, sms):
    sent = await request_code(gql, phone="0912 345 678")
    assert sent["errors"] == [] and sent["phone"] == PHONE
    assert sms.messages[-1][0] == PHONE

    result = await sign_in(gql, sms.last_code(PHONE), phone="+84 912 345 678")

    assert result["errors"] == []
    session = result["session"]
    assert session["me"]["__typename"] == "Citizen" and session["me"]["phone"] == PHONE
    assert session["accessToken"] and session["refreshToken"]
    assert await Citizen.filter(phone=PHONE).count() == 1
    me = await gql("{ me { ... on Citizen { phone locale } } }", token=session["accessToken"])
    assert me["data"]["me"] == {"phone": PHONE, "locale": "VI"}


async def test_signing_in_again_reuses_the_account(gql, sms, sign_in_citizen):
    first = await sign_in_citizen(PHONE)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2)):
        second = await sign_in_citizen(PHONE)
    assert first["me"]["id"] == second["me"]["id"]
    assert await Citizen.all().count() == 1


async def test_wrong_code_is_refused_and_the_right_one_still_works(gql, sms):
    await request_code(gql)
    right = sms.last_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"

    refused = await sign_in(gql, wrong)
    assert refused["session"] is None
    assert refused["errors"] == [{"code": "SIGN_IN_CODE_WRONG", "field": "code", "message": "Mã xác thực không đúng."}]
    assert await Citizen.all().count() == 0
    assert (await sign_in(gql, right))["errors"] == []


async def test_expired_code_is_refused(gql, sms):
    await request_code(gql)
    await SignInCode.filter(phone=PHONE).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    result = await sign_in(gql, sms.last_code(PHONE))
    assert error_codes(result) == ["SIGN_IN_CODE_EXPIRED"] and result["session"] is None


async def test_a_code_works_only_once(gql, sms):
    await request_code(gql)
    code = sms.last_code(PHONE)
    assert (await sign_in(gql, code))["errors"] == []
    assert error_codes(await sign_in(gql, code)) == ["SIGN_IN_CODE_USED"]


async def test_too_many_wrong_attempts_burn_the_code(gql, sms, settings):
    await request_code(gql)
    right = sms.last_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(settings.sign_in_code_max_attempts):
        assert error_codes(await sign_in(gql, wrong)) == ["SIGN_IN_CODE_WRONG"]
    assert error_codes(await sign_in(gql, right)) == ["SIGN_IN_CODE_ATTEMPTS_EXCEEDED"]
    assert await Citizen.all().count() == 0


async def test_only_the_latest_code_counts(gql, sms):
    await request_code(gql)
    old = sms.last_code(PHONE)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2)):
        await request_code(gql)
        new = sms.last_code(PHONE)
        if old != new:
            assert error_codes(await sign_in(gql, old)) == ["SIGN_IN_CODE_WRONG"]
        assert (await sign_in(gql, new))["errors"] == []


async def test_no_code_requested_reads_as_expired(gql):
    assert error_codes(await sign_in(gql, "123456")) == ["SIGN_IN_CODE_EXPIRED"]


async def test_asking_again_too_soon_is_rate_limited_with_the_wait_in_english(gql, sms):
    await request_code(gql)
    limited = await request_code(gql, locale="en")
    assert limited["phone"] is None
    assert error_codes(limited) == ["SIGN_IN_CODE_RATE_LIMITED"]
    assert limited["errors"][0]["message"].startswith("Too many codes requested. Please try again in ")
    assert len(sms.messages) == 1


async def test_hourly_limit_on_codes(gql, sms, settings):
    start = datetime.now(UTC)
    per_hour = settings.sign_in_codes_per_hour
    for n in range(per_hour):
        with time_machine.travel(start + timedelta(minutes=2 * n)):
            assert (await request_code(gql))["errors"] == []
    with time_machine.travel(start + timedelta(minutes=2 * per_hour)):
        assert error_codes(await request_code(gql)) == ["SIGN_IN_CODE_RATE_LIMITED"]
    assert len(sms.messages) == per_hour
    with time_machine.travel(start + timedelta(minutes=61)):
        assert (await request_code(gql))["errors"] == []


async def test_invalid_phone_is_refused_without_sending(gql, sms):
    for phone in ["12345", "not a phone", "+1 202 555 01"]:
        result = await request_code(gql, phone=phone)
        assert error_codes(result) == ["INVALID_PHONE"] and result["errors"][0]["field"] == "phone"
    assert sms.messages == [] and await SignInCode.all().count() == 0


async def test_sms_gateway_failure_is_reported_and_leaves_no_code(gql, sms):
    sms.failing = True
    assert error_codes(await request_code(gql)) == ["SMS_DELIVERY_FAILED"]
    assert await SignInCode.all().count() == 0
    sms.failing = False
    assert (await request_code(gql))["errors"] == []


async def test_codes_are_stored_hashed(gql, sms):
    await request_code(gql)
    row = await SignInCode.get(phone=PHONE)
    assert sms.last_code(PHONE) not in row.code_hash and len(row.code_hash) == 64
