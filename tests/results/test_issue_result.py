"""Staff send the result's PDF to a signed link, then issueResult signs it into the citizen's store."""

from __future__ import annotations

import hashlib

import pytest
from strawberry import relay

from app.accounts.models import StaffRole
from app.documents.models import Document
from app.results.models import SignedResult
from tests.dossier_data import APPLICANT, BAI_CHAY, BORDERLESS_5_DAYS, HA_LONG
from tests.results.conftest import in_processing
from tests.results.pdfs import result_pdf

START = """mutation($code: String!, $size: Int!) { startResultUpload(input: {dossierCode: $code, byteSize: $size}) {
  upload { uploadKey url expiresAt } errors { code field } } }"""
ISSUE = """mutation($code: String!, $key: String!, $sha: String!, $kind: String! = "") {
  issueResult(input: {dossierCode: $code, uploadKey: $key, sha256: $sha, kind: $kind}) {
    result { verificationCode dossierCode centreName sha256 } documentId errors { code field } } }"""
MY_RESULTS = "query($code: String!) { dossier(code: $code) { results { verificationCode sha256 documentId } } }"
MY_DOCUMENTS = "{ myDocuments { edges { node { id kind source status contentType originalUrl } } } }"
VERIFY = "query($sha: String) { verifyResult(sha256: $sha) { status result { dossierCode } } }"


@pytest.fixture
async def officer_token(sign_in_staff, cast) -> str:
    return (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]


@pytest.fixture
async def processing(app, cast, dossier):
    return await in_processing(app, dossier, cast.officer.id)


async def staged(app, gql, client, token: str, code: str, pdf: bytes) -> str:
    """Start an upload and PUT the bytes to its signed link, as the staff app does."""
    payload = (await gql(START, {"code": code, "size": len(pdf)}, token=token))["data"]["startResultUpload"]
    assert payload["errors"] == []
    url = payload["upload"]["url"]
    put = await client.put(url.removeprefix(app.state.services.settings.base_url), content=pdf)
    assert put.status_code == 200
    return payload["upload"]["uploadKey"]


async def test_staff_issue_a_signed_result_the_citizen_finds_on_the_dossier(
    app, gql, client, cast, processing, officer_token, sign_in_citizen
):
    key = await staged(app, gql, client, officer_token, processing.code, result_pdf())
    variables = {"code": processing.code, "key": key, "sha": hashlib.sha256(result_pdf()).hexdigest()}
    issued = await gql(ISSUE, {**variables, "kind": "marriage_certificate"}, token=officer_token)
    payload = issued["data"]["issueResult"]
    assert payload["errors"] == [] and payload["result"]["dossierCode"] == processing.code
    assert payload["result"]["sha256"] != variables["sha"]  # the signed file, not the upload
    assert await app.state.services.results.storage.size(key) is None  # the staged upload is gone
    citizen_token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    mine = (await gql(MY_RESULTS, {"code": processing.code}, token=citizen_token))["data"]["dossier"]["results"]
    assert mine == [
        {
            "verificationCode": payload["result"]["verificationCode"],
            "sha256": payload["result"]["sha256"],
            "documentId": payload["documentId"],
        }
    ]
    verified = (await gql(VERIFY, {"sha": payload["result"]["sha256"]}))["data"]["verifyResult"]
    assert verified == {"status": "GENUINE", "result": {"dossierCode": processing.code}}
    stored = (await gql(MY_DOCUMENTS, token=citizen_token))["data"]["myDocuments"]["edges"][0]["node"]
    assert stored["id"] == payload["documentId"] and stored["kind"] == "marriage_certificate"
    assert (stored["source"], stored["status"], stored["contentType"]) == ("ISSUED_RESULT", "CLEAN", "application/pdf")
    offline = await client.get(stored["originalUrl"].removeprefix(app.state.services.settings.base_url))
    assert offline.status_code == 200 and hashlib.sha256(offline.content).hexdigest() == payload["result"]["sha256"]


async def test_a_mismatched_hash_or_a_foreign_upload_issues_nothing(app, gql, client, processing, officer_token):
    key = await staged(app, gql, client, officer_token, processing.code, result_pdf())
    wrong = {"code": processing.code, "key": key, "sha": "0" * 64}
    foreign = {"code": processing.code, "key": "staging/results/999999/x.pdf", "sha": "0" * 64}
    missing = {"code": processing.code, "key": key.replace(".pdf", "0.pdf"), "sha": "0" * 64}
    for variables, code, field in [
        (wrong, "FILE_HASH_MISMATCH", "sha256"),
        (foreign, "UPLOAD_NOT_FOUND", "uploadKey"),
        (missing, "UPLOAD_NOT_FOUND", "uploadKey"),
        ({**wrong, "sha": "not hex"}, "FILE_HASH_MISMATCH", "sha256"),
        ({**wrong, "kind": "lottery_ticket"}, "UNKNOWN_DOCUMENT_KIND", "kind"),
    ]:
        payload = (await gql(ISSUE, variables, token=officer_token))["data"]["issueResult"]
        assert payload["errors"] == [{"code": code, "field": field}] and payload["result"] is None
    assert await SignedResult.all().count() == 0 and await Document.all().count() == 0


