"""Sign-in codes cost the province an SMS each: bursts for one phone, many phones from one client, and one app
installation asking too often are all refused with a coded error, and nothing is sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import time_machine

from app.accounts.models import SignInCode
from tests.conftest import REQUEST_CODE

REQUEST_WITH_INSTALLATION = """mutation($phone: String!, $installation: String) {
  requestSignInCode(input: {phone: $phone, installationId: $installation}) { phone errors { code field message } } }"""


def phone(n: int) -> str:
    return f"+8491200{n:04d}"


async def request_code(gql, number: str, client_ip: str = "198.51.100.7", locale: str | None = None) -> dict:
    """Ask for a code as a client at `client_ip` behind the trusted proxy (the test transport's 127.0.0.1)."""
    headers = {"X-Forwarded-For": client_ip, "Accept-Language": locale or "vi"}
    response = await gql.http.post(
        "/graphql", json={"query": REQUEST_CODE, "variables": {"phone": number}}, headers=headers
    )
    return response.json()["data"]["requestSignInCode"]


def codes(payloads: list[dict]) -> list[str]:
    return [error["code"] for payload in payloads for error in payload["errors"]]


async def test_twenty_simultaneous_requests_for_one_phone_send_exactly_one_sms(gql, sms):
    answers = await asyncio.gather(*(request_code(gql, phone(1), f"198.51.100.{n}") for n in range(20)))
    assert len(sms.messages) == 1
    assert await SignInCode.all().count() == 1
    assert sorted(codes(answers)) == ["SIGN_IN_CODE_RATE_LIMITED"] * 19


async def test_one_client_cannot_pump_sms_to_many_phones(gql, sms, settings):
    assert settings.sign_in_codes_per_ip == "10/minute;60/hour"
    start = datetime.now(UTC)
    answers = [await request_code(gql, phone(n), locale="en") for n in range(30)]
    assert len(sms.messages) == 10
    refused = answers[10:]
    assert codes(refused) == ["TOO_MANY_REQUESTS"] * 20 and all(a["phone"] is None for a in refused)
    message = refused[0]["errors"][0]["message"]
    assert message.startswith("Too many requests from this device or network. Please try again in ")
    assert await SignInCode.all().count() == 10
    assert (await request_code(gql, phone(40), client_ip="203.0.113.9"))["errors"] == []
    with time_machine.travel(start + timedelta(seconds=61)):
        assert (await request_code(gql, phone(41)))["errors"] == []


async def test_the_forwarded_address_counts_only_from_a_trusted_proxy(app, sms):
    """A client connecting directly cannot pose as many clients by sending X-Forwarded-For itself."""
    transport = httpx.ASGITransport(app, client=("192.0.2.50", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as direct:
        for n in range(11):
            headers = {"X-Forwarded-For": f"198.51.100.{n}"}
            body = {"query": REQUEST_CODE, "variables": {"phone": phone(n)}}
            answer = (await direct.post("/graphql", json=body, headers=headers)).json()["data"]["requestSignInCode"]
    assert codes([answer]) == ["TOO_MANY_REQUESTS"]
    assert len(sms.messages) == 10


async def test_one_app_installation_is_limited_across_phones(gql, sms):
    async def ask(number: str, installation: str | None) -> dict:
        variables = {"phone": number, "installation": installation}
        return (await gql(REQUEST_WITH_INSTALLATION, variables))["data"]["requestSignInCode"]

    answers = [await ask(phone(n), "fid-abc") for n in range(4)]
    assert codes(answers) == ["TOO_MANY_REQUESTS"] and answers[3]["phone"] is None
    assert (await ask(phone(5), "fid-other"))["errors"] == []
    invalid = await ask(phone(6), "has spaces")
    assert [(e["code"], e["field"]) for e in invalid["errors"]] == [("INVALID_DEVICE_TOKEN", "installationId")]
    assert len(sms.messages) == 4


async def test_a_failed_sms_counts_against_no_limit(gql, sms):
    sms.failing = True
    answers = [await request_code(gql, phone(n)) for n in range(12)]
    assert codes(answers) == ["SMS_DELIVERY_FAILED"] * 12
    sms.failing = False
    assert (await request_code(gql, phone(0)))["errors"] == []
