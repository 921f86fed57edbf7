"""HTTP caching of public reads: a GET of a public trusted document by `documentId` gets `Cache-Control` and a weak
`ETag`; a request whose `If-None-Match` names the current one is answered 304 without a body.

Only anonymous requests (no `Authorization`) and answers without errors are cacheable; the ETag is of the
uncompressed JSON (weak: the same for every content encoding) and answers vary by `Accept-Language`. The operation
still runs: a 304 saves the bytes on the wire, not the server's work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.trusted_documents import TrustedDocuments

# Manifest operations anyone may read, with how long (seconds) a client or a shared cache may reuse the answer.
PUBLIC_READS: Mapping[str, int] = {
    "Sectors": 3600,
    "ProcedureList": 300,
    "ProcedureDetail": 300,
    "CentreList": 3600,
    "CentreDetail": 3600,
    "CentresInArea": 3600,
    "ServiceQuality": 900,  # the province's figures are public; a centre's need a staff token, so are not cached
}


class PublicReadCaching:
    """ASGI middleware for the `/graphql` route."""

    def __init__(self, app: ASGIApp, trusted: TrustedDocuments) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        max_age = self.cacheable_for(scope)
        if max_age is None:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        body = bytearray()

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                body.extend(message.get("body", b""))

        await self.app(scope, receive, buffer)
        headers = MutableHeaders(raw=list(start["headers"]))
        if start["status"] != 200 or "errors" in json.loads(body):
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})
            return
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers["ETag"] = etag
        headers["Cache-Control"] = f"public, max-age={max_age}"
        headers.append("Vary", "Accept-Language")
        if etag in if_none_match(Headers(scope=scope)):
            del headers["Content-Length"]
            del headers["Content-Type"]
            await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": bytes(body)})

    def cacheable_for(self, scope: Scope) -> int | None:
        """Seconds the answer may be reused, or None when this request is not a public read."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        if "authorization" in Headers(scope=scope):
            return None
        document_id = QueryParams(scope.get("query_string", b"")).get("documentId")
        document = self.trusted.get(document_id) if document_id else None
        return PUBLIC_READS.get(document.name) if document else None


def if_none_match(headers: Headers) -> set[str]:
    """The entity tags an `If-None-Match` header lists (weak comparison: `W/` prefixes ignored)."""
    tags = {tag.strip() for tag in headers.get("if-none-match", "").split(",") if tag.strip()}
    return {tag if tag.startswith("W/") else f"W/{tag}" for tag in tags}
