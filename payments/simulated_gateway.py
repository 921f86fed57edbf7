"""An in-memory gateway for development without Stripe keys; `settle` makes the event a real webhook would carry.

Only built when APP_ENV=development and STRIPE_SECRET_KEY is empty. Intents live as long as the process.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from app.clock import Clock, system_clock
from payments.gateway import EventKind, GatewayError, GatewayEvent, Intent, IntentState, InvalidWebhook


class SimulatedGateway:
    """Answers like a gateway, charges nothing and sends no webhooks: `simulatePayment` settles intents instead."""

    name = "simulated"
    publishable_key = "pk_simulated"

    def __init__(self, clock: Clock = system_clock) -> None:
        self._clock = clock
        self._intents: dict[str, Intent] = {}
        self._by_key: dict[str, str] = {}

    async def ensure_customer(self, citizen_id: int, phone: str, name: str, idempotency_key: str) -> str:
        return f"cus_sim_{citizen_id}"

    async def create_intent(
        self, amount_vnd: int, customer: str, metadata: dict[str, str], idempotency_key: str
    ) -> Intent:
        if idempotency_key in self._by_key:
            return self._intents[self._by_key[idempotency_key]]
        reference = f"pi_sim_{secrets.token_hex(8)}"
        intent = Intent(
            reference, amount_vnd, "vnd", IntentState.OPEN, dict(metadata), self._clock(),
            client_secret=f"{reference}_secret_sim",
        )  # fmt: skip
        self._intents[reference] = intent
        self._by_key[idempotency_key] = reference
        return intent

    async def retrieve_intent(self, reference: str) -> Intent:
        if reference not in self._intents:
            raise GatewayError(f"no such intent {reference} (simulated intents end with the process)")
        return self._intents[reference]

    async def cancel_intent(self, reference: str, idempotency_key: str) -> Intent:
        intent = await self.retrieve_intent(reference)
        if intent.state is IntentState.SUCCEEDED:
            raise GatewayError("already succeeded")
        self._intents[reference] = replace(intent, state=IntentState.CANCELED)
        return self._intents[reference]

    async def customer_session_secret(self, customer: str) -> str:
        return f"cuss_secret_sim_{secrets.token_hex(8)}"

    async def refund(self, reference: str, amount_vnd: int, idempotency_key: str, metadata: dict[str, str]) -> str:
        return f"re_sim_{secrets.token_hex(8)}"

    async def recent_intents(self, created_after: datetime) -> list[Intent]:
        found = [intent for intent in self._intents.values() if intent.created >= created_after]
        return sorted(found, key=lambda intent: intent.created, reverse=True)

    def verify_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        raise InvalidWebhook("the simulated gateway receives no webhooks")

    async def settle(self, reference: str, succeeded: bool) -> GatewayEvent:
        """The event the gateway would send when the payer pays (or the payment fails)."""
        intent = await self.retrieve_intent(reference)
        if succeeded:
            intent = replace(intent, state=IntentState.SUCCEEDED)
            self._intents[reference] = intent
        kind = EventKind.PAYMENT_SUCCEEDED if succeeded else EventKind.PAYMENT_FAILED
        return GatewayEvent(
            id=f"evt_sim_{secrets.token_hex(8)}",
            type="payment_intent.succeeded" if succeeded else "payment_intent.payment_failed",
            kind=kind,
            created=self._clock(),
            intent_reference=reference,
            intent=intent,
            detail="" if succeeded else "Simulated decline.",
        )
