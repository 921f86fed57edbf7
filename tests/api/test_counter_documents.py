"""Documents at the counter: the officer scans the walk-in citizen's papers into the citizen's store (tus, as
`startUpload` does) and attaches them to the dossier filed for them, checked as `submitDossier` does."""

from __future__ import annotations

from app.accounts.models import Citizen, StaffRole
from app.documents.models import Document, DocumentSource, DossierDocument
from app.dossiers.models import Dossier
from tests.api.test_counter import FILE
from tests.documents import files
from tests.documents.files import sha256
from tests.documents.stored import document_id, stored_document
from tests.documents.uploading import finish, patch
from tests.dossier_data import APPLICANT, HA_LONG, RESIDENCE_BOUND

BIRTH = {**APPLICANT, "childName": "Nguyễn Minh An", "childBirthDate": "2026-11-20"}
START = """mutation($input: StartCounterUploadInput!) { startCounterUpload(input: $input) {
  upload { id url } errors { code field } } }"""
FINISH = """mutation($id: String!) { finishCounterUpload(input: {uploadId: $id}) {
  document { id source status originalUrl } errors { code field } } }"""
DOCUMENTS = "query { myDocuments { edges { node { id source } } } }"


async def scanned(gql, client, officer: str, phone: str, data: bytes) -> dict:
    """Start, send and finish a counter upload; returns the started upload and the finished payload."""
    announced = {"phone": phone, "contentType": "application/pdf", "byteSize": len(data), "sha256": sha256(data)}
    started = (await gql(START, {"input": {**announced, "fileName": "giay-chung-sinh.pdf"}}, officer))["data"]
    ticket = started["startCounterUpload"]["upload"]
    assert (
        started["startCounterUpload"]["errors"] == [] and (await patch(client, ticket["url"], data)).status_code == 204
    )
    return ticket


def birth_filing(cast, attachments: list[dict]) -> dict:
    values = {"procedureCode": RESIDENCE_BOUND, "formFields": BIRTH, "attachments": attachments}
    return {"input": {**values, "phone": cast.citizen.phone, "idCardNumber": APPLICANT["citizenId"]}}


async def test_the_officer_scans_papers_into_the_citizens_store_and_files_with_them(
    gql, client, cast, sign_in_staff, sign_in_citizen
):
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    ticket = await scanned(gql, client, officer, cast.citizen.phone, files.pdf())
    done = (await gql(FINISH, {"id": ticket["id"]}, officer))["data"]["finishCounterUpload"]
    assert done["errors"] == [] and done["document"]["source"] == "AT_COUNTER"
    assert done["document"]["status"] == "CLEAN" and done["document"]["originalUrl"] is None  # staff get no link
    card = await stored_document(cast.citizen.id)

    missing = (await gql(FILE, birth_filing(cast, []), officer))["data"]["fileDossierAtCounter"]
    assert sorted((e["code"], e["field"]) for e in missing["errors"]) == [
        ("DOCUMENT_MISSING", "attachments.applicant_id_card"),
        ("DOCUMENT_MISSING", "attachments.birth_medical_certificate"),
    ]
    attachments = [
        {"requirementKey": "birth_medical_certificate", "documentId": done["document"]["id"]},
        {"requirementKey": "applicant_id_card", "documentId": document_id(card)},
    ]
    filed = (await gql(FILE, birth_filing(cast, attachments), officer))["data"]["fileDossierAtCounter"]
    assert filed["errors"] == []
    dossier = await Dossier.get(code=filed["receipt"]["code"])
    assert await DossierDocument.filter(dossier_id=dossier.id).count() == 2

    own = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    sources = {edge["node"]["source"] for edge in (await gql(DOCUMENTS, None, own))["data"]["myDocuments"]["edges"]}
    assert sources == {"AT_COUNTER", "UPLOADED"}  # the citizen sees the scan in their store


async def test_another_citizens_document_is_not_found_at_the_counter(gql, cast, sign_in_staff):
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    neighbour = await Citizen.create(phone="+84912000999")
    theirs, card = await stored_document(neighbour.id), await stored_document(cast.citizen.id)
    attachments = [
        {"requirementKey": "birth_medical_certificate", "documentId": document_id(theirs)},
        {"requirementKey": "applicant_id_card", "documentId": document_id(card)},
    ]
    refused = (await gql(FILE, birth_filing(cast, attachments), officer))["data"]["fileDossierAtCounter"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("DOCUMENT_NOT_FOUND", "attachments.birth_medical_certificate")
    ]
    assert await Dossier.all().count() == 0


async def test_only_the_officer_who_started_a_scan_finishes_it(gql, client, cast, sign_in_staff, sign_in_citizen):
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    colleague = (await sign_in_staff("other@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    ticket = await scanned(gql, client, officer, cast.citizen.phone, files.pdf())
    other = (await gql(FINISH, {"id": ticket["id"]}, colleague))["data"]["finishCounterUpload"]
    assert [(e["code"], e["field"]) for e in other["errors"]] == [("UPLOAD_NOT_FOUND", "uploadId")]
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    assert (await finish(gql, citizen, ticket["id"]))["errors"][0]["code"] == "UPLOAD_NOT_FOUND"
    assert await Document.filter(source=DocumentSource.AT_COUNTER).count() == 0


async def test_citizens_and_staff_without_a_centre_cannot_scan_for_others(gql, cast, sign_in_staff, sign_in_citizen):
    data = files.pdf()
    announced = {
        "phone": "+84987000111",
        "contentType": "application/pdf",
        "byteSize": len(data),
        "sha256": sha256(data),
        "fileName": "scan.pdf",
    }
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    assert (await gql(START, {"input": announced}, citizen))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin = (await sign_in_staff("admin@test.vn", StaffRole.ADMIN))["accessToken"]
    refused = (await gql(START, {"input": announced}, admin))["data"]["startCounterUpload"]
    assert [e["code"] for e in refused["errors"]] == ["COUNTER_CENTRE_REQUIRED"]
    assert await Citizen.filter(phone="+84987000111").count() == 0
