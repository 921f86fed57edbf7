"""HTTP endpoints for documents' bytes, outside GraphQL.

`/uploads/{id}`: the tus 1.0.0 core protocol (OPTIONS, HEAD, PATCH) at the signed URL `startUpload` returns.
`/files/{key}`: the local storage backend's signed links (GET to read, PUT to write once).
"""

from __future__ import annotations

import logging

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse

from app.documents.storage.base import StoredObjectMissing
from app.documents.storage.local import LocalStorage
from app.documents.storage.signing import is_valid
from app.documents.uploads import UploadRefused

logger = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"}
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"


def _signed_parts(request: Request) -> tuple[str, int, str] | None:
    try:
        return request.query_params["by"], int(request.query_params["expires"]), request.query_params["sig"]
    except (KeyError, ValueError):
        return None


def _tus_response(status: int, **headers: str) -> Response:
    return Response(status_code=status, headers={**TUS_HEADERS, **headers})


async def tus_upload(request: Request) -> Response:
    """OPTIONS announces the protocol; HEAD tells the offset to resume from; PATCH appends bytes at an offset."""
    uploads = request.app.state.services.uploads
    if request.method == "OPTIONS":
        return _tus_response(204, **{"Tus-Version": TUS_VERSION, "Tus-Max-Size": str(uploads.limits.max_bytes)})
    if request.headers.get("tus-resumable") != TUS_VERSION:
        return _tus_response(412, **{"Tus-Version": TUS_VERSION})
    signed = _signed_parts(request)
    if signed is None:
        return _tus_response(403)
    try:
        upload = await uploads.open_upload(request.path_params["token"], *signed)
    except UploadRefused as refused:
        return _tus_response(refused.status)
    expires = upload.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    if request.method == "HEAD":
        return _tus_response(
            200,
            **{"Upload-Offset": str(upload.received_bytes), "Upload-Length": str(upload.byte_size)},
            **{"Upload-Expires": expires},
        )
    if request.headers.get("content-type") != OFFSET_CONTENT_TYPE:
        return _tus_response(415)
    try:
        offset = int(request.headers["upload-offset"])
    except (KeyError, ValueError):
        return _tus_response(400)
    try:
        reached = await uploads.receive(upload, offset, request.stream())
    except UploadRefused as refused:
        return _tus_response(refused.status)
    except ClientDisconnect:
        logger.info("upload %s interrupted; it resumes from the offset kept", upload.id)
        return _tus_response(400)
    return _tus_response(204, **{"Upload-Offset": str(reached), "Upload-Expires": expires})


async def local_file(request: Request) -> Response:
    """A signed link of the local backend: GET streams the object, PUT stores the body under the key."""
    storage = request.app.state.services.storage
    signed = _signed_parts(request)
    if not isinstance(storage, LocalStorage) or signed is None:
        return Response(status_code=404)
    key = request.path_params["key"]
    by, expires, sig = signed
    action = "read" if request.method == "GET" else "write"
    now = request.app.state.services.clock().timestamp()
    if not is_valid(storage.secret, action=action, key=key, bound_to=by, expires=expires, sig=sig, now=now):
        return Response(status_code=403)
    try:
        if action == "write":
            await storage.put(key, request.stream(), request.headers.get("content-type", ""))
            return Response(status_code=200)
        if await storage.size(key) is None:
            raise StoredObjectMissing(key)
    except (StoredObjectMissing, ValueError):
        return Response(status_code=404)
    except ClientDisconnect:
        return Response(status_code=400)
    return StreamingResponse(storage.open(key), headers={"Cache-Control": "private, no-store"})
