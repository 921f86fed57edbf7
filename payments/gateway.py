"""What the payment domain needs from a card or wallet gateway: Stripe today, a domestic one (VNPay, MoMo) later.

Gateways speak in these plain values; nothing outside a gateway's own module sees its SDK objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class GatewayError(Exception):
    """The gateway refused or could not be reached; nothing is known to have changed there."""


class InvalidWebhook(Exception):
    """A webhook whose signature, timestamp or body does not check out."""


class IntentState(StrEnum):
    """Where a payment stands at the gateway."""

    OPEN = "OPEN"  # waiting for the payer, or processing
    SUCCEEDED = "SUCCEEDED"
    CANCELED = "CANCELED"


class EventKind(StrEnum):
    """The gateway events that change something here; everything else is OTHER (recorded, no effect)."""

    PAYMENT_SUCCEEDED = "PAYMENT_SUCCEEDED"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    PAYMENT_CANCELED = "PAYMENT_CANCELED"
    CHARGE_REFUNDED = "CHARGE_REFUNDED"
    DISPUTE_CREATED = "DISPUTE_CREATED"
    OTHER = "OTHER"


@dataclass(frozen=True)
class Intent:
    """A payment at the gateway (a Stripe PaymentIntent)."""

    reference: str
    amount_vnd: int
    currency: str
    state: IntentState
    metadata: dict[str, str]
    created: datetime
    client_secret: str = ""


@dataclass(frozen=True)
class GatewayEvent:
    """One gateway event, verified and reduced to what processing needs.

    `intent` is the payment's state in the event (payment events); `intent_reference` names the payment for every
    kind; `amount_vnd` is the total refunded (CHARGE_REFUNDED) or the disputed amount; `detail` a failure message or
    a dispute reason.
    """

    id: str
    type: str
    kind: EventKind
    created: datetime
    intent_reference: str = ""
    intent: Intent | None = None
    amount_vnd: int = 0
    detail: str = ""
    refund_references: tuple[str, ...] = field(default_factory=tuple)


class PaymentGateway(Protocol):
    """A gateway as the payment service uses it. Every call that creates something takes our idempotency key."""

    name: str
    publishable_key: str

    async def ensure_customer(self, citizen_id: int, phone: str, name: str, idempotency_key: str) -> str:
        """The gateway's customer id for a citizen."""
        ...

    async def create_intent(
        self, amount_vnd: int, customer: str, metadata: dict[str, str], idempotency_key: str
    ) -> Intent: ...

    async def retrieve_intent(self, reference: str) -> Intent: ...

    async def cancel_intent(self, reference: str, idempotency_key: str) -> Intent: ...

    async def customer_session_secret(self, customer: str) -> str:
        """A short-lived secret letting the mobile payment sheet show the customer's saved methods."""
        ...

    async def refund(self, reference: str, amount_vnd: int, idempotency_key: str, metadata: dict[str, str]) -> str:
        """Refund part or all of a succeeded payment; the gateway's reference of the refund."""
        ...

    async def recent_intents(self, created_after: datetime) -> list[Intent]:
        """Every payment created after `created_after`, newest first."""
        ...

    def verify_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        """The event in a webhook body after checking its signature and age; raises InvalidWebhook."""
        ...
