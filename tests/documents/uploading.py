"""Uploading through the API as the app does: startUpload, tus PATCH of the bytes, finishUpload."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from tests.documents.files import sha256

START = """mutation($input: StartUploadInput!) { startUpload(input: $input) {
  upload { id url expiresAt offset } errors { code field message } } }"""
FINISH = """mutation($id: String!) { finishUpload(input: {uploadId: $id}) {
  document { id fileName contentType byteSize sha256 status source originalUrl readingUrl previewUrl }
  errors { code field message } } }"""
TUS = {"Tus-Resumable": "1.0.0", "Content-Type": "application/offset+octet-stream"}


def local_path(url: str) -> str:
    """The path and query of a signed link, to request from the in-process app."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def start(gql, token: str, data: bytes, content_type: str, file_name: str = "scan.pdf", **overrides) -> dict:
    announced = {
        "contentType": content_type,
        "byteSize": len(data),
        "sha256": sha256(data),
        "fileName": file_name,
        **overrides,
    }
    return (await gql(START, {"input": announced}, token=token))["data"]["startUpload"]


async def patch(client: httpx.AsyncClient, url: str, data: bytes, offset: int = 0) -> httpx.Response:
    return await client.patch(local_path(url), content=data, headers={**TUS, "Upload-Offset": str(offset)})


async def finish(gql, token: str, upload_id: str) -> dict:
    return (await gql(FINISH, {"id": upload_id}, token=token))["data"]["finishUpload"]


async def upload(gql, client, token: str, data: bytes, content_type: str, file_name: str = "scan.pdf") -> dict:
    """The whole flow; returns finishUpload's payload."""
    started = await start(gql, token, data, content_type, file_name)
    assert started["errors"] == [], started
    sent = await patch(client, started["upload"]["url"], data)
    assert sent.status_code == 204, sent.text
    return await finish(gql, token, started["upload"]["id"])
