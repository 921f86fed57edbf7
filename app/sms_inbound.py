"""POST /webhooks/sms: the SMS gateway forwards `{"from", "text"}` with `Authorization: Bearer <SMS_INBOUND_TOKEN>`.

The reply goes back through the SMS gateway (app.sms). Each number may send SMS_QUESTIONS_PER_NUMBER messages;
beyond that nothing is sent back (a reply would cost the province and invite loops).
"""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.accounts.phone import normalise_phone
from app.assistant.sms_replies import SmsAnswerer
from app.errors import DomainError
from app.sms import SmsDeliveryError

logger = logging.getLogger(__name__)


async def sms_inbound(request: Request) -> JSONResponse:
    """401 without the gateway's token, 400 for a body that is not `{"from": phone, "text": text}`; else 200."""
    services = request.app.state.services
    expected = services.settings.sms_inbound_token
    presented = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(presented.encode(), expected.encode()):
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    try:
        body = await request.json()
        phone, text = normalise_phone(str(body["from"])), body["text"]
    except (ValueError, KeyError, TypeError, DomainError):
        return JSONResponse({"error": 'expected {"from": phone, "text": text}'}, status_code=400)
    if not isinstance(text, str):
        return JSONResponse({"error": 'expected {"from": phone, "text": text}'}, status_code=400)
    if await services.rate_limiter.acquire((services.sms_questions, phone)) is not None:
        return JSONResponse({"replied": False, "reason": "rate_limited"})
    reply = await SmsAnswerer(services.dossiers, services.assistant).reply(text)
    try:
        await services.sms.send(phone, reply)
    except SmsDeliveryError as error:
        logger.warning("SMS reply not delivered: %s", error)
        return JSONResponse({"replied": False, "reason": "gateway_error"}, status_code=502)
    return JSONResponse({"replied": True})
