"""Documents kept in drafts: `{requirementKey, documentId}` pairs of the citizen's own store, checked on save, kept
under the draft's version, attached on submission through the same checks as `submitDossier`."""

from __future__ import annotations

from app.accounts.models import Citizen
from app.documents.models import Document, DocumentStatus, DossierDocument
from app.dossiers.models import Dossier
from app.drafts.models import DossierDraft
from tests.api.test_drafts import DISCARD, SUBMIT, gid
from tests.documents.stored import document_id, stored_document
from tests.dossier_data import APPLICANT, RESIDENCE_BOUND

BIRTH = {**APPLICANT, "childName": "Nguyễn Minh An", "childBirthDate": "2026-11-20"}
DRAFT = "id version attachments { requirementKey documentId } documentIds"
SAVE = f"""mutation($input: SaveDossierDraftInput!) {{ saveDossierDraft(input: $input) {{
  draft {{ {DRAFT} }} current {{ {DRAFT} }} errors {{ code field }} }} }}"""
ONE = f"query($id: ID!) {{ dossierDraft(id: $id) {{ {DRAFT} }} }}"
FILED = """query($code: String!) { dossier(code: $code) { documents { requirementKey document { id } } } }"""


def attach(key: str, document: Document) -> dict:
    return {"requirementKey": key, "documentId": document_id(document)}


def birth_draft(cast, attachments: list[dict], **extra) -> dict:
    centre = gid("Centre", cast.ha_long.id)
    values = {"procedureCode": RESIDENCE_BOUND, "centreId": centre, "formFields": BIRTH, "attachments": attachments}
    return {"input": {**values, **extra}}


async def saved(gql, token, variables) -> dict:
    payload = (await gql(SAVE, variables, token))["data"]["saveDossierDraft"]
    assert payload["errors"] == [], payload
    return payload["draft"]


async def test_a_draft_keeps_its_documents_and_files_them_with_the_dossier(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    certificate, card = await stored_document(cast.citizen.id), await stored_document(cast.citizen.id)
    draft = await saved(gql, token, birth_draft(cast, [attach("birth_medical_certificate", certificate)]))
    assert draft["attachments"] == [
        {"requirementKey": "birth_medical_certificate", "documentId": document_id(certificate)}
    ]
    assert draft["documentIds"] == [document_id(certificate)]  # the deprecated view of the same documents

    missing = (await gql(SUBMIT, {"input": {"id": draft["id"], "version": 1}}, token))["data"]["submitDossierDraft"]
    assert [(e["code"], e["field"]) for e in missing["errors"]] == [
        ("DOCUMENT_MISSING", "attachments.applicant_id_card")
    ]
    assert await Dossier.all().count() == 0 and await DossierDraft.all().values_list("version", flat=True) == [1]

    both = [attach("birth_medical_certificate", certificate), attach("applicant_id_card", card)]
    draft = await saved(gql, token, birth_draft(cast, both, id=draft["id"], version=1))
    filed = (await gql(SUBMIT, {"input": {"id": draft["id"], "version": 2}}, token))["data"]["submitDossierDraft"]
    assert filed["errors"] == []
    documents = (await gql(FILED, {"code": filed["dossier"]["code"]}, token))["data"]["dossier"]["documents"]
    assert sorted((d["requirementKey"], d["document"]["id"]) for d in documents) == sorted(
        [("birth_medical_certificate", document_id(certificate)), ("applicant_id_card", document_id(card))]
    )


async def test_a_document_not_ready_waits_in_the_draft_and_is_refused_on_submission(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    scanning = await stored_document(cast.citizen.id, status=DocumentStatus.QUARANTINED)
    card = await stored_document(cast.citizen.id)
    kept = [attach("birth_medical_certificate", scanning), attach("applicant_id_card", card)]
    draft = await saved(gql, token, birth_draft(cast, kept))
    refused = (await gql(SUBMIT, {"input": {"id": draft["id"], "version": 1}}, token))["data"]["submitDossierDraft"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("DOCUMENT_NOT_READY", "attachments.birth_medical_certificate")
    ]
    assert await DossierDocument.all().count() == 0


async def test_only_the_citizens_own_documents_for_known_requirements_are_kept(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    theirs = await stored_document((await Citizen.create(phone="+84912000777")).id)
    mine = await stored_document(cast.citizen.id)
    draft = await saved(gql, token, birth_draft(cast, []))
    cases = [
        ([attach("applicant_id_card", theirs)], [("DOCUMENT_NOT_FOUND", "attachments.applicant_id_card")]),
        ([attach("wedding_photo", mine)], [("UNKNOWN_REQUIREMENT", "attachments.wedding_photo")]),
        (
            [attach("applicant_id_card", theirs), attach("wedding_photo", mine)],
            [
                ("DOCUMENT_NOT_FOUND", "attachments.applicant_id_card"),
                ("UNKNOWN_REQUIREMENT", "attachments.wedding_photo"),
            ],
        ),
        ([attach("applicant_id_card", mine)] * 2, [("INVALID_DOCUMENT_REFERENCES", "attachments")]),
    ]
    for attachments, errors in cases:
        result = (await gql(SAVE, birth_draft(cast, attachments, id=draft["id"], version=1), token))["data"]
        assert [(e["code"], e["field"]) for e in result["saveDossierDraft"]["errors"]] == errors
    assert await DossierDraft.all().values_list("version", "attachments") == [(1, [])]


async def test_a_stale_save_keeps_the_other_devices_documents(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    phone_scan, tablet_scan = await stored_document(cast.citizen.id), await stored_document(cast.citizen.id)
    draft = await saved(gql, token, birth_draft(cast, []))
    await saved(gql, token, birth_draft(cast, [attach("applicant_id_card", phone_scan)], id=draft["id"], version=1))
    tablet = birth_draft(cast, [attach("applicant_id_card", tablet_scan)], id=draft["id"], version=1)
    stale = (await gql(SAVE, tablet, token))["data"]["saveDossierDraft"]
    assert [e["code"] for e in stale["errors"]] == ["DRAFT_CHANGED"] and stale["draft"] is None
    assert stale["current"]["version"] == 2
    assert stale["current"]["attachments"] == [
        {"requirementKey": "applicant_id_card", "documentId": document_id(phone_scan)}
    ]
    discarded = (await gql(DISCARD, {"input": {"id": draft["id"], "version": 1}}, token))["data"]
    assert discarded["discardDossierDraft"]["current"]["version"] == 2


async def test_deprecated_document_ids_take_the_requirement_the_document_was_uploaded_for(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    card = await stored_document(cast.citizen.id)
    await Document.filter(id=card.id).update(kind="applicant_id_card")
    unkinded = await stored_document(cast.citizen.id)
    draft = await saved(gql, token, birth_draft(cast, [], documentIds=[document_id(card)]))
    assert draft["attachments"] == [{"requirementKey": "applicant_id_card", "documentId": document_id(card)}]
    result = await gql(
        SAVE, birth_draft(cast, [], id=draft["id"], version=1, documentIds=[document_id(unkinded)]), token
    )
    assert [(e["code"], e["field"]) for e in result["data"]["saveDossierDraft"]["errors"]] == [
        ("INVALID_DOCUMENT_REFERENCES", "documentIds")
    ]


async def test_another_citizen_reads_no_draft_documents(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    card = await stored_document(cast.citizen.id)
    draft = await saved(gql, token, birth_draft(cast, [attach("applicant_id_card", card)]))
    stranger = (await sign_in_citizen("+84912000777"))["accessToken"]
    assert (await gql(ONE, {"id": draft["id"]}, stranger))["data"]["dossierDraft"] is None
