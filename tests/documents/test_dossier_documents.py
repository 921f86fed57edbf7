"""Stored documents on dossiers: attaching instead of uploading again, one error per missing requirement,
deleting what no open dossier needs, supplements naming documents, staff's review with reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from strawberry import relay

from app.accounts.models import StaffRole
from app.documents.models import Document, DocumentStatus, DossierDocument
from app.dossiers.models import ActorKind, Dossier, DossierStatus
from app.dossiers.services import Actor
from tests.documents import files
from tests.documents.stored import document_id, stored_document
from tests.documents.uploading import local_path, upload
from tests.dossier_data import APPLICANT, HA_LONG, RESIDENCE_BOUND

BIRTH = {**APPLICANT, "childName": "Nguyễn Minh An", "childBirthDate": "2026-11-20"}
SUBMIT = """mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code documents { id requirementKey reviewStatus reviewReason document { id fileName } } }
  errors { code field message } } }"""
DOCUMENTS = """query($code: String!) { dossier(code: $code) { status
  documents { id requirementKey reviewStatus reviewReason document { id } }
  supplementRequests { requirementKeys suppliedAt } } }"""
REVIEW = """mutation($input: ReviewDossierDocumentInput!) { reviewDossierDocument(input: $input) {
  attachment { reviewStatus reviewReason } errors { code field } } }"""
REQUEST = """mutation($code: String!, $keys: [String!]!, $deadline: DateTime!) {
  requestSupplement(input: {code: $code, items: ["Giấy chứng sinh rõ nét"], requirementKeys: $keys,
    deadline: $deadline}) { dossier { status } errors { code field } } }"""
SUPPLY = """mutation($code: String!, $attachments: [DocumentAttachmentInput!]!) {
  supplyDocuments(input: {code: $code, attachments: $attachments}) { dossier { status } errors { code field } } }"""
DELETE = (
    """mutation($id: ID!) { deleteDocument(input: {documentId: $id}) { deletedDocumentId errors { code field } } }"""
)


@pytest.fixture
async def token(sign_in_citizen, cast) -> str:
    return (await sign_in_citizen(cast.citizen.phone))["accessToken"]


@pytest.fixture
async def officer_token(sign_in_staff, cast) -> str:
    return (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]


def centre_id(cast) -> str:
    return str(relay.GlobalID("Centre", str(cast.ha_long.id)))


async def submit(gql, token, cast, attachments: list[dict]) -> dict:
    variables = {
        "input": {
            "procedureCode": RESIDENCE_BOUND,
            "centreId": centre_id(cast),
            "formFields": BIRTH,
            "attachments": attachments,
        }
    }
    return (await gql(SUBMIT, variables, token=token))["data"]["submitDossier"]


def attach(key: str, document: Document | str) -> dict:
    return {"requirementKey": key, "documentId": document if isinstance(document, str) else document_id(document)}


async def test_submitting_without_mandatory_documents_gives_one_error_per_missing_requirement(gql, token, cast):
    refused = await submit(gql, token, cast, [])
    assert refused["dossier"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("DOCUMENT_MISSING", "attachments.birth_medical_certificate"),
        ("DOCUMENT_MISSING", "attachments.applicant_id_card"),
    ]
    assert "Giấy chứng sinh" in refused["errors"][0]["message"]
    english = await gql(
        SUBMIT,
        {"input": {"procedureCode": RESIDENCE_BOUND, "centreId": centre_id(cast), "formFields": BIRTH}},
        token=token,
        locale="en",
    )
    assert "Birth medical certificate" in english["data"]["submitDossier"]["errors"][0]["message"]
    assert await Dossier.all().count() == 0


async def test_documents_that_cannot_be_attached_are_each_named_and_nothing_is_filed(gql, token, cast):
    quarantined = await stored_document(cast.citizen.id, status=DocumentStatus.QUARANTINED)
    stranger = await cast.citizen.__class__.create(phone="+84987654321", full_name="Trần Văn B")
    theirs = await stored_document(stranger.id)
    mine = await stored_document(cast.citizen.id, content_type="image/png", byte_size=11 * 1024 * 1024)
    refused = await submit(
        gql,
        token,
        cast,
        [
            attach("birth_medical_certificate", quarantined),
            attach("applicant_id_card", theirs),
            attach("wedding_photo", mine),
        ],
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("DOCUMENT_NOT_READY", "attachments.birth_medical_certificate"),
        ("DOCUMENT_NOT_FOUND", "attachments.applicant_id_card"),
        ("UNKNOWN_REQUIREMENT", "attachments.wedding_photo"),
    ]
    too_big = await submit(
        gql, token, cast, [attach("birth_medical_certificate", mine), attach("applicant_id_card", mine)]
    )
    assert [e["code"] for e in too_big["errors"]] == ["DOCUMENT_NOT_ACCEPTED", "DOCUMENT_NOT_ACCEPTED"]
    assert await Dossier.all().count() == 0 and await DossierDocument.all().count() == 0


async def test_an_uploaded_document_is_attached_and_reused_without_uploading_again(gql, client, token, cast):
    certificate = (await upload(gql, client, token, files.pdf(), "application/pdf", "chung-sinh.pdf"))["document"]
    id_card = (await upload(gql, client, token, files.jpeg_with_gps(), "image/jpeg", "cccd.jpg"))["document"]
    attachments = [attach("birth_medical_certificate", certificate["id"]), attach("applicant_id_card", id_card["id"])]
    first = await submit(gql, token, cast, attachments)
    second = await submit(gql, token, cast, attachments)
    for payload in (first, second):
        assert payload["errors"] == []
        documents = payload["dossier"]["documents"]
        assert [(d["requirementKey"], d["reviewStatus"], d["document"]["fileName"]) for d in documents] == [
            ("birth_medical_certificate", "PENDING", "chung-sinh.pdf"),
            ("applicant_id_card", "PENDING", "cccd.jpg"),
        ]
    assert await Document.all().count() == 2


async def test_a_document_is_deletable_once_no_open_dossier_needs_it(app, gql, client, token, cast, settings):
    certificate = (await upload(gql, client, token, files.pdf(), "application/pdf"))["document"]
    id_card = await stored_document(cast.citizen.id)
    payload = await submit(
        gql, token, cast, [attach("birth_medical_certificate", certificate["id"]), attach("applicant_id_card", id_card)]
    )
    in_use = (await gql(DELETE, {"id": certificate["id"]}, token=token))["data"]["deleteDocument"]
    assert in_use == {"deletedDocumentId": None, "errors": [{"code": "DOCUMENT_IN_USE", "field": "documentId"}]}
    dossier = await Dossier.get(code=payload["dossier"]["code"])
    await app.state.services.dossiers.withdraw(dossier, cast.citizen.id)
    deleted = (await gql(DELETE, {"id": certificate["id"]}, token=token))["data"]["deleteDocument"]
    assert deleted == {"deletedDocumentId": certificate["id"], "errors": []}
    assert (await client.get(local_path(certificate["originalUrl"]))).status_code == 404
    again = (await gql(DELETE, {"id": certificate["id"]}, token=token))["data"]["deleteDocument"]
    assert again["errors"] == [{"code": "DOCUMENT_NOT_FOUND", "field": "documentId"}]


async def test_staff_reject_a_document_with_a_reason_and_ask_for_it_again(app, gql, token, officer_token, cast):
    blurred, id_card, sharp = [await stored_document(cast.citizen.id) for _ in range(3)]
    payload = await submit(
        gql, token, cast, [attach("birth_medical_certificate", blurred), attach("applicant_id_card", id_card)]
    )
    code = payload["dossier"]["code"]
    certificate_attachment = payload["dossier"]["documents"][0]["id"]
    service = app.state.services.dossiers
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        await service.change_status(await Dossier.get(code=code), status, Actor(ActorKind.STAFF, cast.officer.id))

    review = {"code": code, "attachmentId": certificate_attachment, "accepted": False}
    silent = (await gql(REVIEW, {"input": review}, token=officer_token))["data"]["reviewDossierDocument"]
    assert silent["errors"] == [{"code": "REASON_REQUIRED", "field": "reason"}]
    rejected = await gql(REVIEW, {"input": {**review, "reason": "Ảnh mờ, không đọc được"}}, token=officer_token)
    assert rejected["data"]["reviewDossierDocument"]["attachment"] == {
        "reviewStatus": "REJECTED",
        "reviewReason": "Ảnh mờ, không đọc được",
    }
    deadline = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    unknown = await gql(REQUEST, {"code": code, "keys": ["selfie"], "deadline": deadline}, token=officer_token)
    assert unknown["data"]["requestSupplement"]["errors"] == [
        {"code": "UNKNOWN_REQUIREMENT", "field": "requirementKeys"}
    ]
    asked = await gql(
        REQUEST, {"code": code, "keys": ["birth_medical_certificate"], "deadline": deadline}, token=officer_token
    )
    assert asked["data"]["requestSupplement"]["errors"] == []

    seen = (await gql(DOCUMENTS, {"code": code}, token=token))["data"]["dossier"]
    assert seen["documents"][0]["reviewReason"] == "Ảnh mờ, không đọc được"
    assert seen["supplementRequests"] == [{"requirementKeys": ["birth_medical_certificate"], "suppliedAt": None}]
    missing = await gql(SUPPLY, {"code": code, "attachments": [attach("applicant_id_card", id_card)]}, token=token)
    assert missing["data"]["supplyDocuments"]["errors"] == [
        {"code": "DOCUMENT_MISSING", "field": "attachments.birth_medical_certificate"}
    ]
    supplied = await gql(
        SUPPLY, {"code": code, "attachments": [attach("birth_medical_certificate", sharp)]}, token=token
    )
    assert supplied["data"]["supplyDocuments"] == {"dossier": {"status": "PROCESSING"}, "errors": []}
    after = (await gql(DOCUMENTS, {"code": code}, token=token))["data"]["dossier"]["documents"]
    assert [(d["requirementKey"], d["reviewStatus"]) for d in after] == [
        ("birth_medical_certificate", "REJECTED"),
        ("applicant_id_card", "PENDING"),
        ("birth_medical_certificate", "PENDING"),
    ]
    accepted = await gql(
        REVIEW, {"input": {"code": code, "attachmentId": after[2]["id"], "accepted": True}}, token=officer_token
    )
    assert accepted["data"]["reviewDossierDocument"]["attachment"] == {"reviewStatus": "ACCEPTED", "reviewReason": ""}
