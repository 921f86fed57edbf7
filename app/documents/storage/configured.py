"""The storage backend the settings ask for: S3-compatible when DOCUMENT_STORAGE_URL is s3://, else local files."""

from __future__ import annotations

from pathlib import Path

from app.documents.storage.base import DocumentStorage
from app.documents.storage.local import LocalStorage
from app.settings import Settings


def build_storage(settings: Settings) -> DocumentStorage:
    if settings.document_storage_url.startswith("s3://"):
        from app.documents.storage.s3 import S3Storage  # the SDK loads only when configured

        return S3Storage.from_settings(settings)
    return LocalStorage(Path(settings.documents_dir), secret=settings.secret_key, public_url=settings.base_url)
