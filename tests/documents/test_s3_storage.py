"""The S3 backend through the real SDK (aiobotocore) against moto's S3 server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from moto.server import ThreadedMotoServer

from app.documents.models import Document
from app.documents.storage.base import StoredObjectMissing
from app.documents.storage.s3 import PART_BYTES, S3Storage
from app.documents.uploads import UploadLimits, UploadService
from tests.documents import files
from tests.servers import free_port

BUCKET = "documents"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")  # moto accepts any credentials
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    httpx.put(f"{endpoint}/{BUCKET}").raise_for_status()  # create the bucket
    yield endpoint
    server.stop()


@pytest.fixture
async def storage(s3_endpoint: str) -> AsyncIterator[S3Storage]:
    store = S3Storage(
        BUCKET, "qn/", endpoint_url=s3_endpoint, region="us-east-1", access_key_id="testing", secret_access_key="x"
    )
    yield store
    await store.close()


async def _chunks(data: bytes, size: int = 64 * 1024):
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def _read(storage: S3Storage, key: str) -> bytes:
    return b"".join([chunk async for chunk in storage.open(key)])


async def test_small_and_multipart_objects_stream_in_and_out(storage: S3Storage) -> None:
    small = b"hello"
    large = os.urandom(PART_BYTES * 2 + 12345)  # three parts, the last one short
    assert await storage.put("a/small", _chunks(small), "application/pdf") == len(small)
    assert await storage.put("a/large", _chunks(large), "image/jpeg") == len(large)
    assert await _read(storage, "a/small") == small
    assert hashlib.sha256(await _read(storage, "a/large")).digest() == hashlib.sha256(large).digest()
    assert await storage.size("a/large") == len(large)
    await storage.delete("a/large")
    assert await storage.size("a/large") is None
    with pytest.raises(StoredObjectMissing):
        await _read(storage, "a/large")


async def test_presigned_links_read_and_write_and_expire(storage: S3Storage) -> None:
    await storage.put("b/doc", _chunks(b"%PDF-1.7 body"), "application/pdf")
    read = await storage.signed_read_url("b/doc", bound_to="citizen:1", expires_in=60, file_name="giấy tờ.pdf")
    assert parse_qs(urlsplit(read).query)["X-Amz-Expires"] == ["60"]
    async with httpx.AsyncClient() as http:
        got = await http.get(read)
        assert got.status_code == 200 and got.content == b"%PDF-1.7 body"
        assert (await http.get(read.replace("b/doc", "b/other"))).status_code == 403
        write = await storage.signed_upload_url("b/new", bound_to="citizen:1", expires_in=60, content_type="image/png")
        put = await http.put(write, content=b"png bytes", headers={"Content-Type": "image/png"})
        assert put.status_code == 200
    assert await _read(storage, "b/new") == b"png bytes"


async def test_an_upload_is_checked_and_stored_in_s3(storage: S3Storage, cast, tmp_path: Path) -> None:
    service = UploadService(
        storage,
        tmp_path,
        UploadLimits(max_bytes=10 * 1024 * 1024, quota_bytes=50 * 1024 * 1024, ttl=timedelta(hours=1)),
        secret="s",
        base_url="http://testserver",
    )
    data = files.jpeg_with_gps(1600, 1200)
    upload = await service.start(cast.citizen.id, "image/jpeg", len(data), files.sha256(data), "cccd.jpg")
    assert await service.receive(upload, 0, _chunks(data, 10_000)) == len(data)
    await upload.refresh_from_db()
    document = await service.finish(cast.citizen.id, upload.token)
    stored = await Document.get(id=document.id)
    assert hashlib.sha256(await _read(storage, stored.original_key)).hexdigest() == files.sha256(data)
    assert (await _read(storage, stored.preview_key))[:3] == b"\xff\xd8\xff"
    assert not service.staging_path(upload).exists(), "the staged bytes are gone"
