"""Virus scanning by a ClamAV daemon over its documented INSTREAM protocol (unix socket or TCP)."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterable
from urllib.parse import urlsplit

SCAN_TIMEOUT_SECONDS = 60.0


class ScannerUnavailable(RuntimeError):
    """The daemon could not be reached or did not give a verdict: the file stays quarantined."""


class ClamdScanner:
    """Streams a file to clamd (`unix:///path/clamd.ctl` or `tcp://host:3310`) and reads its verdict."""

    def __init__(self, url: str, timeout: float = SCAN_TIMEOUT_SECONDS) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("unix", "tcp") or not (parts.path if parts.scheme == "unix" else parts.hostname):
            raise ValueError(f"CLAMD_URL must be unix:///path or tcp://host:port, not {url!r}")
        self._url = parts
        self._timeout = timeout

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._url.scheme == "unix":
            return await asyncio.open_unix_connection(self._url.path)
        return await asyncio.open_connection(self._url.hostname, self._url.port or 3310)

    async def scan(self, chunks: AsyncIterable[bytes]) -> str | None:
        """The name of the malware found, None when the file is clean; raises ScannerUnavailable otherwise."""
        try:
            async with asyncio.timeout(self._timeout):
                reply = await self._instream(chunks)
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
            raise ScannerUnavailable(f"clamd: {error!r}") from error
        verdict = reply.removeprefix("stream: ")
        if verdict == "OK":
            return None
        if verdict.endswith(" FOUND"):
            return verdict.removesuffix(" FOUND")
        raise ScannerUnavailable(f"clamd: {reply}")

    async def _instream(self, chunks: AsyncIterable[bytes]) -> str:
        reader, writer = await self._connect()
        try:
            writer.write(b"zINSTREAM\0")
            async for chunk in chunks:
                writer.write(struct.pack(">I", len(chunk)) + chunk)
                await writer.drain()
            writer.write(struct.pack(">I", 0))
            await writer.drain()
            return (await reader.readuntil(b"\0")).rstrip(b"\0").decode("utf-8", "replace").strip()
        finally:
            writer.close()
