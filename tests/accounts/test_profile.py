"""The citizen's own profile, and who may see which account."""

from __future__ import annotations

from strawberry import relay

from app.accounts.models import Citizen
from app.catalogue.models import Centre

UPDATE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  citizen { fullName locale } errors { code field message } } }"""
NODE = "query($id: ID!) { node(id: $id) { __typename ... on Citizen { phone } } }"


async def test_citizen_updates_name_and_language(gql, sign_in_citizen):
    session = await sign_in_citizen()
    result = await gql(
        UPDATE, {"input": {"fullName": "  Nguyễn   Thị Hoa ", "locale": "EN"}}, token=session["accessToken"]
    )
    assert result["data"]["updateMyProfile"] == {
        "citizen": {"fullName": "Nguyễn Thị Hoa", "locale": "EN"},
        "errors": [],
    }


async def test_invalid_name_changes_nothing(gql, sign_in_citizen):
    session = await sign_in_citizen()
    result = await gql(
        UPDATE, {"input": {"fullName": "   ", "locale": "EN"}}, token=session["accessToken"], locale="en"
    )
    assert result["data"]["updateMyProfile"] == {
        "citizen": None,
        "errors": [
            {"code": "INVALID_NAME", "field": "fullName", "message": "The full name must be 1 to 200 characters long."}
        ],
    }
    citizen = await Citizen.get(phone="+84912345678")
    assert (citizen.full_name, citizen.locale) == ("", "vi")


async def test_profile_needs_a_signed_in_citizen(gql, sign_in_staff):
    anonymous = await gql(UPDATE, {"input": {"fullName": "X"}})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    staff = await sign_in_staff()
    refused = await gql(UPDATE, {"input": {"fullName": "X"}}, token=staff["accessToken"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_citizen_sees_only_their_own_account_by_id(gql, sign_in_citizen, sign_in_staff):
    alice = await sign_in_citizen("+84912000001")
    bob = await sign_in_citizen("+84912000002")
    staff = await sign_in_staff()
    alice_id = alice["me"]["id"]
    assert str(relay.GlobalID.from_id(alice_id).type_name) == "Citizen"
    own = await gql(NODE, {"id": alice_id}, token=alice["accessToken"])
    assert own["data"]["node"] == {"__typename": "Citizen", "phone": "+84912000001"}
    for token in [bob["accessToken"], staff["accessToken"], None]:
        assert (await gql(NODE, {"id": alice_id}, token=token))["data"]["node"] is None


async def test_citizen_sets_the_residence_centre(gql, sign_in_citizen, catalogue):
    session = await sign_in_citizen()
    centre = await Centre.get(code="06688")
    update = """mutation($id: ID!) { updateMyProfile(input: {residenceCentreId: $id}) {
      citizen { residenceCentre { code } } errors { code field } } }"""
    done = await gql(update, {"id": str(relay.GlobalID("Centre", str(centre.id)))}, token=session["accessToken"])
    assert done["data"]["updateMyProfile"] == {"citizen": {"residenceCentre": {"code": "06688"}}, "errors": []}
    missing = await gql(update, {"id": str(relay.GlobalID("Centre", "99999"))}, token=session["accessToken"])
    assert missing["data"]["updateMyProfile"]["errors"] == [{"code": "CENTRE_NOT_FOUND", "field": "residenceCentreId"}]
    assert (await Citizen.get(phone="+84912345678")).residence_centre_id == centre.id
