"""With CLAMD_URL set, every upload is scanned by a real ClamAV daemon and stays quarantined until clean."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.catalogue.document_requirements import summary_requirement
from app.clock import system_clock
from app.container import build_upload_service
from app.documents.attachments import Attachment, checked_attachments
from app.documents.models import Document, DocumentStatus
from app.documents.storage.local import LocalStorage
from app.errors import DomainError, DomainErrors
from tests.documents import files
from tests.documents.clamd import EICAR, ClamdServer


@pytest.fixture(scope="module")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdServer]:
    server = ClamdServer(tmp_path_factory.mktemp("clamd"))
    server.start()
    yield server
    server.stop()


def uploads_scanned_by(settings, clamd_url: str, tmp_path: Path):
    scanned = dataclasses.replace(
        settings, clamd_url=clamd_url, documents_dir=str(tmp_path / "stored"), upload_staging_dir=str(tmp_path / "in")
    )
    storage = LocalStorage(tmp_path / "stored", secret="s", public_url="http://x")
    return build_upload_service(scanned, storage, system_clock)


async def _send(service, citizen_id: int, data: bytes):
    async def body():
        yield data

    upload = await service.start(citizen_id, "application/pdf", len(data), files.sha256(data), "scan.pdf")
    await service.receive(upload, 0, body())
    return await service.finish(citizen_id, upload.token)


def infected_pdf() -> bytes:
    """A PDF that opens, carrying the EICAR test string after its end."""
    return files.pdf() + b"\n" + EICAR + b"\n"


async def test_a_clean_file_is_scanned_and_an_infected_one_refused(clamd, settings, cast, tmp_path):
    service = uploads_scanned_by(settings, clamd.url, tmp_path)
    clean = await _send(service, cast.citizen.id, files.pdf())
    assert clean.status is DocumentStatus.CLEAN and clean.checked_at is not None
    with pytest.raises(DomainError) as refused:
        await _send(service, cast.citizen.id, infected_pdf())
    assert refused.value.code == "FILE_INFECTED"
    assert await Document.all().count() == 1
    assert sorted(path.name for path in (tmp_path / "stored").rglob("*") if path.is_file()) == ["original"]


async def test_without_an_answer_from_the_scanner_a_file_stays_quarantined_until_scanned(
    clamd, settings, cast, tmp_path
):
    away = uploads_scanned_by(settings, f"unix://{tmp_path / 'nobody.sock'}", tmp_path)
    waiting = await _send(away, cast.citizen.id, infected_pdf())
    held = await _send(away, cast.citizen.id, files.pdf())
    assert {waiting.status, held.status} == {DocumentStatus.QUARANTINED} and held.checked_at is None
    requirement = summary_requirement("Giấy tờ")
    with pytest.raises(DomainErrors) as refused:
        await checked_attachments((cast.citizen.id,), [requirement], [Attachment(requirement.key, held.id)], [])
    assert [error.code for error in refused.value.errors] == ["DOCUMENT_NOT_READY"]

    back = uploads_scanned_by(settings, clamd.url, tmp_path)
    assert await back.rescan_quarantined() == 2
    infected, clean = await Document.get(id=waiting.id), await Document.get(id=held.id)
    assert (infected.status, infected.rejection_code) == (DocumentStatus.REJECTED, "FILE_INFECTED")
    assert clean.status is DocumentStatus.CLEAN
    assert not (tmp_path / "stored" / infected.original_key).exists()
    assert await checked_attachments((cast.citizen.id,), [requirement], [Attachment(requirement.key, held.id)], [])
