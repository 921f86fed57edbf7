"""POST /webhooks/stripe: the raw body and its Stripe-Signature header go to the payment service untouched."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from app import metrics
from payments.gateway import InvalidWebhook

logger = logging.getLogger(__name__)


async def stripe_webhook(request: Request) -> JSONResponse:
    """400 for a bad signature or a stale timestamp (nothing changes); 200 once the event is recorded, whether it
    changed something, was a replay or is of a type we do not handle."""
    payload = await request.body()  # the exact bytes Stripe signed: never re-serialised JSON
    try:
        outcome = await request.app.state.services.payments.receive_webhook(
            payload, request.headers.get("stripe-signature", "")
        )
    except InvalidWebhook as error:
        logger.warning("refused a Stripe webhook: %s", error)
        metrics.WEBHOOKS.labels("invalid_signature").inc()
        return JSONResponse({"error": "invalid signature"}, status_code=400)
    metrics.WEBHOOKS.labels(str(outcome)).inc()
    return JSONResponse({"received": True, "outcome": outcome})
