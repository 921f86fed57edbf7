"""verifyResult and /results/verify: genuine, altered and unknown results, and no personal data in the answer."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from app.access_log.models import AccessKind, DataAccess
from app.documents.models import Document, DocumentSource, DocumentStatus
from app.dossiers.models import DossierStatus
from app.errors import DomainError, ErrorCode
from app.results.models import SignedResult
from app.results.signing import SignatureVerdict
from tests.dossier_data import APPLICANT
from tests.results.conftest import in_processing
from tests.results.pdfs import result_pdf

VERIFY = """query($code: String, $sha256: String) { verifyResult(code: $code, sha256: $sha256) {
  status result { verificationCode dossierCode procedureName centreName issuedAt sha256 } } }"""


async def verify(gql, **variables) -> dict:
    return (await gql(VERIFY, variables))["data"]["verifyResult"]


def personal_data(cast) -> list[str]:
    return [cast.citizen.full_name, cast.citizen.phone, APPLICANT["citizenId"], APPLICANT["address"]]


async def test_issuing_signs_the_pdf_and_stores_it_in_the_citizens_store(app, cast, dossier, issued, signed_bytes):
    document = await Document.get(id=issued.document_id)
    assert document.owner_id == cast.citizen.id and document.source is DocumentSource.ISSUED_RESULT
    assert document.status is DocumentStatus.CLEAN and document.content_type == "application/pdf"
    assert document.sha256 == issued.sha256 == hashlib.sha256(signed_bytes).hexdigest()
    assert await asyncio.to_thread(app.state.services.results.signer.check, signed_bytes) is SignatureVerdict.VALID
    assert issued.dossier_id == dossier.id and issued.centre_id == cast.ha_long.id
    logged = await DataAccess.get(citizen_id=cast.citizen.id)
    assert (logged.kind, logged.staff_id) == (AccessKind.ISSUED_RESULT, cast.officer.id)
    assert logged.document_id == document.id


async def test_a_result_is_not_issued_before_intake_nor_from_an_unreadable_pdf(app, cast, dossier):
    results = app.state.services.results
    with pytest.raises(DomainError) as early:
        await results.issue(dossier, cast.officer.id, cast.ha_long.id, result_pdf())
    processing = await in_processing(app, dossier, cast.officer.id)
    with pytest.raises(DomainError) as broken:
        await results.issue(processing, cast.officer.id, cast.ha_long.id, b"%PDF-1.7 broken")
    assert (early.value.code, broken.value.code) == (ErrorCode.RESULT_NOT_EXPECTED, ErrorCode.RESULT_NOT_SIGNABLE)
    assert processing.status is DossierStatus.PROCESSING
    assert await SignedResult.all().count() == 0 and await Document.all().count() == 0


async def test_code_and_hash_of_the_issued_file_are_genuine(gql, cast, dossier, issued, signed_bytes):
    answer = await verify(gql, code=issued.verification_code, sha256=hashlib.sha256(signed_bytes).hexdigest())
    assert answer["status"] == "GENUINE"
    assert answer["result"]["dossierCode"] == dossier.code
    assert answer["result"]["centreName"] == cast.ha_long.name_vi
    assert answer["result"]["verificationCode"] == issued.verification_code
    assert not any(value in str(answer) for value in personal_data(cast))


async def test_the_code_alone_says_it_was_issued_and_a_scan_may_be_typed_loosely(gql, issued):
    typed = issued.verification_code.replace("-", " ").lower()
    answer = await verify(gql, code=typed)
    assert answer["status"] == "CODE_ISSUED" and answer["result"]["sha256"] == issued.sha256


async def test_the_hash_alone_of_the_issued_file_is_genuine(gql, issued, signed_bytes):
    answer = await verify(gql, sha256=hashlib.sha256(signed_bytes).hexdigest().upper())
    assert answer["status"] == "GENUINE" and answer["result"]["verificationCode"] == issued.verification_code


async def test_an_altered_file_is_refused_and_unknown_inputs_are_unknown(gql, issued, signed_bytes):
    tampered = hashlib.sha256(signed_bytes.replace(b"GIAY CHUNG NHAN", b"GIAY CHUNG NHAM")).hexdigest()
    altered = await verify(gql, code=issued.verification_code, sha256=tampered)
    assert altered["status"] == "ALTERED"
    assert await verify(gql, sha256=tampered) == {"status": "UNKNOWN", "result": None}
    assert await verify(gql, code="AAAA-BBBB-CCCC") == {"status": "UNKNOWN", "result": None}


@pytest.mark.parametrize(
    ("variables", "argument"),
    [({"code": "12"}, "code"), ({"code": "O0O0-1I1I-0000"}, "code"), ({"sha256": "xyz"}, "sha256"), ({}, None)],
)
async def test_malformed_arguments_are_bad_user_input(gql, variables, argument):
    result = await gql(VERIFY, variables)
    error = result["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"].get("argument") == argument


async def test_posting_the_file_checks_its_signature(client, cast, issued, signed_bytes):
    genuine = await client.post("/results/verify", content=signed_bytes)
    assert genuine.status_code == 200 and genuine.json()["status"] == "GENUINE"
    assert genuine.json()["result"]["verificationCode"] == issued.verification_code
    assert not any(value in genuine.text for value in personal_data(cast))
    tampered = signed_bytes.replace(b"GIAY CHUNG NHAN", b"GIAY CHUNG NHAM")
    assert (await client.post("/results/verify", content=tampered)).json() == {"status": "ALTERED", "result": None}
    unsigned = await client.post("/results/verify", content=result_pdf())
    assert unsigned.json() == {"status": "UNKNOWN", "result": None}


async def test_posting_too_much_or_nothing_is_refused(app, client):
    limit = app.state.services.settings.max_result_bytes
    assert (await client.post("/results/verify", content=b"x" * (limit + 1))).status_code == 413
    assert (await client.post("/results/verify", content=b"")).status_code == 400


async def test_the_qr_link_answers_for_its_code(app, client, issued):
    link = app.state.services.results.verification_url(issued.verification_code)
    answer = await client.get(link.removeprefix(app.state.services.results.public_url))
    assert answer.status_code == 200 and answer.json()["status"] == "CODE_ISSUED"
    assert (await client.get("/results/verify?code=nonsense")).status_code == 400
    page = await client.get(link.removeprefix(app.state.services.results.public_url), headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html") and issued.sha256 in page.text
    assert "Mã xác thực hợp lệ" in page.text