async def test_a_broken_pdf_is_not_signed(app, gql, client, processing, officer_token):
    broken = b"%PDF-1.7\nnot really a pdf"
    key = await staged(app, gql, client, officer_token, processing.code, broken)
    variables = {"code": processing.code, "key": key, "sha": hashlib.sha256(broken).hexdigest()}
    payload = (await gql(ISSUE, variables, token=officer_token))["data"]["issueResult"]
    assert payload["errors"] == [{"code": "RESULT_NOT_SIGNABLE", "field": "uploadKey"}]
    assert await Document.all().count() == 0


async def test_uploads_are_refused_before_processing_or_at_another_centre(
    app, gql, dossier, officer_token, sign_in_staff
):
    early = (await gql(START, {"code": dossier.code, "size": 1000}, token=officer_token))["data"]
    assert early["startResultUpload"]["errors"] == [{"code": "RESULT_NOT_EXPECTED", "field": "dossierCode"}]
    elsewhere = (await sign_in_staff("officer@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    other = (await gql(START, {"code": dossier.code, "size": 1000}, token=elsewhere))["data"]
    assert other["startResultUpload"]["errors"] == [{"code": "DOSSIER_NOT_FOUND", "field": "dossierCode"}]


async def test_too_large_an_upload_is_refused(app, gql, processing, officer_token):
    too_large = app.state.services.settings.max_result_bytes + 1
    payload = (await gql(START, {"code": processing.code, "size": too_large}, token=officer_token))["data"]
    assert payload["startResultUpload"] == {"upload": None, "errors": [{"code": "FILE_TOO_LARGE", "field": "byteSize"}]}


async def test_citizens_cannot_issue_results(gql, cast, processing, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    result = await gql(START, {"code": processing.code, "size": 1000}, token=token)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


OPEN = """mutation($code: String!, $id: ID!) { openDossierDocument(input: {dossierCode: $code, documentId: $id}) {
  link { url expiresAt } errors { code field } } }"""
LOG = "{ myDataAccessLog { edges { node { kind dossierCode documentName staffName } } } }"


async def test_staff_open_the_result_through_a_short_lived_link_the_citizen_sees_in_the_log(
    app, gql, cast, dossier, issued, officer_token, sign_in_citizen
):
    document_id = str(relay.GlobalID("Document", str(issued.document_id)))
    opened = (await gql(OPEN, {"code": dossier.code, "id": document_id}, token=officer_token))["data"]
    link = opened["openDossierDocument"]["link"]
    assert opened["openDossierDocument"]["errors"] == [] and "sig=" in link["url"] and "by=staff" in link["url"]
    citizen_token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    entries = [edge["node"] for edge in (await gql(LOG, token=citizen_token))["data"]["myDataAccessLog"]["edges"]]
    assert entries[0] == {
        "kind": "OPENED_DOCUMENT",
        "dossierCode": dossier.code,
        "documentName": f"ket-qua-{dossier.code}.pdf",
        "staffName": "officer@halong.vn",
    }
    assert [entry["kind"] for entry in entries[1:]] == ["ISSUED_RESULT"]


async def test_a_document_of_another_dossier_is_not_opened(app, gql, cast, issued, officer_token):
    other = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    document_id = str(relay.GlobalID("Document", str(issued.document_id)))
    opened = (await gql(OPEN, {"code": other.code, "id": document_id}, token=officer_token))["data"]
    refused = {"link": None, "errors": [{"code": "DOCUMENT_NOT_FOUND", "field": "documentId"}]}
    assert opened["openDossierDocument"] == refused


async def test_a_staged_body_over_the_result_size_limit_is_refused_and_nothing_is_stored(
    app, gql, client, processing, officer_token
):
    payload = (await gql(START, {"code": processing.code, "size": 1000}, token=officer_token))["data"]
    upload = payload["startResultUpload"]["upload"]
    too_big = b"%PDF-" + b"0" * app.state.services.settings.max_result_bytes

    put = await client.put(upload["url"].removeprefix(app.state.services.settings.base_url), content=too_big)

    assert put.status_code == 413
    assert await app.state.services.results.storage.size(upload["uploadKey"]) is None
