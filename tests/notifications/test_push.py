"""FcmPushSender (firebase-admin's public credential API for tokens, its own HTTP client for FCM v1) against the
loopback fake FCM server."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from notifications.push import (
    MAX_IN_FLIGHT,
    FcmPushSender,
    LogPushSender,
    PushMessage,
    PushOutcome,
    build_push_sender,
    classify,
)
from tests.fakes.fcm_server import FakeFcm


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """Push needs no database: replaces the suite's table-emptying fixture."""


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeFcm]:
    with FakeFcm() as server:
        yield server


@pytest.fixture(scope="module")
def credentials(fake: FakeFcm, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fake.credentials_file(tmp_path_factory.mktemp("fcm"))


@pytest.fixture
async def sender(fake: FakeFcm, credentials: Path) -> AsyncIterator[FcmPushSender]:
    push = FcmPushSender(str(credentials), fake.url, backoff_base=0.05)
    yield push
    await push.close()


def stalled_on_the_wire(fake: FakeFcm, sent: list[PushMessage]) -> int:
    return len({m["fid"] for m in fake.received} & {m.token for m in sent})


def message(prefix: str = "device", **overrides: object) -> PushMessage:
    """A message to a fresh token starting with `prefix`; its reminderId is the token."""
    token = f"{prefix}-{uuid.uuid4().hex}"
    fields: dict = {
        "token": token,
        "title": "Hồ sơ cần bổ sung",
        "body": "Hồ sơ 123456789012 còn 2 ngày làm việc để bổ sung giấy tờ",
        "deep_link": "dossier/123456789012",
        "data": {"reminderId": token},
    }
    return PushMessage(**(fields | overrides))


async def test_a_message_reaches_fcm_with_what_the_app_needs(fake: FakeFcm, sender: FcmPushSender) -> None:
    sent = message(urgent=True, channel="deadlines", badge=3, ttl_seconds=7200)

    [result] = await sender.send([sent])

    assert (result.outcome, result.attempts, result.token) == (PushOutcome.SENT, 1, sent.token)
    [received] = [m for m in fake.received if m.get("fid") == sent.token]
    assert received["data"] == {"reminderId": sent.token, "link": "dossier/123456789012"}
    assert received["android"]["priority"] == "high"
    assert received["android"]["ttl"] == "7200s"
    assert received["android"]["notification"]["channel_id"] == "deadlines"
    assert received["apns"]["headers"]["apns-priority"] == "10"
    assert received["apns"]["payload"]["aps"]["badge"] == 3
    assert received["apns"]["payload"]["aps"]["alert"]["title"] == "Hồ sơ cần bổ sung"
    assert fake.accepted[sent.token] == 1


async def test_wire_format_of_one_message(fake: FakeFcm, sender: FcmPushSender) -> None:
    sent = message(data={"reminderId": "wire-1", "kind": "appointment_24h"}, deep_link="appointment/42")
    before = time.time()

    await sender.send([sent])

    [received] = [m for m in fake.received if m.get("fid") == sent.token]
    apns_headers = received["apns"]["headers"]
    expires = int(apns_headers.pop("apns-expiration"))
    assert before + 86400 - 1 <= expires <= time.time() + 86400
    assert received == {
        "fid": sent.token,
        "data": {"reminderId": "wire-1", "kind": "appointment_24h", "link": "appointment/42"},
        "android": {
            "priority": "normal",
            "ttl": "86400s",
            "notification": {"title": sent.title, "body": sent.body, "channel_id": "general"},
        },
        "apns": {
            "headers": {"apns-priority": "5"},
            "payload": {"aps": {"alert": {"title": sent.title, "body": sent.body}, "sound": "default"}},
        },
    }


@pytest.mark.parametrize("prefix", ["dead", "invalid"])
async def test_unregistered_and_invalid_tokens_are_dead(prefix: str, fake: FakeFcm, sender: FcmPushSender) -> None:
    sent = message(prefix)

    [result] = await sender.send([sent])

    assert result.outcome is PushOutcome.DEAD_TOKEN
    assert result.attempts == 1
    assert fake.counts[sent.token] == 1  # never retried
    assert result.error.startswith("UNREGISTERED: " if prefix == "dead" else "INVALID_ARGUMENT: ")


async def test_busy_server_is_retried_after_retry_after_and_only_the_failed_message_is_resent(
    fake: FakeFcm, sender: FcmPushSender
) -> None:
    first, busy, last = message(), message("busy"), message()
    started = time.monotonic()

    results = await sender.send([first, busy, last])

    assert time.monotonic() - started >= 1.0  # Retry-After: 1
    assert [(r.token, r.outcome, r.attempts) for r in results] == [
        (first.token, PushOutcome.SENT, 1),
        (busy.token, PushOutcome.SENT, 2),
        (last.token, PushOutcome.SENT, 1),
    ]
    assert [fake.counts[m.token] for m in (first, busy, last)] == [1, 2, 1]
    assert fake.accepted[busy.token] == 1


async def test_quota_exceeded_is_retried(fake: FakeFcm, sender: FcmPushSender) -> None:
    sent = message("quota")

    [result] = await sender.send([sent])

    assert (result.outcome, result.attempts) == (PushOutcome.SENT, 2)
    assert fake.counts[sent.token] == 2


async def test_a_message_failing_on_every_attempt_is_transient(fake: FakeFcm, credentials: Path) -> None:
    push = FcmPushSender(str(credentials), fake.url, max_attempts=3, backoff_base=0.01)
    sent = message("down")
    try:
        [result] = await push.send([sent])
    finally:
        await push.close()

    assert (result.outcome, result.attempts) == (PushOutcome.TRANSIENT, 3)
    assert result.error.startswith("INTERNAL: ")
    assert fake.counts[sent.token] == 3


async def test_a_large_call_delivers_each_message_once_in_order(fake: FakeFcm, sender: FcmPushSender) -> None:
    sent = [message("bulk") for _ in range(1201)]

    results = await sender.send(sent)

    assert [r.token for r in results] == [m.token for m in sent]
    assert {r.outcome for r in results} == {PushOutcome.SENT}
    accepted = fake.accepted
    assert all(accepted[m.token] == 1 for m in sent)


async def test_a_call_of_100_messages_is_all_on_the_wire_before_any_answer(
    fake: FakeFcm, sender: FcmPushSender
) -> None:
    await sender.send([message()])  # fetch the OAuth token first
    sent = [message("stalled") for _ in range(150)]
    fake.stall()
    try:
        sending = asyncio.create_task(sender.send(sent))
        await asyncio.to_thread(fake.wait_received, fake.total + 100)
        await asyncio.to_thread(fake.wait_quiet, 0.5)
        assert stalled_on_the_wire(fake, sent) == MAX_IN_FLIGHT  # all of the first 100, and no more in flight
    finally:
        fake.resume()
    results = await asyncio.wait_for(sending, 30)
    assert {r.outcome for r in results} == {PushOutcome.SENT}


async def test_a_rejected_oauth_token_is_refreshed_once_and_the_sends_repeated(
    fake: FakeFcm, sender: FcmPushSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sender.send([message()])  # fetch the OAuth token first
    credential = sender._credential
    fetches: list[object] = []
    real_fetch = credential.get_access_token

    def counted_fetch() -> object:
        fetches.append(1)
        return real_fetch()

    monkeypatch.setattr(credential, "get_access_token", counted_fetch)
    sender._token = "ya29.revoked"  # unexpired as far as the sender knows: only FCM's 401 tells
    sent = [message() for _ in range(20)]

    results = await sender.send(sent)

    assert {(r.outcome, r.attempts) for r in results} == {(PushOutcome.SENT, 1)}
    assert len(fetches) == 1  # one new token shared by the 20 rejected requests
    assert sender._token != "ya29.revoked"
    assert all(fake.accepted[m.token] == 1 for m in sent)


async def test_the_access_token_is_fetched_once_and_kept(
    fake: FakeFcm, credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    push = FcmPushSender(str(credentials), fake.url)
    fetches: list[object] = []
    real_fetch = push._credential.get_access_token

    def counted_fetch() -> object:
        fetches.append(1)
        return real_fetch()

    monkeypatch.setattr(push._credential, "get_access_token", counted_fetch)
    try:
        await push.ready()
        for _ in range(3):
            assert {r.outcome for r in await push.send([message() for _ in range(10)])} == {PushOutcome.SENT}
    finally:
        await push.close()

    assert len(fetches) == 1  # the fake's tokens live an hour


async def test_an_unreachable_server_is_transient_and_retried(credentials: Path) -> None:
    push = FcmPushSender(str(credentials), "http://127.0.0.1:1", max_attempts=2, backoff_base=0.01)
    try:
        [result] = await push.send([message()])
    finally:
        await push.close()

    assert (result.outcome, result.attempts) == (PushOutcome.TRANSIENT, 2)
    assert result.error.startswith("UNAVAILABLE: ")


async def test_a_message_without_token_is_rejected_without_sending(sender: FcmPushSender) -> None:
    results = await sender.send([message(token=""), message()])

    assert [(r.outcome, r.attempts) for r in results] == [(PushOutcome.REJECTED, 0), (PushOutcome.SENT, 1)]


def test_an_invalid_payload_is_rejected_not_a_dead_token() -> None:
    body = {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "Invalid data payload key: from"}}

    outcome, text = classify(400, json.dumps(body).encode())

    assert outcome is PushOutcome.REJECTED
    assert text == "INVALID_ARGUMENT: Invalid data payload key: from"


async def test_the_service_account_json_text_itself_works(fake: FakeFcm, credentials: Path) -> None:
    push = FcmPushSender(await asyncio.to_thread(credentials.read_text), fake.url)
    try:
        [result] = await push.send([message()])
    finally:
        await push.close()

    assert result.outcome is PushOutcome.SENT


async def test_log_sender_logs_and_reports_sent(caplog: pytest.LogCaptureFixture) -> None:
    sender = build_push_sender("", "https://fcm.googleapis.com")
    assert isinstance(sender, LogPushSender)
    sent = message()

    with caplog.at_level(logging.INFO, logger="notifications.push"):
        [result] = await sender.send([sent])
    await sender.close()

    assert (result.token, result.outcome) == (sent.token, PushOutcome.SENT)
    assert sent.token in caplog.text and "dossier/123456789012" in caplog.text


async def test_credentials_select_the_fcm_sender(fake: FakeFcm, credentials: Path) -> None:
    sender = build_push_sender(str(credentials), fake.url)
    try:
        assert isinstance(sender, FcmPushSender)
        assert json.loads(await asyncio.to_thread(credentials.read_text))["token_uri"] == f"{fake.url}/token"
    finally:
        await sender.close()


async def test_without_an_access_token_it_is_not_ready_and_sends_are_transient(
    fake: FakeFcm, credentials: Path
) -> None:
    service_account = json.loads(await asyncio.to_thread(credentials.read_text))
    service_account["token_uri"] = "http://127.0.0.1:1/token"  # nobody answers
    push = FcmPushSender(json.dumps(service_account), fake.url, max_attempts=1)
    try:
        assert await push.ready() is False
        [result] = await push.send([message()])
    finally:
        await push.close()

    assert result.outcome is PushOutcome.TRANSIENT
    assert result.error.startswith("UNAUTHENTICATED: ")
