"""A maximum size for request bodies, enforced while they stream in, before anything parses them.

Starlette's own `RequestBodyLimitMiddleware` answers in plain text; this one answers like every other error of the
service: JSON with `extensions.code` and the request id.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import ApiErrorCode
from app.logs import request_id


class BodyTooLarge(Exception):
    """The body grew past the limit while it was read."""


class BodySizeLimit:
    """ASGI middleware: 413 for a body over `max_bytes`, told by its Content-Length or counted as chunks arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.too_large()(scope, receive, send)
            return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if response_started:
                raise
            await self.too_large()(scope, receive, send)

    def too_large(self) -> JSONResponse:
        message = f"The request body is larger than {self.max_bytes} bytes."
        extensions = {"code": ApiErrorCode.REQUEST_TOO_LARGE.value, "requestId": request_id.get()}
        return JSONResponse({"errors": [{"message": message, "extensions": extensions}]}, status_code=413)
