"""The storage interface every backend implements: streams in, streams out, signed links."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Protocol

CHUNK_BYTES = 64 * 1024


class StoredObjectMissing(LookupError):
    """No object is stored under the key."""


class DocumentStorage(Protocol):
    """Bytes stored under opaque keys, never held whole in memory."""

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        """Store the streamed bytes under `key` (replacing any), returning how many were written."""
        ...

    def open(self, key: str) -> AsyncIterator[bytes]:
        """Stream the bytes stored under `key` in chunks; raises StoredObjectMissing when absent."""
        ...

    async def size(self, key: str) -> int | None:
        """The stored size in bytes, None when nothing is stored under `key`."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""
        ...

    async def signed_read_url(self, key: str, *, bound_to: str, expires_in: int, file_name: str) -> str:
        """A link that lets its holder read the object for `expires_in` seconds."""
        ...

    async def signed_upload_url(self, key: str, *, bound_to: str, expires_in: int, content_type: str) -> str:
        """A link that lets its holder write the object once with a PUT for `expires_in` seconds."""
        ...

    async def close(self) -> None:
        """Release connections held by the backend."""
        ...
