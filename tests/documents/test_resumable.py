"""An upload whose link drops at 60% resumes from there (tus HEAD then PATCH), not from zero."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.documents.models import Upload
from tests.documents import files
from tests.documents.uploading import TUS, finish, local_path, patch, start


async def patch_dropped_after(app, url: str, data: bytes, sent: int) -> None:
    """PATCH the whole body the way a phone on a weak link does: `sent` bytes arrive, then the connection drops."""
    parts = urlsplit(url)
    headers = {**TUS, "Upload-Offset": "0", "Content-Length": str(len(data))}
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PATCH",
        "scheme": "http",
        "path": parts.path,
        "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(),
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    chunks = [data[start : start + 4096] for start in range(0, sent, 4096)]
    chunks[-1] = chunks[-1][: sent - 4096 * (len(chunks) - 1)]
    messages = [{"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks]
    messages.append({"type": "http.disconnect"})

    async def receive() -> dict:
        return messages.pop(0)

    async def send(message: dict) -> None:
        return None

    await app(scope, receive, send)


async def test_an_upload_interrupted_at_60_percent_resumes_from_there(app, gql, client, sign_in_citizen, cast):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    data = files.jpeg_with_gps(1600, 1200)
    ticket = (await start(gql, token, data, "image/jpeg", "photo.jpg"))["upload"]
    cut = len(data) * 60 // 100

    await patch_dropped_after(app, ticket["url"], data, cut)

    head = await client.head(local_path(ticket["url"]), headers={"Tus-Resumable": "1.0.0"})
    assert head.status_code == 200
    assert int(head.headers["Upload-Offset"]) == cut and int(head.headers["Upload-Length"]) == len(data)
    assert head.headers["Cache-Control"] == "no-store"
    resumed = await patch(client, ticket["url"], data[cut:], offset=cut)
    assert resumed.status_code == 204 and int(resumed.headers["Upload-Offset"]) == len(data)
    assert (await Upload.get(token=ticket["id"])).received_bytes == len(data)
    document = (await finish(gql, token, ticket["id"]))["document"]
    assert document["status"] == "CLEAN" and document["sha256"] == files.sha256(data)
