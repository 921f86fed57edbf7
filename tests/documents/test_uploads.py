"""Uploads end to end on the local backend: tus bytes, checks, the stored document and its signed links."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from app.documents.models import Document, Upload
from tests.documents import files
from tests.documents.uploading import TUS, finish, local_path, patch, start, upload


@pytest.fixture
async def token(sign_in_citizen, cast) -> str:
    return (await sign_in_citizen(cast.citizen.phone))["accessToken"]


@pytest.fixture
async def other_token(sign_in_citizen, cast) -> str:
    return (await sign_in_citizen("+84987654321"))["accessToken"]


def stored_files(settings) -> list[Path]:
    """Every file the storage and the staging area hold."""
    roots = (Path(settings.documents_dir), Path(settings.upload_staging_dir))
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


async def test_a_pdf_is_checked_stored_and_readable_by_its_owner(gql, client, token, settings):
    data = files.pdf(pages=2)
    payload = await upload(gql, client, token, data, "application/pdf", "giấy chứng sinh.pdf")
    assert payload["errors"] == []
    document = payload["document"]
    assert document["status"] == "CLEAN" and document["source"] == "UPLOADED"
    assert (document["fileName"], document["byteSize"]) == ("giấy chứng sinh.pdf", len(data))
    assert document["sha256"] == files.sha256(data) and document["readingUrl"] is None
    read = await client.get(local_path(document["originalUrl"]))
    assert read.status_code == 200 and read.content == data
    mine = await gql("{ myDocuments { totalCount edges { node { id status } } } }", token=token)
    assert mine["data"]["myDocuments"]["totalCount"] == 1
    usage = await gql("{ myDocumentUsage { usedBytes quotaBytes } }", token=token)
    quota = settings.document_quota_bytes
    assert usage["data"]["myDocumentUsage"] == {"usedBytes": len(data), "quotaBytes": quota}
    assert [path.name for path in stored_files(settings)] == ["original"], "the staged bytes are gone"


async def test_a_photo_gets_a_reading_copy_and_a_preview_without_exif_or_gps(gql, client, token):
    data = files.jpeg_with_gps(2400, 1600)
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825) is not None
    document = (await upload(gql, client, token, data, "image/jpeg", "photo.jpg"))["document"]
    assert (await client.get(local_path(document["originalUrl"]))).content == data, "the original is kept as sent"
    for name, edge in (("readingUrl", 2000), ("previewUrl", 320)):
        copy = Image.open(io.BytesIO((await client.get(local_path(document[name]))).content))
        assert copy.format == "JPEG" and max(copy.size) == edge
        assert not copy.getexif() and "exif" not in copy.info, name


async def test_a_signed_link_is_refused_when_tampered_with_or_expired(gql, client, token, time_machine):
    document = (await upload(gql, client, token, files.png(), "image/png", "a.png"))["document"]
    link = local_path(document["originalUrl"])
    assert (await client.get(link.replace("by=citizen%3A", "by=citizen%3A9"))).status_code == 403
    assert (await client.get(link.replace("/original?", "/reading.jpg?"))).status_code == 403
    time_machine.move_to(datetime.now(UTC) + timedelta(minutes=6))
    assert (await client.get(link)).status_code == 403


async def test_someone_elses_document_has_no_links(gql, client, token, other_token):
    document = (await upload(gql, client, token, files.png(), "image/png", "a.png"))["document"]
    seen = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": document["id"]}, token=other_token)
    assert seen["data"]["node"] is None


BAD_STARTS = [
    ({"contentType": "text/plain"}, "UNSUPPORTED_FILE_TYPE", "contentType"),
    ({"byteSize": 10 * 1024 * 1024 + 1}, "FILE_TOO_LARGE", "byteSize"),
    ({"byteSize": 0}, "FILE_TOO_LARGE", "byteSize"),
    ({"sha256": "not-a-hash"}, "FILE_HASH_MISMATCH", "sha256"),
    ({"fileName": "../../etc/passwd"}, "INVALID_FILE_NAME", "fileName"),
    ({"fileName": "C:\\Users\\hoa\\scan.pdf"}, "INVALID_FILE_NAME", "fileName"),
    ({"fileName": "scans/scan.pdf"}, "INVALID_FILE_NAME", "fileName"),
    ({"fileName": ""}, "INVALID_FILE_NAME", "fileName"),
]


@pytest.mark.parametrize(("overrides", "code", "field"), BAD_STARTS)
async def test_a_bad_announcement_is_refused_and_nothing_is_kept(gql, token, settings, overrides, code, field):
    started = await start(gql, token, files.pdf(), "application/pdf", **overrides)
    assert started["upload"] is None
    assert [(e["code"], e["field"]) for e in started["errors"]] == [(code, field)]
    assert await Upload.all().count() == 0 and stored_files(settings) == []


BAD_FILES = [
    (files.pdf(), "image/png", "UNSUPPORTED_FILE_TYPE", "contentType"),  # the name and type lie, the bytes do not
    (b"MZ\x90\x00 an executable" * 10, "application/pdf", "UNSUPPORTED_FILE_TYPE", "contentType"),
    (files.png_bomb(), "image/png", "IMAGE_TOO_LARGE", "uploadId"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "image/png", "IMAGE_UNREADABLE", "uploadId"),
    (files.broken_pdf(), "application/pdf", "PDF_UNREADABLE", "uploadId"),
    (files.encrypted_pdf(), "application/pdf", "PDF_ENCRYPTED", "uploadId"),
]


@pytest.mark.parametrize(("data", "announced", "code", "field"), BAD_FILES)
async def test_a_file_failing_its_checks_is_refused_and_nothing_is_kept(
    gql, client, token, settings, data, announced, code, field
):
    started = await start(gql, token, data, announced)
    assert (await patch(client, started["upload"]["url"], data)).status_code == 204
    finished = await finish(gql, token, started["upload"]["id"])
    assert finished["document"] is None
    assert [(e["code"], e["field"]) for e in finished["errors"]] == [(code, field)]
    assert await Document.all().count() == 0 and await Upload.all().count() == 0
    assert stored_files(settings) == []


async def test_bytes_that_do_not_match_the_announced_hash_are_refused(gql, client, token, settings):
    data = files.pdf()
    started = await start(gql, token, data, "application/pdf", sha256=files.sha256(b"other bytes"))
    tampered = data[:-1] + b"\n"
    assert (await patch(client, started["upload"]["url"], tampered)).status_code == 204
    finished = await finish(gql, token, started["upload"]["id"])
    assert [(e["code"], e["field"]) for e in finished["errors"]] == [("FILE_HASH_MISMATCH", "sha256")]
    assert await Document.all().count() == 0 and stored_files(settings) == []


async def test_an_upload_is_bound_to_its_uploader_and_expires(
    gql, client, token, other_token, time_machine, sign_in_citizen, cast
):
    data = files.pdf()
    started = await start(gql, token, data, "application/pdf")
    url = started["upload"]["url"]
    forged = local_path(url).replace("by=citizen%3A", "by=citizen%3A9")
    assert (await client.patch(forged, content=data, headers={**TUS, "Upload-Offset": "0"})).status_code == 403
    assert (await patch(client, url, data)).status_code == 204
    foreign = await finish(gql, other_token, started["upload"]["id"])
    assert [e["code"] for e in foreign["errors"]] == ["UPLOAD_NOT_FOUND"]
    time_machine.move_to(datetime.now(UTC) + timedelta(hours=1, seconds=1))
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    expired = await finish(gql, token, started["upload"]["id"])
    assert [e["code"] for e in expired["errors"]] == ["UPLOAD_NOT_FOUND"]
    assert (await client.head(local_path(url), headers={"Tus-Resumable": "1.0.0"})).status_code == 403
    assert await Document.all().count() == 0


async def test_finishing_before_every_byte_arrived_is_refused_and_the_upload_can_go_on(gql, client, token):
    data = files.pdf()
    started = await start(gql, token, data, "application/pdf")
    assert (await patch(client, started["upload"]["url"], data[:100])).status_code == 204
    early = await finish(gql, token, started["upload"]["id"])
    assert [e["code"] for e in early["errors"]] == ["UPLOAD_INCOMPLETE"]
    assert (await patch(client, started["upload"]["url"], data[100:], offset=100)).status_code == 204
    assert (await finish(gql, token, started["upload"]["id"]))["document"]["status"] == "CLEAN"


async def test_tus_refuses_a_wrong_offset_more_bytes_than_announced_and_other_protocol_versions(gql, client, token):
    data = files.pdf()
    url = (await start(gql, token, data, "application/pdf"))["upload"]["url"]
    assert (await patch(client, url, data[:10], offset=5)).status_code == 409
    assert (await patch(client, url, data + b"extra")).status_code == 413
    old = {**TUS, "Tus-Resumable": "0.2.2", "Upload-Offset": "0"}
    assert (await client.patch(local_path(url), content=data, headers=old)).status_code == 412
    options = await client.options(local_path(url))
    assert options.status_code == 204 and options.headers["Tus-Version"] == "1.0.0"


async def test_the_quota_counts_every_stored_document_even_among_uploads_started_together(
    gql, client, token, app, settings, monkeypatch
):
    first, second = files.pdf(), files.pdf(pages=3)
    uploads = app.state.services.uploads
    quota = len(first) + len(second) - 1
    monkeypatch.setattr(uploads, "limits", dataclasses.replace(uploads.limits, quota_bytes=quota))
    started = [await start(gql, token, data, "application/pdf") for data in (first, second)]
    for ticket, data in zip(started, (first, second), strict=True):
        assert (await patch(client, ticket["upload"]["url"], data)).status_code == 204
    assert (await finish(gql, token, started[0]["upload"]["id"]))["errors"] == []
    late = await finish(gql, token, started[1]["upload"]["id"])
    assert [(e["code"], e["field"]) for e in late["errors"]] == [("QUOTA_EXCEEDED", "uploadId")]
    refused = await start(gql, token, second, "application/pdf")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("QUOTA_EXCEEDED", "byteSize")]
    assert await Document.all().count() == 1 and len(stored_files(settings)) == 1
