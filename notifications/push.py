"""Push delivery through Firebase Cloud Messaging's HTTP v1 API: the only module that imports firebase_admin.

`FcmPushSender` posts each message to FCM's documented endpoint, `POST {api_base}/v1/projects/{project}/messages:send`
with body `{"message": {...}}`, over its own aiohttp client (keep-alive HTTP/1.1), authorised by an OAuth access
token from firebase-admin's public credential API (`credentials.Certificate(...).get_access_token()`, run in a
worker thread and kept until 5 minutes before it expires, or until FCM answers 401). It classifies each answer
by FCM's documented error codes, and re-sends only the transiently failed messages with exponential backoff and
full jitter, honouring Retry-After. `LogPushSender` stands in for development. Both satisfy `PushSender`.

Concurrency: at most `in_flight_limit` (100) requests are in flight per sender, over as many connections, so
every message of a `send()` call of at most 100 messages is written to the network before any of its answers is
awaited; the rest of a larger call waits for a free slot.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

import aiohttp
import google.auth.exceptions
from firebase_admin import credentials

logger = logging.getLogger(__name__)

MAX_IN_FLIGHT = 100  # requests on the wire at once, per sender
REQUEST_TIMEOUT_SECONDS = 30.0
TOKEN_RENEW_BEFORE_SECONDS = 300.0  # a token is replaced this long before it expires
DEAD_TOKEN_CODES = {"UNREGISTERED", "SENDER_ID_MISMATCH"}  # the app is gone, or the token belongs to another sender
TRANSIENT_STATUSES = {429, 500, 503}  # QUOTA_EXCEEDED / RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE
TARGET_FIELDS = {"message.token", "message.fid"}
_FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


@dataclass(frozen=True)
class PushMessage:
    """One notification to one device."""

    token: str  # the device's FCM registration identifier (a Firebase installation ID)
    title: str
    body: str
    deep_link: str  # "dossier/<code>" or "appointment/<id>", sent as data["link"] for the app to route
    data: dict[str, str]  # extra data, always including "reminderId"
    urgent: bool = False  # Android priority high and apns-priority 10, else normal and 5
    channel: str = "general"  # Android notification channel id
    ttl_seconds: int = 86400
    badge: int | None = None  # APNs badge: the unread count


class PushOutcome(StrEnum):
    SENT = "sent"
    DEAD_TOKEN = "dead_token"  # unregistered, not a valid token, or of another sender: delete the device
    TRANSIENT = "transient"  # unavailable, internal or quota, still failing after the retries
    REJECTED = "rejected"  # anything else, including timeouts and dropped connections: maybe delivered, not re-sent


@dataclass(frozen=True)
class PushResult:
    token: str
    outcome: PushOutcome
    error: str = ""  # FCM's error code and message, for logs and the reminder's last_error
    attempts: int = 1  # how many times the message was sent (retries + 1)


class PushSender(Protocol):
    in_flight_limit: int  # a send() of at most this many messages writes them all before awaiting any answer

    async def ready(self) -> bool:
        """Get what sending needs beforehand (an access token), so that send() goes straight to the network;
        whether it is at hand (never raises)."""
        ...

    async def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Deliver `messages`; one result per message, in the same order."""
        ...

    async def close(self) -> None: ...


class LogPushSender:
    """Development stand-in: logs each message and reports it sent."""

    in_flight_limit = MAX_IN_FLIGHT

    async def ready(self) -> bool:
        return True

    async def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        for message in messages:
            logger.info("push to %s: %s | %s -> %s", message.token, message.title, message.body, message.deep_link)
        return [PushResult(message.token, PushOutcome.SENT) for message in messages]

    async def close(self) -> None:
        pass


