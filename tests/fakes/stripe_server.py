"""A loopback fake of the Stripe API, enough for the real stripe SDK: Customers, PaymentIntents (create, retrieve,
cancel, list with pagination), CustomerSessions and Refunds, with Stripe's idempotency behaviour (a key replays
its first answer; the same key with other parameters is an error). Objects have Stripe's shape.

Tests move intents along with `succeed` / `fail`, and build signed webhook bodies with `event` and `sign`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

import stripe

from tests.fakes.http_thread import serving

WEBHOOK_SECRET = "whsec_test_" + "s" * 32
SECRET_KEY = "sk_test_fake"
PUBLISHABLE_KEY = "pk_test_fake"


def _nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding back to a dict: metadata[a]=1 -> {"metadata": {"a": "1"}}."""
    result: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        target = result
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return result


def _error(status: int, code: str, message: str, kind: str = "invalid_request_error") -> tuple[int, dict]:
    return status, {"error": {"type": kind, "code": code, "message": message}}


@dataclass
class FakeStripe:
    """State of the fake account. `requests` records (method, path, params, idempotency key) of every call;
    `failing` makes every API call answer 500 (a gateway outage)."""

    customers: dict[str, dict] = field(default_factory=dict)
    intents: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    requests: list[tuple[str, str, dict, str | None]] = field(default_factory=list)
    failing: bool = False
    _idempotent: dict[str, tuple[dict, int, dict]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def idempotency_keys(self) -> list[str]:
        return [key for _, _, _, key in self.requests if key]

    def answer(self, method: str, path: str, params: dict, key: str | None) -> tuple[int, dict]:
        with self._lock:
            self.requests.append((method, path, params, key))
            if self.failing:
                return _error(500, "api_error", "Fake outage.", "api_error")
            if key and key in self._idempotent:
                first_params, status, body = self._idempotent[key]
                if first_params != params:
                    return _error(400, "idempotency_key_in_use", "Keys are for one request.", "idempotency_error")
                return status, body
            status, body = self._route(method, path, params)
            if key and method == "POST":
                self._idempotent[key] = (params, status, body)
            return status, body

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")[1:]  # drop "v1"
        if parts == ["customers"] and method == "POST":
            return 200, self._create_customer(params)
        if parts == ["payment_intents"] and method == "POST":
            return 200, self._create_intent(params)
        if parts == ["payment_intents"] and method == "GET":
            return 200, self._list_intents(params)
        if parts[:1] == ["payment_intents"] and len(parts) >= 2:
            intent = self.intents.get(parts[1])
            if intent is None:
                return _error(404, "resource_missing", f"No such payment_intent: '{parts[1]}'")
            if len(parts) == 3 and parts[2] == "cancel":
                if intent["status"] == "succeeded":
                    return _error(400, "payment_intent_unexpected_state", "You cannot cancel a succeeded intent.")
                intent.update(
                    status="canceled", canceled_at=int(time.time()), cancellation_reason="requested_by_customer"
                )
            return 200, intent
        if parts == ["customer_sessions"] and method == "POST":
            return 200, self._customer_session(params)
        if parts == ["refunds"] and method == "POST":
            return self._create_refund(params)
        return _error(404, "resource_missing", f"Unrecognized request URL ({method}: {path}).")

    def _create_customer(self, params: dict) -> dict:
        customer = {
            "id": f"cus_{secrets.token_hex(7)}",
            "object": "customer",
            "created": int(time.time()),
            "email": params.get("email"),
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "name": params.get("name"),
            "phone": params.get("phone"),
        }
        self.customers[customer["id"]] = customer
        return customer

    def _create_intent(self, params: dict) -> dict:
        reference = f"pi_{secrets.token_hex(12)}"
        intent = {
            "id": reference,
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "amount_capturable": 0,
            "amount_received": 0,
            "automatic_payment_methods": {"allow_redirects": "always", "enabled": True},
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic_async",
            "client_secret": f"{reference}_secret_{secrets.token_hex(12)}",
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "currency": params["currency"],
            "customer": params.get("customer"),
            "description": None,
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "payment_method": None,
            "payment_method_types": ["card"],
            "status": "requires_payment_method",
        }
        self.intents[reference] = intent
        return intent

    def _list_intents(self, params: dict) -> dict:
        since = int(params.get("created", {}).get("gte", 0))
        found = sorted(
            (i for i in self.intents.values() if i["created"] >= since), key=lambda i: i["created"], reverse=True
        )
        if "starting_after" in params:
            ids = [i["id"] for i in found]
            found = found[ids.index(params["starting_after"]) + 1 :]
        limit = int(params.get("limit", 10))
        return {"object": "list", "data": found[:limit], "has_more": len(found) > limit, "url": "/v1/payment_intents"}

    def _customer_session(self, params: dict) -> dict:
        return {
            "object": "customer_session",
            "client_secret": f"cuss_secret_{secrets.token_hex(16)}",
            "components": params.get("components", {}),
            "created": int(time.time()),
            "customer": params["customer"],
            "expires_at": int(time.time()) + 1800,
            "livemode": False,
        }

    def _create_refund(self, params: dict) -> tuple[int, dict]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return _error(400, "resource_missing", "No succeeded payment to refund.")
        amount = int(params.get("amount", intent["amount_received"]))
        left = intent["amount_received"] - self.refunded(intent["id"])
        if amount > left:
            code = "charge_already_refunded" if left == 0 else "amount_too_large"
            return _error(400, code, f"Refund amount ({amount}) is greater than unrefunded amount ({left}).")
        refund = {
            "id": f"re_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": params.get("metadata", {}),
            "payment_intent": intent["id"],
            "reason": None,
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    # --- what tests do to the account -------------------------------------------------------------------------

    def refunded(self, reference: str) -> int:
        return sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == reference)

    def succeed(self, reference: str) -> dict:
        """The payer paid: the intent succeeds with a charge."""
        with self._lock:
            intent = self.intents[reference]
            intent.update(
                status="succeeded", amount_received=intent["amount"], latest_charge=f"ch_{secrets.token_hex(12)}"
            )
            return dict(intent)

    def fail(self, reference: str, message: str = "Your card was declined.") -> dict:
        """A payment attempt failed: the intent waits for another method."""
        with self._lock:
            intent = self.intents[reference]
            intent.update(
                status="requires_payment_method", last_payment_error={"message": message, "type": "card_error"}
            )
            return dict(intent)

    def charge(self, reference: str) -> dict:
        """The intent's charge as charge.refunded carries it."""
        intent = self.intents[reference]
        refunds = [r for r in self.refunds.values() if r["payment_intent"] == reference]
        return {
            "id": intent["latest_charge"],
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": self.refunded(reference),
            "currency": intent["currency"],
            "payment_intent": reference,
            "refunded": self.refunded(reference) == intent["amount"],
            "refunds": {"object": "list", "data": refunds, "has_more": False, "url": "/v1/refunds"},
        }


def event(event_type: str, obj: dict, event_id: str | None = None) -> bytes:
    """A webhook body as Stripe sends it (API version of the pinned SDK)."""
    body = {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    return json.dumps(body).encode()


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`, with Stripe's real scheme."""
    return stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, timestamp=timestamp)


@contextmanager
def serve(fake: FakeStripe) -> Iterator[str]:
    """Serve `fake` on a free port of 127.0.0.1; yields the base URL for STRIPE_API_BASE."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            params = _nested(parse_qsl(parts.query) + parse_qsl(body))
            if not self.headers.get("Authorization", "").startswith("Bearer sk_"):
                status, answer = _error(401, "unauthorized", "Invalid API key.")
            else:
                status, answer = fake.answer(method, parts.path, params, self.headers.get("Idempotency-Key"))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        yield url
