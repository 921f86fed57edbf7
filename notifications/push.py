"""Push delivery through Firebase Cloud Messaging: the only module that imports firebase_admin.

`FcmPushSender` sends with `messaging.send_each_async` (at most 500 messages a call), classifies each result, and
re-sends only the transiently failed messages with exponential backoff and full jitter, honouring Retry-After.
`LogPushSender` stands in for development. Both satisfy `PushSender`.

Concurrency: at most 100 requests are in flight per sender (a semaphore in `_FcmHttpClient`, over a pool of 100
keep-alive connections, matching httpx's default of 100). So every message of a `send()` call of at most 100
messages is written to the network before any of its responses is awaited; the rest of a larger call waits for a
free slot.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import firebase_admin
import httpx
from firebase_admin import _http_client, credentials, exceptions, messaging

logger = logging.getLogger(__name__)

MAX_BATCH = 500  # FCM's limit for one send_each_async call
MAX_IN_FLIGHT = 100  # requests on the wire at once, per sender
REQUEST_TIMEOUT_SECONDS = 30.0


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
    error: str = ""  # short error code and text, for logs and the reminder's last_error
    attempts: int = 1  # how many times the message was sent (retries + 1)


class PushSender(Protocol):
    async def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Deliver `messages`; one result per message, in the same order."""
        ...

    async def close(self) -> None: ...


class LogPushSender:
    """Development stand-in: logs each message and reports it sent."""

    async def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        for message in messages:
            logger.info("push to %s: %s | %s -> %s", message.token, message.title, message.body, message.deep_link)
        return [PushResult(message.token, PushOutcome.SENT) for message in messages]

    async def close(self) -> None:
        pass


class FcmPushSender:
    """Sends through firebase-admin under a Firebase app of its own, deleted by `close()`.

    `credentials`: a service-account JSON file's path, or the JSON itself. `api_base`: FCM's address (a loopback
    fake in tests); OAuth tokens come from the service account's `token_uri` as it is.
    Transient failures are re-sent up to `max_attempts` sends in all, waiting Retry-After when the response has
    one, else a uniform random time below min(backoff_cap, backoff_base * 2 ** retry); Retry-After is capped by
    `backoff_cap` too.
    """

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
        self._app = firebase_admin.initialize_app(
            _certificate(credentials),
            {"httpTimeout": REQUEST_TIMEOUT_SECONDS},
            name=f"push-{uuid.uuid4().hex}",
        )
        self._http_clients = _configure_messaging(self._app, api_base)

    async def send(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Deliver `messages`; one result per message, in the same order. A message without token is REJECTED."""
        results: list[PushResult | None] = [None] * len(messages)
        for index, message in enumerate(messages):
            if not message.token:
                results[index] = PushResult(message.token, PushOutcome.REJECTED, "empty token", attempts=0)
        pending = [index for index, result in enumerate(results) if result is None]
        attempt = 0
        while pending:
            attempt += 1
            retry_afters = await self._send_once(messages, pending, attempt, results)
            pending = [index for index in pending if results[index] is None]
            if not pending:
                break
            wait = max([self._backoff(attempt), *retry_afters])
            logger.info("push: %d transient failures, re-sending in %.2f s", len(pending), wait)
            await asyncio.sleep(wait)
        return results  # type: ignore[return-value]

    async def close(self) -> None:
        """Close the HTTP clients, then delete the Firebase app."""
        for client in self._http_clients:
            await client.aclose()
        # delete_app closes the service with asyncio.run(), which cannot run inside this loop: give it a thread.
        await asyncio.to_thread(firebase_admin.delete_app, self._app)

    async def _send_once(
        self, messages: Sequence[PushMessage], pending: list[int], attempt: int, results: list[PushResult | None]
    ) -> list[float]:
        """Send `pending` once, record final results, return the Retry-After waits of the transient failures."""
        batches = [pending[start : start + MAX_BATCH] for start in range(0, len(pending), MAX_BATCH)]
        responses = await asyncio.gather(
            *(messaging.send_each_async([_fcm_message(messages[i]) for i in batch], app=self._app) for batch in batches)
        )
        waits: list[float] = []
        last_attempt = attempt == self.max_attempts
        for batch, response in zip(batches, responses, strict=True):
            for index, sent in zip(batch, response.responses, strict=True):
                token = messages[index].token
                if sent.success:
                    results[index] = PushResult(token, PushOutcome.SENT, attempts=attempt)
                    continue
                outcome, error = classify(sent.exception)
                if outcome is PushOutcome.TRANSIENT and not last_attempt:
                    wait = _retry_after(sent.exception)
                    if wait is not None:
                        waits.append(min(wait, self.backoff_cap))
                    continue
                results[index] = PushResult(token, outcome, error, attempts=attempt)
        return waits

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2 ** (attempt - 1)))."""
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))


def build_push_sender(firebase_credentials: str, fcm_api_base: str) -> PushSender:
    """FCM when credentials are configured, else the logging stand-in."""
    if not firebase_credentials:
        return LogPushSender()
    return FcmPushSender(firebase_credentials, fcm_api_base)


