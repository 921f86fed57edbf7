"""The local-filesystem storage backend: streams in and out, safe keys, signed links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app.documents.storage.base import StoredObjectMissing
from app.documents.storage.local import LocalStorage
from app.documents.storage.signing import is_valid


async def _chunks(*parts: bytes):
    for part in parts:
        yield part


async def _read(storage: LocalStorage, key: str) -> bytes:
    return b"".join([chunk async for chunk in storage.open(key)])


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path, secret="s3cret", public_url="http://testserver/", wall_clock=lambda: 1_000.0)


async def test_put_open_size_delete(storage: LocalStorage) -> None:
    assert await storage.put("a/b/doc", _chunks(b"hello ", b"world"), "application/pdf") == 11
    assert await _read(storage, "a/b/doc") == b"hello world"
    assert await storage.size("a/b/doc") == 11
    await storage.delete("a/b/doc")
    assert await storage.size("a/b/doc") is None
    with pytest.raises(StoredObjectMissing):
        await _read(storage, "a/b/doc")


async def test_keys_cannot_leave_the_root(storage: LocalStorage) -> None:
    for key in ("../escape", "/etc/passwd", "a/../../b", "a\\b", ""):
        with pytest.raises(ValueError):
            storage.path(key)


async def test_signed_read_link_is_bound_to_its_reader_and_expires(storage: LocalStorage) -> None:
    url = await storage.signed_read_url("a/doc", bound_to="citizen:7", expires_in=60, file_name="x.pdf")
    parts = urlsplit(url)
    assert parts.path == "/files/a/doc"
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    grant = {"action": "read", "key": "a/doc", "expires": int(query["expires"]), "sig": query["sig"]}
    assert query["by"] == "citizen:7"
    assert is_valid("s3cret", bound_to="citizen:7", now=1_030, **grant)
    assert not is_valid("s3cret", bound_to="citizen:8", now=1_030, **grant)
    assert not is_valid("s3cret", bound_to="citizen:7", now=1_061, **grant)
    assert not is_valid("s3cret", bound_to="citizen:7", now=1_030, **{**grant, "action": "write"})
