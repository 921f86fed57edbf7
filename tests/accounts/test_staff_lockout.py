"""Guessing staff passwords: a few failures lock that account from that IP, an account or an IP under attack from
many sides is locked for a short while only, a success clears its failures, and a locked attempt costs no Argon2."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.accounts import staff as staff_module
from app.accounts.models import StaffRole
from app.accounts.staff import create_staff
from tests.conftest import SIGN_IN_STAFF, STAFF_PASSWORD

EMAIL = "officer@test.vn"
OFFICE = "203.0.113.10"
ATTACKER = "198.51.100.66"


async def attempt(gql, password: str, client_ip: str, email: str = EMAIL) -> list[str]:
    """The error codes of one sign-in from `client_ip` (behind the trusted proxy); [] when it worked."""
    variables = {"email": email, "password": password}
    headers = {"X-Forwarded-For": client_ip, "Accept-Language": "en"}
    response = await gql.http.post("/graphql", json={"query": SIGN_IN_STAFF, "variables": variables}, headers=headers)
    payload = response.json()["data"]["signInStaff"]
    assert (payload["session"] is None) == bool(payload["errors"])
    return [error["code"] for error in payload["errors"]]


@pytest.fixture
async def officer(catalogue) -> None:
    await create_staff(EMAIL, STAFF_PASSWORD, StaffRole.OFFICER, "06688")


@pytest.fixture
def argon2_checks(monkeypatch) -> list[str]:
    """Records every password the sign-in hashes with Argon2."""
    checked: list[str] = []
    real = staff_module.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        checked.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(staff_module, "verify_password", counting)
    return checked


async def test_wrong_passwords_lock_that_account_from_that_ip_only(gql, officer, settings):
    assert settings.staff_sign_in_failures_per_account_and_ip == "5/15 minutes"
    start = datetime.now(UTC)
    answers = [await attempt(gql, f"guess {n}", ATTACKER) for n in range(8)]
    assert answers == [["INVALID_CREDENTIALS"]] * 5 + [["TOO_MANY_SIGN_IN_ATTEMPTS"]] * 3
    assert await attempt(gql, STAFF_PASSWORD, ATTACKER) == ["TOO_MANY_SIGN_IN_ATTEMPTS"]
    assert await attempt(gql, STAFF_PASSWORD, OFFICE) == []
    with time_machine.travel(start + timedelta(minutes=16)):
        assert await attempt(gql, STAFF_PASSWORD, ATTACKER) == []


async def test_the_lockout_error_says_how_long_to_wait(gql, officer):
    for n in range(5):
        await attempt(gql, f"guess {n}", ATTACKER)
    variables = {"email": EMAIL, "password": "guess"}
    headers = {"X-Forwarded-For": ATTACKER, "Accept-Language": "en"}
    response = await gql.http.post("/graphql", json={"query": SIGN_IN_STAFF, "variables": variables}, headers=headers)
    [error] = response.json()["data"]["signInStaff"]["errors"]
    assert error["code"] == "TOO_MANY_SIGN_IN_ATTEMPTS"
    seconds = int(error["message"].removeprefix("Too many failed sign-in attempts. Please try again in ").split()[0])
    assert 850 <= seconds <= 900


async def test_a_burst_of_guesses_gets_five_argon2_checks(gql, officer, argon2_checks):
    answers = await asyncio.gather(*(attempt(gql, f"guess {n}", ATTACKER) for n in range(20)))
    assert len(argon2_checks) == 5
    assert sorted(answers) == [["INVALID_CREDENTIALS"]] * 5 + [["TOO_MANY_SIGN_IN_ATTEMPTS"]] * 15


async def test_a_success_clears_the_failures_of_that_account_and_ip(gql, officer):
    for n in range(4):
        assert await attempt(gql, f"typo {n}", OFFICE) == ["INVALID_CREDENTIALS"]
    assert await attempt(gql, STAFF_PASSWORD, OFFICE) == []
    for n in range(4):
        assert await attempt(gql, f"typo {n}", OFFICE) == ["INVALID_CREDENTIALS"]
    assert await attempt(gql, STAFF_PASSWORD, OFFICE) == []


async def test_guesses_from_many_addresses_lock_the_account_briefly(gql, officer, settings, argon2_checks):
    assert settings.staff_sign_in_failures_per_account == "20/10 minutes"
    start = datetime.now(UTC)
    for n in range(20):
        assert await attempt(gql, "guess", f"198.51.100.{n}") == ["INVALID_CREDENTIALS"]
    assert await attempt(gql, STAFF_PASSWORD, OFFICE) == ["TOO_MANY_SIGN_IN_ATTEMPTS"]
    assert len(argon2_checks) == 20
    with time_machine.travel(start + timedelta(minutes=11)):
        assert await attempt(gql, STAFF_PASSWORD, OFFICE) == []


async def test_one_address_guessing_across_accounts_is_stopped(gql, catalogue, settings):
    assert settings.staff_sign_in_failures_per_ip == "50/15 minutes"
    answers = [await attempt(gql, "guess", ATTACKER, email=f"user{n}@test.vn") for n in range(51)]
    assert answers == [["INVALID_CREDENTIALS"]] * 50 + [["TOO_MANY_SIGN_IN_ATTEMPTS"]]
    assert await attempt(gql, "guess", OFFICE, email="user60@test.vn") == ["INVALID_CREDENTIALS"]