def classify(error: exceptions.FirebaseError | None) -> tuple[PushOutcome, str]:
    """The outcome of a failed send and a short description: "<CODE>: <message>"."""
    text = f"{type(error).__name__}: {error}"[:300]
    if isinstance(error, messaging.UnregisteredError | messaging.SenderIdMismatchError):
        return PushOutcome.DEAD_TOKEN, text
    if isinstance(error, exceptions.InvalidArgumentError) and _blames_target(error):
        return PushOutcome.DEAD_TOKEN, text
    if isinstance(error, exceptions.UnavailableError | exceptions.InternalError | exceptions.ResourceExhaustedError):
        return PushOutcome.TRANSIENT, text
    return PushOutcome.REJECTED, text


def _blames_target(error: exceptions.FirebaseError) -> bool:
    """Whether an INVALID_ARGUMENT names the token (not the payload): only then is the device dead."""
    try:
        details = error.http_response.json()["error"].get("details", [])
    except (AttributeError, ValueError, KeyError, TypeError):
        return False
    fields = {
        violation.get("field")
        for detail in details
        if detail.get("@type") == "type.googleapis.com/google.rpc.BadRequest"
        for violation in detail.get("fieldViolations", [])
    }
    return bool(fields & {"message.token", "message.fid"})


def _retry_after(error: exceptions.FirebaseError | None) -> float | None:
    """Seconds the response's Retry-After header asks for (delta-seconds or an HTTP date), if it has one."""
    response = getattr(error, "http_response", None)
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _fcm_message(message: PushMessage) -> messaging.Message:
    """Android and APNs configuration and the data payload with "link"; addressed by `fid` (`token` is
    deprecated in firebase-admin 7)."""
    return messaging.Message(
        fid=message.token,
        data={**message.data, "link": message.deep_link},
        android=messaging.AndroidConfig(
            priority="high" if message.urgent else "normal",
            ttl=message.ttl_seconds,
            notification=messaging.AndroidNotification(
                title=message.title, body=message.body, channel_id=message.channel
            ),
        ),
        apns=messaging.APNSConfig(
            headers={
                "apns-priority": "10" if message.urgent else "5",
                "apns-expiration": str(int(time.time()) + message.ttl_seconds),
            },
            payload=messaging.APNSPayload(
                aps=messaging.Aps(
                    alert=messaging.ApsAlert(title=message.title, body=message.body),
                    badge=message.badge,
                    sound="default",
                )
            ),
        ),
    )


def _certificate(service_account: str) -> credentials.Certificate:
    """A service account from a JSON file's path, or from the JSON text itself."""
    if service_account.lstrip().startswith("{"):
        return credentials.Certificate(json.loads(service_account))
    return credentials.Certificate(service_account)


class _FcmHttpClient:
    """Stands in for the SDK's HttpxAsyncClient inside the messaging service, which calls `request` and `aclose`.

    Differences from the SDK's client, each deliberate:
    - no retries: the SDK's HttpxRetryTransport re-sends 500 and 503 up to 4 more times inside one
      send_each_async call, ignoring Retry-After, without jitter and invisibly (attempts could not be counted).
      `FcmPushSender.send` retries instead.
    - at most MAX_IN_FLIGHT requests in flight, held by a semaphore before httpx's pool (which re-scans every
      waiting request and every connection on each event), with as many keep-alive connections: httpx keeps 20,
      and httpcore 1.0 then closes idle connections whenever the pool holds more than 20, reconnecting each burst.
    OAuth is the SDK's own flow (a token from the credentials' token_uri, refreshed on 401). Use one sender from
    one event loop: its connections belong to the loop that opened them.
    """

    def __init__(self, credential: object, timeout: float) -> None:
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._client = httpx.AsyncClient(
            headers=_http_client.METRICS_HEADERS,
            timeout=timeout,
            auth=_http_client.GoogleAuthCredentialFlow(credential),
            transport=httpx.AsyncHTTPTransport(
                http2=True,
                limits=httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT),
            ),
        )

    async def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        async with self._in_flight:
            response = await self._client.request(method, url, **kwargs)
        return response.raise_for_status()

    async def aclose(self) -> None:
        await self._client.aclose()


def _configure_messaging(app: firebase_admin.App, api_base: str) -> list[Any]:
    """Point the app's messaging service at `api_base` and give it an `_FcmHttpClient`.

    The one place that reaches into firebase-admin 7's private messaging service: `_fcm_url` is the send URL
    (formatted from FCM_URL when the service is created), `_async_client` the HTTP client send_each_async uses.
    Returns both HTTP clients to close (the SDK's original HttpxAsyncClient, never used, and ours).
    """
    service = messaging._get_messaging_service(app)
    service._fcm_url = f"{api_base.rstrip('/')}/v1/projects/{app.project_id}/messages:send"
    original = service._async_client
    service._async_client = _FcmHttpClient(service._credential, REQUEST_TIMEOUT_SECONDS)
    return [original, service._async_client]