class FcmPushSender:
    """Sends to FCM's HTTP v1 API with a service account's OAuth tokens.

    `credentials`: a service-account JSON file's path, or the JSON itself; its `project_id` names the FCM project,
    its `token_uri` is where tokens come from. `api_base`: FCM's address (a loopback fake in tests).
    Transient failures are re-sent up to `max_attempts` sends in all, waiting Retry-After when the response has
    one, else a uniform random time below min(backoff_cap, backoff_base * 2 ** retry); Retry-After is capped by
    `backoff_cap` too. Use one sender from one event loop: its connections belong to the loop that opened them.
    """

    in_flight_limit = MAX_IN_FLIGHT

    def __init__(
        self,
        credentials: str,
        api_base: str = "https://fcm.googleapis.com",
        max_attempts: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
    ) -> None:
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._credential = _certificate(credentials)
        self._url = f"{api_base.rstrip('/')}/v1/projects/{self._credential.project_id}/messages:send"
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._session: aiohttp.ClientSession | None = None  # opened by the first request, in its event loop
        self._token = ""
        self._renew_at = 0.0  # time.monotonic() after which the token is replaced
        self._token_lock = asyncio.Lock()

    async def ready(self) -> bool:
        try:
            await self._access_token()
        except google.auth.exceptions.GoogleAuthError as error:
            logger.warning("push: no access token (%s)", error)
            return False
        return True

    async def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Deliver `messages`; one result per message, in the same order. A message without token is REJECTED."""
        results: list[PushResult | None] = [None] * len(messages)
        for index, message in enumerate(messages):
            if not message.token:
                results[index] = PushResult(message.token, PushOutcome.REJECTED, "empty token", attempts=0)
        pending = [index for index, result in enumerate(results) if result is None]
        bodies = {index: _encode(messages[index]) for index in pending}
        attempt = 0
        while pending:
            attempt += 1
            answers = await asyncio.gather(*(self._post(bodies[index]) for index in pending))
            waits: list[float] = []
            for index, (outcome, error, retry_after) in zip(pending, answers, strict=True):
                if outcome is PushOutcome.TRANSIENT and attempt < self.max_attempts:
                    if retry_after is not None:
                        waits.append(min(retry_after, self.backoff_cap))
                    continue
                results[index] = PushResult(messages[index].token, outcome, error, attempts=attempt)
            pending = [index for index in pending if results[index] is None]
            if pending:
                wait = max([self._backoff(attempt), *waits])
                logger.info("push: %d transient failures, re-sending in %.2f s", len(pending), wait)
                await asyncio.sleep(wait)
        return results  # type: ignore[return-value]

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _post(self, body: bytes) -> tuple[PushOutcome, str, float | None]:
        """One message sent once: its outcome, error text and Retry-After; a 401 renews the token and sends again."""
        async with self._in_flight:
            try:
                token = await self._access_token()
                status, headers, answer = await self._exchange(body, token)
                if status == 401:
                    token = await self._access_token(stale=token)
                    status, headers, answer = await self._exchange(body, token)
            except google.auth.exceptions.GoogleAuthError as error:
                return PushOutcome.TRANSIENT, f"UNAUTHENTICATED: no access token: {error}"[:300], None
            except aiohttp.ClientConnectorError as error:  # nothing was sent
                return PushOutcome.TRANSIENT, f"UNAVAILABLE: {error}"[:300], None
            except TimeoutError:
                return PushOutcome.REJECTED, "DEADLINE_EXCEEDED: no answer in time", None
            except aiohttp.ClientError as error:
                return PushOutcome.REJECTED, f"UNKNOWN: {type(error).__name__}: {error}"[:300], None
        if status == 200:
            return PushOutcome.SENT, "", None
        outcome, error = classify(status, answer)
        return outcome, error, _retry_after(headers.get("Retry-After"))

    async def _exchange(self, body: bytes, token: str) -> tuple[int, Any, bytes]:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=MAX_IN_FLIGHT),
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=UTF-8"}
        async with self._session.post(self._url, data=body, headers=headers) as response:
            return response.status, response.headers, await response.read()

    async def _access_token(self, stale: str = "") -> str:
        """A current access token other than `stale`; one fetch at a time, shared by every waiting request."""
        async with self._token_lock:
            if not self._token or self._token == stale or time.monotonic() >= self._renew_at:
                fetched = await asyncio.to_thread(self._credential.get_access_token)
                lifetime = (fetched.expiry - _utc_naive_now()).total_seconds() if fetched.expiry else 3600.0
                self._token = fetched.access_token
                self._renew_at = time.monotonic() + lifetime - TOKEN_RENEW_BEFORE_SECONDS
            return self._token

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2 ** (attempt - 1)))."""
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))


def build_push_sender(firebase_credentials: str, fcm_api_base: str) -> PushSender:
    """FCM when credentials are configured, else the logging stand-in."""
    if not firebase_credentials:
        return LogPushSender()
    return FcmPushSender(firebase_credentials, fcm_api_base)


def classify(status: int, body: bytes) -> tuple[PushOutcome, str]:
    """The outcome of an FCM error answer and "<FCM error code>: <message>" (see FCM's ErrorCode reference)."""
    try:
        error = json.loads(body)["error"]
        details = [detail for detail in error.get("details", []) if isinstance(detail, dict)]
    except (ValueError, KeyError, TypeError, AttributeError):
        error, details = {}, []
    code = next((d.get("errorCode") for d in details if d.get("@type") == _FCM_ERROR), None) or error.get(
        "status", f"HTTP_{status}"
    )
    text = f"{code}: {error.get('message', '')}"[:300]
    violated = {
        violation.get("field")
        for detail in details
        if detail.get("@type") == _BAD_REQUEST
        for violation in detail.get("fieldViolations", [])
    }
    if code in DEAD_TOKEN_CODES or (code == "INVALID_ARGUMENT" and violated & TARGET_FIELDS):
        return PushOutcome.DEAD_TOKEN, text
    if status in TRANSIENT_STATUSES:
        return PushOutcome.TRANSIENT, text
    return PushOutcome.REJECTED, text


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), if there is one."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _encode(message: PushMessage) -> bytes:
    """The request body: FCM v1's `Message` with Android and APNs configuration and the data payload with "link",
    addressed by `fid` (the Firebase installation ID that replaces the registration `token`)."""
    aps: dict[str, Any] = {"alert": {"title": message.title, "body": message.body}, "sound": "default"}
    if message.badge is not None:
        aps["badge"] = message.badge
    fcm_message = {
        "fid": message.token,
        "data": {**message.data, "link": message.deep_link},
        "android": {
            "priority": "high" if message.urgent else "normal",
            "ttl": f"{message.ttl_seconds}s",
            "notification": {"title": message.title, "body": message.body, "channel_id": message.channel},
        },
        "apns": {
            "headers": {
                "apns-priority": "10" if message.urgent else "5",
                "apns-expiration": str(int(time.time()) + message.ttl_seconds),
            },
            "payload": {"aps": aps},
        },
    }
    return json.dumps({"message": fcm_message}, ensure_ascii=False, separators=(",", ":")).encode()


def _certificate(service_account: str) -> credentials.Certificate:
    """A service account from a JSON file's path, or from the JSON text itself."""
    if service_account.lstrip().startswith("{"):
        return credentials.Certificate(json.loads(service_account))
    return credentials.Certificate(service_account)


def _utc_naive_now() -> datetime:
    """Now as google-auth states a token's expiry: a naive UTC datetime."""
    return datetime.now(UTC).replace(tzinfo=None)
