"""Stripe behind the PaymentGateway interface: the only module that imports the stripe SDK.

VND is zero-decimal at Stripe, so amounts go over the wire as whole dong. Every create call carries our own
idempotency key; webhooks are checked with the signing secret on the raw body, then parsed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import stripe

from payments.gateway import (
    EventKind,
    GatewayError,
    GatewayEvent,
    Intent,
    IntentState,
    InvalidWebhook,
)

CURRENCY = "vnd"
TIMEOUT_SECONDS = 20
NETWORK_RETRIES = 2
WEBHOOK_TOLERANCE_SECONDS = 300
EVENT_KINDS = {
    "payment_intent.succeeded": EventKind.PAYMENT_SUCCEEDED,
    "payment_intent.payment_failed": EventKind.PAYMENT_FAILED,
    "payment_intent.canceled": EventKind.PAYMENT_CANCELED,
    "charge.refunded": EventKind.CHARGE_REFUNDED,
    "charge.dispute.created": EventKind.DISPUTE_CREATED,
}
INTENT_STATES = {"succeeded": IntentState.SUCCEEDED, "canceled": IntentState.CANCELED}


def _time(seconds: int | None) -> datetime:
    return datetime.fromtimestamp(seconds, UTC) if seconds else datetime.now(UTC)


def _intent(data: dict) -> Intent:
    return Intent(
        reference=data["id"],
        amount_vnd=int(data["amount"]),
        currency=str(data["currency"]).lower(),
        state=INTENT_STATES.get(data["status"], IntentState.OPEN),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        created=_time(data.get("created")),
        client_secret=data.get("client_secret") or "",
    )


def _event(data: dict) -> GatewayEvent:
    kind = EVENT_KINDS.get(data["type"], EventKind.OTHER)
    obj = data["data"]["object"]
    common = {"id": data["id"], "type": data["type"], "kind": kind, "created": _time(data.get("created"))}
    if kind in (EventKind.PAYMENT_SUCCEEDED, EventKind.PAYMENT_FAILED, EventKind.PAYMENT_CANCELED):
        error = obj.get("last_payment_error") or {}
        return GatewayEvent(**common, intent_reference=obj["id"], intent=_intent(obj), detail=error.get("message", ""))
    if kind is EventKind.CHARGE_REFUNDED:
        refunds = (obj.get("refunds") or {}).get("data") or []
        return GatewayEvent(
            **common,
            intent_reference=obj.get("payment_intent") or "",
            amount_vnd=int(obj.get("amount_refunded") or 0),
            refund_references=tuple(r["id"] for r in refunds if r.get("status") == "succeeded"),
        )
    if kind is EventKind.DISPUTE_CREATED:
        return GatewayEvent(
            **common,
            intent_reference=obj.get("payment_intent") or "",
            amount_vnd=int(obj.get("amount") or 0),
            detail=obj.get("reason") or "",
        )
    return GatewayEvent(**common)


class StripeGateway:
    """PaymentIntents with the mobile PaymentSheet, Customers, CustomerSessions and Refunds."""

    name = "stripe"

    def __init__(self, secret_key: str, publishable_key: str, webhook_secret: str, api_base: str = "") -> None:
        self.publishable_key = publishable_key
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=NETWORK_RETRIES,
            http_client=stripe.HTTPXClient(timeout=TIMEOUT_SECONDS),
        )

    async def ensure_customer(self, citizen_id: int, phone: str, name: str, idempotency_key: str) -> str:
        params = {"phone": phone, "name": name, "metadata": {"citizen_id": str(citizen_id)}}
        customer = await self._call(self._client.v1.customers.create_async, params, idempotency_key)
        return customer.id

    async def create_intent(
        self, amount_vnd: int, customer: str, metadata: dict[str, str], idempotency_key: str
    ) -> Intent:
        params = {
            "amount": amount_vnd,
            "currency": CURRENCY,
            "customer": customer,
            "metadata": metadata,
            "automatic_payment_methods": {"enabled": True},
        }
        return _intent(
            (await self._call(self._client.v1.payment_intents.create_async, params, idempotency_key)).to_dict()
        )

    async def retrieve_intent(self, reference: str) -> Intent:
        try:
            found = await self._client.v1.payment_intents.retrieve_async(reference)
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return _intent(found.to_dict())

    async def cancel_intent(self, reference: str, idempotency_key: str) -> Intent:
        try:
            canceled = await self._client.v1.payment_intents.cancel_async(
                reference, {}, {"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return _intent(canceled.to_dict())

    async def customer_session_secret(self, customer: str) -> str:
        params = {"customer": customer, "components": {"mobile_payment_element": {"enabled": True}}}
        try:
            session = await self._client.v1.customer_sessions.create_async(params)
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
        return session.client_secret

    async def refund(self, reference: str, amount_vnd: int, idempotency_key: str, metadata: dict[str, str]) -> str:
        params = {"payment_intent": reference, "amount": amount_vnd, "metadata": metadata}
        refund = await self._call(self._client.v1.refunds.create_async, params, idempotency_key)
        return refund.id

    async def recent_intents(self, created_after: datetime) -> list[Intent]:
        try:
            page = await self._client.v1.payment_intents.list_async(
                {"created": {"gte": int(created_after.timestamp())}, "limit": 100}
            )
            return [_intent(item.to_dict()) async for item in page.auto_paging_iter()]
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error

    def verify_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        try:
            # the SDK's check of the signed raw body; parsed once here (construct_event builds SDK objects too)
            stripe.WebhookSignature.verify_header(
                payload, signature, self._webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
            )
            return _event(json.loads(payload))
        except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as error:
            raise InvalidWebhook(str(error)) from error

    @staticmethod
    async def _call(method, params: dict, idempotency_key: str):
        try:
            return await method(params, {"idempotency_key": idempotency_key})
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error
