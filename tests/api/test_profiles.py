"""Identity profiles and form prefill through the API: sources, verified values locked, the identity source,
the log of uses, and no reading of another citizen's data."""

from __future__ import annotations

import pytest

from app.accounts.models import StaffRole
from app.profiles.models import ProfileAttribute, ProfileUse, UsePurpose
from app.settings import SettingsError, load_settings
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS, HA_LONG, RESIDENCE_BOUND
from tests.profile_data import verified_citizen_id
from tests.test_settings import PRODUCTION

ATTRIBUTE = "name value source verified confirmedAt"
MINE = f"query {{ myIdentity {{ {ATTRIBUTE} }} }}"
UPDATE = f"""mutation($input: UpdateMyIdentityInput!) {{ updateMyIdentity(input: $input) {{
  attributes {{ {ATTRIBUTE} }} errors {{ code field message }} }} }}"""
IMPORT = f"""mutation {{ importMyIdentity {{ attributes {{ {ATTRIBUTE} }} errors {{ code field message }} }} }}"""
VERIFY = f"""mutation($input: VerifyCitizenIdentityInput!) {{ verifyCitizenIdentity(input: $input) {{
  attributes {{ {ATTRIBUTE} }} errors {{ code field message }} }} }}"""
PREFILL = """query($code: String!) { formPrefill(procedureCode: $code) {
  procedureCode fields { key label kind required suggestion { value source verified confirmedAt } } } }"""
USES = """query { myProfileUses { totalCount edges { node { purpose procedureCode items actor at } } } }"""


def entered(**values: str) -> dict:
    return {"input": {"attributes": [{"name": name, "value": value} for name, value in values.items()]}}


def suggestions(result: dict) -> dict:
    fields = result["data"]["formPrefill"]["fields"]
    return {
        f["key"]: (f["suggestion"]["value"], f["suggestion"]["source"]) if f["suggestion"] else None for f in fields
    }


