"""Who read my papers: staff reads of dossiers are logged, and each citizen sees only their own log."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest
from strawberry import relay

from app.access_log.models import DataAccess
from app.accounts.models import Citizen, StaffRole
from app.dossiers.models import DossierStatus
from tests.api.test_shared_fan_out import Operation, subscribe
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS, HA_LONG

LOG = """query($first: Int, $after: String) { myDataAccessLog(first: $first, after: $after) {
  totalCount edges { node { at kind staffName centreName dossierCode documentName } }
  pageInfo { hasNextPage endCursor } } }"""
DOSSIER = "query($code: String!) { dossier(code: $code) { code formFields } }"
NODE = "query($id: ID!) { node(id: $id) { ... on Dossier { code } } }"
CENTRE_DOSSIERS = """query($centre: ID!, $first: Int) { centreDossiers(centreId: $centre, first: $first) {
  edges { node { code } } } }"""
UPDATE = """mutation($code: String!) { updateDossierStatus(input: {code: $code, status: RECEIVED}) {
  errors { code } } }"""


@pytest.fixture
async def citizen_token(sign_in_citizen, cast) -> str:
    return (await sign_in_citizen(cast.citizen.phone))["accessToken"]


@pytest.fixture
async def officer_token(sign_in_staff, cast) -> str:
    return (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]


async def log_of(gql, token: str, first: int = 100) -> dict:
    result = await gql(LOG, {"first": first}, token=token)
    assert "errors" not in result, result
    return result["data"]["myDataAccessLog"]


async def test_a_staff_read_of_a_dossier_shows_in_its_citizens_log(gql, cast, dossier, officer_token, citizen_token):
    assert (await gql(DOSSIER, {"code": dossier.code}, token=officer_token))["data"]["dossier"]["code"]
    log = await log_of(gql, citizen_token)
    assert log["totalCount"] == 1
    entry = log["edges"][0]["node"]
    assert entry["kind"] == "VIEWED_DOSSIER" and entry["dossierCode"] == dossier.code
    assert entry["staffName"] == "officer@halong.vn" and entry["centreName"] == cast.ha_long.name_vi
    assert entry["documentName"] is None


async def test_the_citizens_own_reads_are_not_logged(gql, dossier, citizen_token):
    await gql(DOSSIER, {"code": dossier.code}, token=citizen_token)
    assert (await log_of(gql, citizen_token))["totalCount"] == 0


async def test_reads_by_node_id_and_changes_are_logged_newest_first(gql, dossier, officer_token, citizen_token):
    node_id = str(relay.GlobalID("Dossier", str(dossier.id)))
    assert (await gql(NODE, {"id": node_id}, token=officer_token))["data"]["node"]["code"] == dossier.code
    assert (await gql(UPDATE, {"code": dossier.code}, token=officer_token))["data"]["updateDossierStatus"] == {
        "errors": []
    }
    kinds = [edge["node"]["kind"] for edge in (await log_of(gql, citizen_token))["edges"]]
    assert kinds == ["CHANGED_DOSSIER", "VIEWED_DOSSIER"]


async def test_a_page_of_fifty_dossiers_is_logged_in_one_batched_insert(
    app, gql, cast, officer_token, citizen_token, monkeypatch
):
    for _ in range(50):
        await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    batches: list[int] = []
    original = DataAccess.bulk_create.__func__

    async def counting(cls, objects, *args, **kwargs):
        batches.append(len(objects))
        return await original(cls, objects, *args, **kwargs)

    monkeypatch.setattr(DataAccess, "bulk_create", classmethod(counting))
    centre = str(relay.GlobalID("Centre", str(cast.ha_long.id)))
    page = await gql(CENTRE_DOSSIERS, {"centre": centre, "first": 50}, token=officer_token)
    assert len(page["data"]["centreDossiers"]["edges"]) == 50
    assert batches == [50]
    log = await log_of(gql, citizen_token, first=20)
    assert log["totalCount"] == 50 and log["pageInfo"]["hasNextPage"]
    assert {edge["node"]["kind"] for edge in log["edges"]} == {"LISTED_DOSSIER"}
    rest = await gql(LOG, {"first": 50, "after": log["pageInfo"]["endCursor"]}, token=citizen_token)
    assert len(rest["data"]["myDataAccessLog"]["edges"]) == 30


async def test_a_citizen_never_sees_another_citizens_log(
    app, gql, cast, dossier, officer_token, citizen_token, sign_in_citizen
):
    neighbour = await Citizen.create(phone="+84987654321", full_name="Trần Văn Nam", residence_centre=cast.ha_long)
    theirs = await app.state.services.dossiers.submit(neighbour.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    await gql(DOSSIER, {"code": theirs.code}, token=officer_token)
    neighbour_token = (await sign_in_citizen(neighbour.phone))["accessToken"]
    assert (await log_of(gql, citizen_token))["totalCount"] == 0
    mine = await log_of(gql, neighbour_token)
    assert [edge["node"]["dossierCode"] for edge in mine["edges"]] == [theirs.code]
    assert theirs.status is DossierStatus.RECEIVING


async def test_only_a_signed_in_citizen_reads_a_log(gql, officer_token):
    staff = await gql(LOG, {}, token=officer_token)
    anonymous = await gql(LOG, {})
    assert staff["errors"][0]["extensions"]["code"] == "FORBIDDEN" and staff["data"] is None
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_staff_subscription_to_a_dossier_is_logged(app, gql, dossier, officer_token, citizen_token):
    subscription = Operation(
        "subscription Watch($code: String!) { dossierUpdated(code: $code) { dossier { status } } }", "Watch"
    )
    async with AsyncExitStack() as stack:
        ws = await subscribe(stack, app, officer_token, subscription, {"code": dossier.code})
        await asyncio.sleep(0.1)  # let the server register the subscription
        await gql(UPDATE, {"code": dossier.code}, token=officer_token)
        assert (await ws.receive_json(timeout=5))["payload"]["data"]["dossierUpdated"]["dossier"][
            "status"
        ] == "RECEIVED"
    kinds = sorted(edge["node"]["kind"] for edge in (await log_of(gql, citizen_token))["edges"])
    assert kinds == ["CHANGED_DOSSIER", "VIEWED_DOSSIER"]
