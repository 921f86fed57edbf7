"""S3-compatible object storage (S3, MinIO) through aiobotocore: the only module that imports the SDK.

Objects stream in as one PUT when small, else as a multipart upload of PART_BYTES parts, so at most one part per
transfer is held in memory. Signed links are S3 presigned URLs: S3 cannot bind them to a reader, so they are
kept short-lived (SIGNED_LINK_TTL_SECONDS) and only handed to whoever may read the object.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from contextlib import AsyncExitStack
from urllib.parse import quote, urlsplit

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from app.documents.storage.base import CHUNK_BYTES, StoredObjectMissing
from app.settings import Settings

PART_BYTES = 8 * 1024 * 1024  # S3 parts are at least 5 MiB, except the last


def _missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


class S3Storage:
    """Objects under `prefix` in `bucket`, reached at `endpoint_url` (empty for AWS itself)."""

    def __init__(
        self, bucket: str, prefix: str, *, endpoint_url: str, region: str, access_key_id: str, secret_access_key: str
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._options = {
            "region_name": region,
            "endpoint_url": endpoint_url or None,
            "aws_access_key_id": access_key_id or None,
            "aws_secret_access_key": secret_access_key or None,
            "config": AioConfig(signature_version="s3v4", s3={"addressing_style": "path"}),
        }
        self._stack: AsyncExitStack | None = None
        self._client = None

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        """From DOCUMENT_STORAGE_URL (s3://bucket/optional/prefix) and the S3_* settings."""
        parts = urlsplit(settings.document_storage_url)
        return cls(
            parts.netloc,
            parts.path,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    async def client(self):
        """The one client of this storage, created on first use (one connection pool per process)."""
        if self._client is None:
            self._stack = AsyncExitStack()
            self._client = await self._stack.enter_async_context(get_session().create_client("s3", **self._options))
        return self._client

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> int:
        s3 = await self.client()
        target = {"Bucket": self.bucket, "Key": self._key(key)}
        buffer, written, upload_id, parts = bytearray(), 0, None, []
        try:
            async for chunk in chunks:
                buffer += chunk
                written += len(chunk)
                if len(buffer) >= PART_BYTES:
                    if upload_id is None:
                        started = await s3.create_multipart_upload(**target, ContentType=content_type)
                        upload_id = started["UploadId"]
                    part = await s3.upload_part(
                        **target, UploadId=upload_id, PartNumber=len(parts) + 1, Body=bytes(buffer[:PART_BYTES])
                    )
                    parts.append({"PartNumber": len(parts) + 1, "ETag": part["ETag"]})
                    del buffer[:PART_BYTES]
            if upload_id is None:
                await s3.put_object(**target, Body=bytes(buffer), ContentType=content_type)
                return written
            if buffer:
                part = await s3.upload_part(**target, UploadId=upload_id, PartNumber=len(parts) + 1, Body=bytes(buffer))
                parts.append({"PartNumber": len(parts) + 1, "ETag": part["ETag"]})
            await s3.complete_multipart_upload(**target, UploadId=upload_id, MultipartUpload={"Parts": parts})
        except BaseException:
            if upload_id is not None:
                await s3.abort_multipart_upload(**target, UploadId=upload_id)
            raise
        return written

    async def open(self, key: str) -> AsyncIterator[bytes]:
        s3 = await self.client()
        try:
            response = await s3.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _missing(error):
                raise StoredObjectMissing(key) from None
            raise
        async with response["Body"] as body:
            while chunk := await body.read(CHUNK_BYTES):
                yield chunk

    async def size(self, key: str) -> int | None:
        s3 = await self.client()
        try:
            return (await s3.head_object(Bucket=self.bucket, Key=self._key(key)))["ContentLength"]
        except ClientError as error:
            if _missing(error):
                return None
            raise

    async def delete(self, key: str) -> None:
        await (await self.client()).delete_object(Bucket=self.bucket, Key=self._key(key))

    async def signed_read_url(self, key: str, *, bound_to: str, expires_in: int, file_name: str) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": self._key(key),
            "ResponseContentDisposition": f"inline; filename*=UTF-8''{quote(file_name)}",
            "ResponseCacheControl": "private, no-store",
        }
        return await (await self.client()).generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)

    async def signed_upload_url(self, key: str, *, bound_to: str, expires_in: int, content_type: str) -> str:
        params = {"Bucket": self.bucket, "Key": self._key(key), "ContentType": content_type}
        return await (await self.client()).generate_presigned_url("put_object", Params=params, ExpiresIn=expires_in)

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack, self._client = None, None