async def test_the_citizen_enters_values_and_reads_them_with_their_source(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    result = await gql(UPDATE, entered(FULL_NAME=" Nguyễn  Thị Hoa", SEX="female", CITIZEN_ID="022190001234"), token)
    payload = result["data"]["updateMyIdentity"]
    assert payload["errors"] == []
    assert [(a["name"], a["value"], a["source"], a["verified"]) for a in payload["attributes"]] == [
        ("FULL_NAME", "Nguyễn Thị Hoa", "ENTERED_BY_CITIZEN", False),
        ("SEX", "female", "ENTERED_BY_CITIZEN", False),
        ("CITIZEN_ID", "022190001234", "ENTERED_BY_CITIZEN", False),
    ]
    mine = (await gql(MINE, None, token))["data"]["myIdentity"]
    assert mine == payload["attributes"]


async def test_a_bad_value_is_named_where_the_client_sent_it_and_nothing_is_saved(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    result = await gql(UPDATE, entered(FULL_NAME="Hoa", CITIZEN_ID="003190001234"), token, locale="en")
    assert result["data"]["updateMyIdentity"]["errors"] == [
        {
            "code": "INVALID_CITIZEN_ID",
            "field": "attributes.1.value",
            "message": "The personal identification number is not valid, or does not match the date of birth and sex.",
        }
    ]
    contradicting = await gql(UPDATE, entered(CITIZEN_ID="022190001234", DATE_OF_BIRTH="2001-02-03"), token)
    assert contradicting["data"]["updateMyIdentity"]["errors"][0]["code"] == "INVALID_CITIZEN_ID"
    assert await ProfileAttribute.all().count() == 0


async def test_staff_verify_and_the_citizen_can_no_longer_edit_the_value(gql, cast, sign_in_citizen, sign_in_staff):
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    await gql(UPDATE, entered(CITIZEN_ID="022190001234"), citizen)
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    request = {"input": {"phone": "0912 345 678", **entered(CITIZEN_ID="022190001234")["input"]}}
    verified = await gql(VERIFY, request, officer)
    attribute = verified["data"]["verifyCitizenIdentity"]["attributes"][0]
    assert (attribute["source"], attribute["verified"]) == ("VERIFIED_BY_STAFF", True)

    locked = await gql(UPDATE, entered(FULL_NAME="Hoa", CITIZEN_ID="022190009999"), citizen)
    assert locked["data"]["updateMyIdentity"]["errors"][0] == {
        "code": "PROFILE_VALUE_VERIFIED",
        "field": "attributes.1.value",
        "message": "Thông tin này đã được xác thực, không thể tự sửa. Vui lòng liên hệ bộ phận một cửa.",
    }
    assert await ProfileAttribute.filter(citizen_id=cast.citizen.id).values_list("value", flat=True) == ["022190001234"]
    uses = (await gql(USES, None, citizen))["data"]["myProfileUses"]
    assert [(e["node"]["purpose"], e["node"]["actor"], e["node"]["items"]) for e in uses["edges"]] == [
        ("STAFF_VERIFICATION", "STAFF", ["citizen_id"])
    ]


async def test_only_staff_verify_and_unknown_citizens_are_coded(gql, cast, sign_in_citizen, sign_in_staff):
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    request = {"input": {"phone": cast.citizen.phone, **entered(FULL_NAME="X")["input"]}}
    refused = await gql(VERIFY, request, citizen)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    unknown = await gql(VERIFY, {"input": {"phone": "0987654321", **entered(FULL_NAME="X")["input"]}}, officer)
    assert unknown["data"]["verifyCitizenIdentity"]["errors"][0]["code"] == "CITIZEN_NOT_FOUND"


async def test_the_fake_identity_source_fills_verified_values(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    imported = (await gql(IMPORT, None, token))["data"]["importMyIdentity"]
    assert imported["errors"] == []
    by_name = {a["name"]: a for a in imported["attributes"]}
    assert by_name["CITIZEN_ID"]["value"] == "022190001234"
    assert {(a["source"], a["verified"]) for a in imported["attributes"]} == {("ID_DOCUMENT", True)}

    stranger = (await sign_in_citizen("+84912000777"))["accessToken"]
    missing = (await gql(IMPORT, None, stranger))["data"]["importMyIdentity"]
    assert missing["errors"][0]["code"] == "IDENTITY_NOT_FOUND"
    assert await ProfileAttribute.filter(citizen__phone="+84912000777").count() == 0


async def test_prefill_takes_the_best_source_per_field_and_logs_the_use(app, gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    service = app.state.services.dossiers
    earlier = {**APPLICANT, "address": "Số 1 đường cũ, Hạ Long", "note": "chỉ cho hồ sơ này"}
    await service.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, earlier)
    await gql(UPDATE, entered(FULL_NAME="Nguyễn Thị Hoa"), token)
    await verified_citizen_id(cast.citizen)

    result = await gql(PREFILL, {"code": RESIDENCE_BOUND}, token, locale="en")
    assert suggestions(result) == {
        "applicantName": ("Nguyễn Thị Hoa", "ENTERED_BY_CITIZEN"),
        "citizenId": ("022190001234", "VERIFIED_BY_STAFF"),
        "contactPhone": (cast.citizen.phone, "ACCOUNT"),
        "address": ("Số 1 đường cũ, Hạ Long", "EARLIER_DOSSIER"),
        "note": None,  # free text about one dossier is not carried over
        "childName": None,
        "childBirthDate": None,
    }
    labels = {f["key"]: f["label"] for f in result["data"]["formPrefill"]["fields"]}
    assert labels["childName"] == "Child's full name"

    uses = await ProfileUse.filter(citizen_id=cast.citizen.id, purpose=UsePurpose.FORM_PREFILL)
    assert [(u.procedure_code, u.items) for u in uses] == [
        (RESIDENCE_BOUND, ["address", "applicantName", "citizenId", "contactPhone"])
    ]
    assert (await gql(PREFILL, {"code": "0.000000"}, token))["data"]["formPrefill"] is None


async def test_a_verified_value_beats_a_newer_unverified_one(gql, cast, sign_in_citizen):
    token = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    await gql(IMPORT, None, token)  # verified, from the ID document
    result = await gql(PREFILL, {"code": BORDERLESS_5_DAYS}, token)
    assert suggestions(result)["address"] == ("Tổ 3, khu 5, phường Hạ Long, tỉnh Quảng Ninh", "ID_DOCUMENT")


async def test_nothing_of_another_citizen_is_readable(gql, cast, sign_in_citizen, sign_in_staff):
    owner = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    await gql(IMPORT, None, owner)
    await gql(PREFILL, {"code": BORDERLESS_5_DAYS}, owner)
    stranger = (await sign_in_citizen("+84912000777"))["accessToken"]
    assert (await gql(MINE, None, stranger))["data"]["myIdentity"] == []
    assert (await gql(USES, None, stranger))["data"]["myProfileUses"]["totalCount"] == 0
    theirs = suggestions(await gql(PREFILL, {"code": BORDERLESS_5_DAYS}, stranger))
    assert {key: value for key, value in theirs.items() if value} == {"contactPhone": ("+84912000777", "ACCOUNT")}
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    for query in (MINE, USES):
        assert (await gql(query, None, officer))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql(PREFILL, {"code": BORDERLESS_5_DAYS})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_production_refuses_the_fake_identity_source():
    production = load_settings(PRODUCTION)  # no identity source: importing is refused with a code
    assert production.identity_provider_name == "none"
    with pytest.raises(SettingsError, match="IDENTITY_PROVIDER=fake"):
        load_settings({**PRODUCTION, "IDENTITY_PROVIDER": "fake"})
    assert load_settings({}).identity_provider_name == "fake"
