"""The embedded default: documents as files under a directory, served by the app at signed links."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable
from pathlib import Path
from urllib.parse import quote

from app.documents.storage.base import CHUNK_BYTES, StoredObjectMissing
from app.documents.storage.signing import signed_query

FILES_PATH = "/files/"


class LocalStorage:
    """Objects are files under `root`; keys are relative paths of safe characters only."""

    def __init__(self, root: Path, *, secret: str, public_url: str, wall_clock: Callable[[], float] = time.time):
        self.root = root
        self.secret = secret
        self.public_url = public_url.rstrip("/")
        self.wall_clock = wall_clock

    def path(self, key: str) -> Path:
        """The file holding `key`; refuses keys that would leave the root."""
        if not key or key.startswith("/") or ".." in key.split("/") or "\\" in key:
            raise ValueError(f"unsafe storage key {key!r}")
        return self.root / key

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        written = 0
        try:
            with partial.open("wb") as file:
                async for chunk in chunks:
                    await asyncio.to_thread(file.write, chunk)
                    written += len(chunk)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return written

    async def open(self, key: str) -> AsyncIterator[bytes]:
        try:
            file = self.path(key).open("rb")
        except FileNotFoundError:
            raise StoredObjectMissing(key) from None
        with file:
            while chunk := await asyncio.to_thread(file.read, CHUNK_BYTES):
                yield chunk

    async def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def _signed(self, action: str, key: str, bound_to: str, expires_in: int) -> str:
        expires = int(self.wall_clock()) + expires_in
        query = signed_query(self.secret, action=action, key=key, bound_to=bound_to, expires=expires)
        return f"{self.public_url}{FILES_PATH}{quote(key)}?{query}"

    async def signed_read_url(self, key: str, *, bound_to: str, expires_in: int, file_name: str) -> str:
        return self._signed("read", key, bound_to, expires_in)

    async def signed_upload_url(self, key: str, *, bound_to: str, expires_in: int, content_type: str) -> str:
        return self._signed("write", key, bound_to, expires_in)

    async def close(self) -> None:
        return None
