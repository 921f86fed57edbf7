"""Push delivery through Firebase Cloud Messaging: the only module that imports firebase_admin.

`FcmPushSender` sends with `messaging.send_each_async` (at most 500 messages a call), classifies each result, and
re-sends only the transiently failed messages with exponential backoff and full jitter, honouring Retry-After.
`LogPushSender` stands in for development. Both satisfy `PushSender`.

Transport: `send_each_async` is the sending entry point, but its HTTP client is replaced by `_FcmHttpClient`, which
sends with aiohttp and hands the SDK httpx responses and errors as its own client would: httpx over httpcore and
anyio cost about 5 ms of CPU per request, capping one process at roughly 100 messages a second.

Concurrency: at most 100 requests are in flight per sender (a semaphore in `_FcmHttpClient`, over a pool of 100
keep-alive connections, the pool size the SDK uses for FCM). So every message of a `send()` call of at most 100
messages is written to the network before any of its responses is awaited; the rest of a larger call waits for a
free slot.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import logging
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import aiohttp
import firebase_admin
import google.auth.credentials
import httpx
from firebase_admin import _http_client, credentials, exceptions, messaging
from google.auth.transport import requests as google_auth_requests

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
    """Stands in for the SDK's HttpxAsyncClient inside the messaging service: the same `request` and `aclose`,
    the same results (an `httpx.Response`, an `httpx.HTTPStatusError` for an error status, httpx transport errors
    for the rest), so `send_each_async` builds its FirebaseErrors as it does with its own client. The requests go
    through aiohttp instead, deliberately:
    - speed: httpx's AsyncClient (over httpcore and anyio) cost 5.3 ms of CPU per message, so one process sent
      about 110 messages a second (75 without sniffio); through aiohttp (C parser, plain asyncio) a message costs
      0.7 ms of CPU in all, SDK encoding included, and one process sends 550 to 700 a second on the shared 2-core
      test machine (calls of 100 messages, fake FCM in another process). Responses are rebuilt as
      `httpx.Response`s, still compressed, for httpx to decode as before.
    - no retries: the SDK's HttpxRetryTransport re-sends 500 and 503 up to 4 more times inside one
      send_each_async call, ignoring Retry-After, without jitter and invisibly (attempts could not be counted).
      `FcmPushSender.send` retries instead.
    - at most MAX_IN_FLIGHT requests in flight, held by a semaphore (so a request's timeout starts when it is
      sent, not while it queues), over as many keep-alive HTTP/1.1 connections (aiohttp has no HTTP/2: this is
      the pool the SDK's synchronous `send_each` uses too).
    OAuth as the SDK's flow does it: a token from the credentials' token_uri, fetched in a worker thread by one
    refresh at a time that every waiting request shares, and refreshed once more on a 401. Use one sender from one
    event loop: its connections belong to the loop that opened them.
    """

    def __init__(self, credential: google.auth.credentials.Credentials, timeout: float) -> None:
        self._credential = credential
        self._timeout = timeout
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._session: aiohttp.ClientSession | None = None  # opened by the first request, in its event loop
        self._refresh: asyncio.Future[None] | None = None
        self._auth_request = google_auth_requests.Request()

    async def request(
        self, method: str, url: str, headers: dict[str, str] | None = None, json: object = None
    ) -> httpx.Response:
        body = None if json is None else _json_body(json)
        headers = {**_http_client.METRICS_HEADERS, **(headers or {}), "Accept-Encoding": "gzip, deflate"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = _httpx_request(method.upper(), url)
        async with self._in_flight:
            token = await self._token()
            response = await self._send(request, headers | {"Authorization": f"Bearer {token}"}, body)
            if response.status_code == 401:
                token = await self._token(stale=token)
                response = await self._send(request, headers | {"Authorization": f"Bearer {token}"}, body)
        return response.raise_for_status()

    async def aclose(self) -> None:
        """Close the connections. Called twice (by `FcmPushSender.close` and, from another loop, by delete_app)."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _send(self, request: httpx.Request, headers: dict[str, str], body: bytes | None) -> httpx.Response:
        """One HTTP exchange; aiohttp's errors become the httpx errors the SDK classifies."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=MAX_IN_FLIGHT),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                cookie_jar=aiohttp.DummyCookieJar(),  # FCM sets none that matter: skip parsing and storing them
                auto_decompress=False,  # httpx.Response decodes, as it would have
            )
        try:
            async with self._session.request(request.method, str(request.url), headers=headers, data=body) as sent:
                content = await sent.read()
        except aiohttp.ClientConnectorError as error:
            raise httpx.ConnectError(str(error), request=request) from error
        except aiohttp.ConnectionTimeoutError as error:
            raise httpx.ConnectTimeout(str(error), request=request) from error
        except TimeoutError as error:
            raise httpx.ReadTimeout(str(error) or "timed out", request=request) from error
        except aiohttp.ClientError as error:
            raise httpx.TransportError(f"{type(error).__name__}: {error}", request=request) from error
        return httpx.Response(sent.status, headers=sent.raw_headers, content=content, request=request)

    async def _token(self, stale: str | None = None) -> str:
        """A valid access token other than `stale`: refreshes when needed, one refresh at a time for all callers."""
        credential = self._credential
        if not credential.valid or credential.token == stale:
            if self._refresh is None:
                self._refresh = asyncio.ensure_future(asyncio.to_thread(credential.refresh, self._auth_request))
                self._refresh.add_done_callback(self._refreshed)
            await asyncio.shield(self._refresh)
        return credential.token

    def _refreshed(self, refresh: asyncio.Future[None]) -> None:
        self._refresh = None


@functools.lru_cache(maxsize=16)
def _httpx_request(method: str, url: str) -> httpx.Request:
    """The request a response refers to, shared by all sends to one URL: httpx takes over 0.1 ms to parse one."""
    return httpx.Request(method, url)


def _json_body(data: object) -> bytes:
    """Compact UTF-8 JSON, as httpx encodes a `json=` body."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


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
