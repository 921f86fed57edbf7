"""A result a centre issues vouches for its dossier's answers (the document's known fields), and `formPrefill`
suggests them as STORED_DOCUMENT: after verified values, before entered values and earlier dossiers."""

from __future__ import annotations

from app.documents.models import Document
from app.profiles.models import ProfileUse, UsePurpose
from tests.api.test_profiles import PREFILL, UPDATE, entered, suggestions
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS, RESIDENCE_BOUND
from tests.profile_data import verified_citizen_id

KNOWN = "query { myDocuments { edges { node { source knownFields } } } }"


async def test_an_issued_result_knows_its_dossiers_answers_and_prefills_them(
    app, gql, cast, dossier, issued, sign_in_citizen
):
    document = await Document.get(id=issued.document_id)
    assert document.known_fields == dossier.form_data == {**APPLICANT, "contactPhone": "+84912345678"}
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    [node] = [edge["node"] for edge in (await gql(KNOWN, None, token))["data"]["myDocuments"]["edges"]]
    assert node == {"source": "ISSUED_RESULT", "knownFields": document.known_fields}

    later = {**APPLICANT, "address": "Số 9 đường mới, Cẩm Phả"}
    await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, later)
    await gql(UPDATE, entered(FULL_NAME="Nguyễn T. Hoa"), token)
    await verified_citizen_id(cast.citizen, "022190001234")
    result = await gql(PREFILL, {"code": RESIDENCE_BOUND}, token)
    assert suggestions(result) == {
        "applicantName": ("Nguyễn Thị Hoa", "STORED_DOCUMENT"),  # before what the citizen typed
        "citizenId": ("022190001234", "VERIFIED_BY_STAFF"),  # verified values come first
        "contactPhone": ("+84912345678", "STORED_DOCUMENT"),
        "address": ("Phường Hạ Long, Quảng Ninh", "STORED_DOCUMENT"),  # before the later dossier's answer
        "note": None,
        "childName": None,
        "childBirthDate": None,
    }
    [use] = await ProfileUse.filter(citizen_id=cast.citizen.id, purpose=UsePurpose.FORM_PREFILL)
    assert (use.procedure_code, use.items) == (
        RESIDENCE_BOUND,
        ["address", "applicantName", "citizenId", "contactPhone"],
    )


async def test_another_citizen_gets_nothing_from_someone_elses_result(gql, issued, sign_in_citizen):
    stranger = (await sign_in_citizen("+84912000777"))["accessToken"]
    result = await gql(PREFILL, {"code": RESIDENCE_BOUND}, stranger)
    assert {key: value for key, value in suggestions(result).items() if value} == {
        "contactPhone": ("+84912000777", "ACCOUNT")
    }
    assert (await gql(KNOWN, None, stranger))["data"]["myDocuments"]["edges"] == []
