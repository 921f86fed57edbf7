"""Documents on a dossier a delegate files: from the represented person's store or the delegate's own, the
delegate's copied into the represented person's store (theirs to see and keep), checked as `submitDossier` does."""

from __future__ import annotations

from app.accounts.models import Citizen
from app.documents.models import Document, DocumentSource, DossierDocument
from app.dossiers.models import Dossier
from tests.api.test_delegation import FILE_FOR, SON, filing, granted
from tests.documents import files
from tests.documents.stored import document_id, stored_document
from tests.documents.uploading import local_path, upload
from tests.dossier_data import APPLICANT, RESIDENCE_BOUND

BIRTH = {**APPLICANT, "childName": "Nguyễn Minh An", "childBirthDate": "2026-11-20"}
DOCUMENTS = "query { myDocuments { edges { node { id source originalUrl } } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"


def birth_filing(cast, attachments: list[dict]) -> dict:
    variables = filing(cast, code=RESIDENCE_BOUND, answers=BIRTH)
    variables["input"]["attachments"] = attachments
    return variables


def attach(key: str, document_global_id: str) -> dict:
    return {"requirementKey": key, "documentId": document_global_id}


async def test_a_son_attaches_his_mothers_document_and_his_own_scan_which_becomes_hers(
    gql, client, cast, sign_in_citizen
):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    await granted(gql, mother, son)
    hers = await stored_document(cast.citizen.id)
    scan = files.pdf()
    his = (await upload(gql, client, son, scan, "application/pdf"))["document"]

    missing = (await gql(FILE_FOR, birth_filing(cast, []), son))["data"]["fileDossierFor"]
    assert sorted((e["code"], e["field"]) for e in missing["errors"]) == [
        ("DOCUMENT_MISSING", "attachments.applicant_id_card"),
        ("DOCUMENT_MISSING", "attachments.birth_medical_certificate"),
    ]
    both = [attach("birth_medical_certificate", his["id"]), attach("applicant_id_card", document_id(hers))]
    filed = (await gql(FILE_FOR, birth_filing(cast, both), son))["data"]["fileDossierFor"]
    assert filed["errors"] == []

    dossier = await Dossier.get(code=filed["dossier"]["code"])
    attached = await DossierDocument.filter(dossier_id=dossier.id).select_related("document")
    assert {row.document.owner_id for row in attached} == {cast.citizen.id}  # the dossier holds only her documents
    copy = next(row.document for row in attached if row.requirement_key == "birth_medical_certificate")
    assert copy.source is DocumentSource.FROM_DELEGATE and copy.sha256 == his["sha256"]
    assert await Document.filter(owner__phone=SON).count() == 1  # his own stays his

    stored = [edge["node"] for edge in (await gql(DOCUMENTS, None, mother))["data"]["myDocuments"]["edges"]]
    [from_son] = [node for node in stored if node["source"] == "FROM_DELEGATE"]
    opened = await client.get(local_path(from_son["originalUrl"]))
    assert opened.status_code == 200 and opened.content == scan  # the bytes are hers, whatever he deletes later
    assert (await gql(NODE, {"id": from_son["id"]}, son))["data"]["node"] is None


async def test_a_third_persons_document_is_not_found_and_nothing_is_filed_or_copied(gql, cast, sign_in_citizen):
    mother = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    son = (await sign_in_citizen(SON))["accessToken"]
    await granted(gql, mother, son)
    neighbour = await Citizen.create(phone="+84912000999")
    theirs, hers = await stored_document(neighbour.id), await stored_document(cast.citizen.id)
    attachments = [
        attach("birth_medical_certificate", document_id(theirs)),
        attach("applicant_id_card", document_id(hers)),
    ]
    refused = (await gql(FILE_FOR, birth_filing(cast, attachments), son))["data"]["fileDossierFor"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("DOCUMENT_NOT_FOUND", "attachments.birth_medical_certificate")
    ]
    assert await Dossier.all().count() == 0
    assert await Document.filter(source=DocumentSource.FROM_DELEGATE).count() == 0


async def test_without_a_grant_no_document_of_anyone_is_read_or_copied(gql, cast, sign_in_citizen):
    stranger = (await sign_in_citizen(SON))["accessToken"]
    hers = await stored_document(cast.citizen.id)
    attachments = [attach("applicant_id_card", document_id(hers))]
    refused = (await gql(FILE_FOR, birth_filing(cast, attachments), stranger))["data"]["fileDossierFor"]
    assert [e["code"] for e in refused["errors"]] == ["DELEGATION_NOT_FOUND"]
    assert await Document.all().count() == 1
