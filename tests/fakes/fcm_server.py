"""A loopback fake of FCM's HTTP v1 send endpoint and Google's OAuth token endpoint.

The real firebase-admin SDK talks to it: `credentials_file()` writes a service account with a freshly generated
RSA key whose `token_uri` is the fake's /token, and the messaging service's FCM URL is pointed at `url`. The fake
checks the signed JWT grant, issues Bearer tokens, and accepts a send only with a token it issued.

Behaviour by the message's target (its `fid`, or legacy `token`):
- "dead-..."    404 NOT_FOUND with FCM error code UNREGISTERED (the app was uninstalled)
- "invalid-..." 400 INVALID_ARGUMENT, a field violation on the registration token
- "busy-..."    503 UNAVAILABLE with Retry-After: 1 the first time that target is seen, then accepted
- "quota-..."   429 RESOURCE_EXHAUSTED with FCM error code QUOTA_EXCEEDED and Retry-After: 1, the first time
- "down-..."    500 INTERNAL every time
- anything else 200 {"name": "projects/<project>/messages/<n>"}
A dry run (`validate_only`) is answered 200 and not recorded, as FCM delivers nothing for it.

It serves HTTP/1.1 with keep-alive from a raw asyncio protocol (httptools parser, uvloop) in a daemon thread,
at about 0.1 ms of CPU per send (measured: 40,000 sends from two processes cost it 3.75 s of CPU), so a few
thousand sends per second leave most of a core free. Clients in the same process share its GIL: for throughput,
load it from other processes, or run it alone with `python -m tests.fakes.fcm_server` (prints its URL and the
path of a credentials file).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httptools
import jwt
import uvloop
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PROJECT_ID = "qn-test"
TOKEN_LIFETIME_SECONDS = 3600
# google-auth signs the grant for Google's token endpoint whatever the service account's token_uri says.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"


def _error(code: int, status: str, message: str, fcm_code: str | None = None, **extra: Any) -> bytes:
    details: list[dict[str, Any]] = [{"@type": _FCM_ERROR_TYPE, "errorCode": fcm_code}] if fcm_code else []
    if "violation" in extra:
        details.append({"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [extra["violation"]]})
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return json.dumps({"error": error}).encode()


_UNREGISTERED = _error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
_UNAVAILABLE = _error(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE")
_QUOTA = _error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for sending messages.", "QUOTA_EXCEEDED")
_INTERNAL = _error(500, "INTERNAL", "Internal error encountered.", "INTERNAL")
_UNAUTHENTICATED = _error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
_NOT_FOUND = _error(404, "NOT_FOUND", "Unknown path.")
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests"}
_REASONS |= {500: "Internal Server Error", 503: "Service Unavailable"}


def _invalid_target(field: str) -> bytes:
    text = "The registration token is not a valid FCM registration token"
    return _error(400, "INVALID_ARGUMENT", text, "INVALID_ARGUMENT", violation={"field": field, "description": text})


class FakeFcm:
    """The fake servers on a free port of 127.0.0.1. Use as a context manager, or `start()` and `stop()`.

    Thread-safe views: `received` (every decoded send's `message`, in arrival order, unless `keep_messages` is
    false, as a benchmark may want), `counts` (sends per data["reminderId"], retries included), `accepted`
    (answered 200 per data["reminderId"]), `total` (sends received).
    """

    def __init__(self, project_id: str = PROJECT_ID, keep_messages: bool = True) -> None:
        self.project_id = project_id
        self.keep_messages = keep_messages
        self.url = ""
        self._send_path = f"/v1/projects/{project_id}/messages:send"
        self._lock = threading.Lock()
        self._received: list[dict[str, Any]] = []
        self._total = 0
        self._counts: Counter[str] = Counter()
        self._accepted: Counter[str] = Counter()
        self._seen_flaky: set[str] = set()
        self._issued: set[str] = set()
        self._public_keys: dict[str, Any] = {}
        self._names = itertools.count(1)
        self._last_request = time.monotonic()
        self._stalled = False
        self._held: list[tuple[asyncio.Transport, bytes]] = []
        self._transports: set[asyncio.Transport] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> FakeFcm:
        ready = threading.Event()
        self._loop = uvloop.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                self._loop.create_server(lambda: _Connection(self), "127.0.0.1", 0, backlog=1024)
            )
            self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-fcm", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        loop, server = self._loop, self._server

        async def shut() -> None:
            if server is not None:
                server.close()
            for transport in list(self._transports):
                transport.close()
            loop.stop()

        asyncio.run_coroutine_threadsafe(shut(), loop)
        self._thread.join(10)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> FakeFcm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # set-up

    def credentials_file(self, directory: Path) -> Path:
        """Write a service-account JSON (fresh RSA key, token_uri = this fake) into `directory`; return its path."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = uuid.uuid4().hex
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        with self._lock:
            self._public_keys[key_id] = key.public_key()
        info = {
            "type": "service_account",
            "project_id": self.project_id,
            "private_key_id": key_id,
            "private_key": pem.decode(),
            "client_email": f"firebase-adminsdk@{self.project_id}.iam.gserviceaccount.com",
            "client_id": "100000000000000000000",
            "token_uri": f"{self.url}/token",
        }
        path = Path(directory) / f"fcm-service-account-{key_id[:8]}.json"
        path.write_text(json.dumps(info))
        return path

    # observations

    @property
    def received(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._received)

    @property
    def total(self) -> int:
        with self._lock:
            return self._total

    @property
    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(self._counts)

    @property
    def accepted(self) -> Counter[str]:
        with self._lock:
            return Counter(self._accepted)

    # controls

    def stall(self) -> None:
        """Hold every send's response (requests are still received and recorded) until `resume()`."""
        self._call(self._set_stalled, True)

    def resume(self) -> None:
        """Write the held responses, in order, and answer at once again."""
        self._call(self._set_stalled, False)

    def answer_held(self) -> None:
        """Write the responses held so far, in order, and keep holding the next ones."""
        self._call(self._write_held)

    def wait_quiet(self, seconds: float, timeout: float = 120.0) -> None:
        """Block until no request has arrived for `seconds` (counted from this call at the earliest)."""
        start = time.monotonic()
        while True:
            now = time.monotonic()
            with self._lock:
                quiet_since = max(self._last_request, start)
            if now - quiet_since >= seconds:
                return
            if now - start > timeout:
                raise TimeoutError(f"the fake FCM server kept receiving requests for {timeout}s")
            time.sleep(seconds - (now - quiet_since))

    def wait_received(self, count: int, timeout: float = 30.0) -> None:
        """Block until at least `count` sends have been received in all."""
        deadline = time.monotonic() + timeout
        while self.total < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the fake FCM server received {self.total} of {count} sends")
            time.sleep(0.01)

    def _call(self, function: Any, *args: Any) -> None:
        assert self._loop is not None, "the fake is not running"
        done = threading.Event()

        def run() -> None:
            function(*args)
            done.set()

        self._loop.call_soon_threadsafe(run)
        done.wait(10)

    def _set_stalled(self, stalled: bool) -> None:
        self._stalled = stalled
        if not stalled:
            self._write_held()

    def _write_held(self) -> None:
        held, self._held = self._held, []
        for transport, response in held:
            if not transport.is_closing():
                transport.write(response)

    # request handling (in the server thread)

    def answer(self, method: bytes, path: str, headers: dict[bytes, bytes], body: bytes) -> tuple[bytes, bool]:
        """The raw HTTP response to one request, and whether it must wait while stalled."""
        if method == b"POST" and path == "/token":
            return self._token(body), False
        if method != b"POST" or path != self._send_path:
            return _response(404, _NOT_FOUND), False
        authorization = headers.get(b"authorization", b"").decode()
        with self._lock:
            self._last_request = time.monotonic()
            authorised = authorization.startswith("Bearer ") and authorization[7:] in self._issued
        if not authorised:
            return _response(401, _UNAUTHENTICATED), False
        try:
            request = json.loads(body)
            message = request["message"]
        except (ValueError, KeyError):
            return _response(400, _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")), False
        if request.get("validate_only"):  # a dry run: validated, never delivered, not recorded
            return _response(200, f'{{"name": "projects/{self.project_id}/messages/fake_message_id"}}'.encode()), True
        target = message.get("fid") or message.get("token") or ""
        reminder = message.get("data", {}).get("reminderId", "")
        with self._lock:
            self._total += 1
            if self.keep_messages:
                self._received.append(message)
            self._counts[reminder] += 1
            status, payload, retry_after = self._outcome(target, "fid" if "fid" in message else "token")
            if status == 200:
                self._accepted[reminder] += 1
        return _response(status, payload, retry_after), True

    def _outcome(self, target: str, field: str) -> tuple[int, bytes, str | None]:
        if target.startswith("dead-"):
            return 404, _UNREGISTERED, None
        if target.startswith("invalid-"):
            return 400, _invalid_target(f"message.{field}"), None
        if target.startswith("down-"):
            return 500, _INTERNAL, None
        for prefix, status, payload in (("busy-", 503, _UNAVAILABLE), ("quota-", 429, _QUOTA)):
            if target.startswith(prefix) and target not in self._seen_flaky:
                self._seen_flaky.add(target)
                return status, payload, "1"
        return 200, f'{{"name": "projects/{self.project_id}/messages/{next(self._names)}"}}'.encode(), None

    def _token(self, body: bytes) -> bytes:
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        assertion = form.get("assertion", "")
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" or not assertion:
            return _response(400, b'{"error": "unsupported_grant_type"}')
        try:
            key_id = jwt.get_unverified_header(assertion).get("kid", "")
            with self._lock:
                key = self._public_keys[key_id]
            jwt.decode(assertion, key, algorithms=["RS256"], audience=GOOGLE_TOKEN_AUDIENCE)
        except (KeyError, jwt.InvalidTokenError):
            return _response(400, b'{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}')
        token = f"ya29.fake-{uuid.uuid4().hex}"
        with self._lock:
            self._issued.add(token)
        return _response(200, json.dumps({"access_token": token, "expires_in": TOKEN_LIFETIME_SECONDS}).encode())

    def respond(self, transport: asyncio.Transport, response: bytes, holdable: bool) -> None:
        if holdable and self._stalled:
            self._held.append((transport, response))
        else:
            transport.write(response)


def _response(status: int, body: bytes, retry_after: str | None = None) -> bytes:
    head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nContent-Type: application/json; charset=UTF-8\r\n"
    if retry_after is not None:
        head += f"Retry-After: {retry_after}\r\n"
    return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: parse each request with httptools and hand it to the fake."""

    def __init__(self, fake: FakeFcm) -> None:
        self._fake = fake
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._url = b""
        self._headers: dict[bytes, bytes] = {}
        self._body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._fake._transports.add(self._transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fake._transports.discard(self._transport)

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            assert self._transport is not None
            self._transport.write(_response(400, b'{"error": "malformed request"}'))
            self._transport.close()

    # httptools callbacks

    def on_message_begin(self) -> None:
        self._url, self._headers, self._body = b"", {}, []

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.lower()] = value

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        assert self._transport is not None
        path = httptools.parse_url(self._url).path.decode()
        method = self._parser.get_method()
        response, holdable = self._fake.answer(method, path, self._headers, b"".join(self._body))
        self._fake.respond(self._transport, response, holdable)


def main() -> None:
    """Serve the fake until interrupted; print its URL and a credentials file for other processes."""
    import tempfile

    with FakeFcm() as fake:
        directory = Path(tempfile.mkdtemp(prefix="fake-fcm-"))
        print(fake.url, fake.credentials_file(directory), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
