"""`nearestCentres` and `centres(boundingBox:)` through the HTTP API, with fake OSRM and Nominatim servers."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.accounts.models import Citizen
from app.appointments.models import SlotCapacity
from app.catalogue.models import Centre
from app.container import build_services
from app.main import create_app
from tests.conftest import GraphQLClient
from tests.dossier_data import BORDERLESS_5_DAYS, RESIDENCE_BOUND
from tests.fakes.geo_servers import FakeNominatim, FakeOsrm, serve

DOCUMENT = (Path(__file__).resolve().parents[2] / "graphql" / "nearest_centres.graphql").read_text(encoding="utf-8")
HA_LONG = {"coordinates": {"latitude": 20.9470, "longitude": 107.1157}}


async def nearest(gql: GraphQLClient, token: str | None = None, locale: str | None = None, **variables) -> dict:
    """Run the app's NearestCentres operation."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if locale:
        headers["Accept-Language"] = locale
    body = {"operationName": "NearestCentres", "query": DOCUMENT, "variables": variables}
    response = await gql.http.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_anonymous_borderless_from_coordinates(gql, catalogue):
    result = await nearest(gql, near=HA_LONG, procedureCode=BORDERLESS_5_DAYS, first=3)
    payload = result["data"]["nearestCentres"]
    assert payload["errors"] == []
    assert payload["origin"] == {"latitude": 20.947, "longitude": 107.1157, "label": None}
    first = payload["candidates"][0]
    assert first["centre"]["code"] == "06688"
    assert first["timeSource"] == "ESTIMATED" and first["withinLimit"] and not first["viaFerry"]
    assert first["eligibility"] == "Thủ tục phi địa giới: nộp tại bất kỳ trung tâm nào."
    assert len(payload["candidates"]) == 3
    assert [c["travelMinutes"] for c in payload["candidates"]] == sorted(
        c["travelMinutes"] for c in payload["candidates"]
    )


async def test_an_address_is_understood_and_english_is_spoken(gql, catalogue):
    result = await nearest(gql, locale="en", near={"address": "p. ha long"}, procedureCode=BORDERLESS_5_DAYS)
    payload = result["data"]["nearestCentres"]
    assert payload["origin"]["label"] == "Phường Hạ Long"
    assert payload["candidates"][0]["eligibility"] == "Borderless procedure: any centre can take it."


async def test_an_unknown_address_is_a_coded_error(gql, catalogue):
    result = await nearest(gql, near={"address": "Phường Không Có"}, procedureCode=BORDERLESS_5_DAYS)
    payload = result["data"]["nearestCentres"]
    assert payload["candidates"] == [] and payload["origin"] is None
    assert payload["errors"] == [
        {
            "code": "ADDRESS_NOT_FOUND",
            "field": "near.address",
            "message": "Không tìm thấy địa chỉ này ở Quảng Ninh. Hãy ghi rõ phường, xã hoặc đặc khu.",
        }
    ]


async def test_an_unknown_procedure_is_a_coded_error(gql, catalogue):
    result = await nearest(gql, near=HA_LONG, procedureCode="9.999999")
    assert [e["code"] for e in result["data"]["nearestCentres"]["errors"]] == ["PROCEDURE_NOT_FOUND"]


@pytest.mark.parametrize(
    ("near", "extra"),
    [
        ({}, {}),
        ({**HA_LONG, "address": "Hạ Long"}, {}),
        ({"address": "   "}, {}),
        ({"coordinates": {"latitude": 91, "longitude": 107}}, {}),
        (HA_LONG, {"maxTravelMinutes": 0}),
        (HA_LONG, {"first": 21}),
    ],
)
async def test_bad_arguments_are_bad_user_input(gql, catalogue, near, extra):
    result = await nearest(gql, near=near, procedureCode=BORDERLESS_5_DAYS, **extra)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_residence_bound_needs_a_signed_in_citizen_with_a_residence(gql, catalogue, sign_in_citizen):
    anonymous = await nearest(gql, locale="en", near=HA_LONG, procedureCode=RESIDENCE_BOUND)
    assert anonymous["data"]["nearestCentres"]["errors"] == [
        {
            "code": "RESIDENCE_REQUIRED",
            "field": "procedureCode",
            "message": "Residence-bound procedure: sign in and set your registered residence "
            "to find the centre that takes it.",
        }
    ]
    session = await sign_in_citizen()
    mong_cai = await Centre.get(code="06712")
    await Citizen.filter(phone="+84912345678").update(residence_centre_id=mong_cai.id)
    result = await nearest(gql, token=session["accessToken"], near=HA_LONG, procedureCode=RESIDENCE_BOUND)
    candidates = result["data"]["nearestCentres"]["candidates"]
    assert [c["centre"]["code"] for c in candidates] == ["06712"]
    assert not candidates[0]["withinLimit"]
    assert candidates[0]["eligibility"] == "Nộp tại trung tâm nơi bạn cư trú."


async def test_an_island_centre_is_a_ferry_trip_and_the_answer_says_so(gql, catalogue, sign_in_citizen):
    session = await sign_in_citizen()
    co_to = await Centre.get(code="07192")
    await Citizen.filter(phone="+84912345678").update(residence_centre_id=co_to.id)
    result = await nearest(gql, token=session["accessToken"], locale="en", near=HA_LONG, procedureCode=RESIDENCE_BOUND)
    candidate = result["data"]["nearestCentres"]["candidates"][0]
    assert candidate["centre"]["isIsland"] and candidate["viaFerry"]
    assert candidate["timeSource"] == "ESTIMATED" and candidate["travelMinutes"] > 60
    assert candidate["travelNote"].startswith("Reached by boat: 60 minutes")


@pytest.fixture
async def geo_gql(app, settings, sms):
    """A client of an app configured with fake OSRM and Nominatim servers (sharing the session's database)."""
    osrm, nominatim = FakeOsrm(), FakeNominatim(places={"Chợ Hạ Long 1": (20.9512, 107.0821, "Chợ Hạ Long I")})
    with serve(osrm) as osrm_url, serve(nominatim) as nominatim_url:
        configured = replace(settings, osrm_url=osrm_url, nominatim_url=nominatim_url)
        application = create_app(configured, build_services(configured, sms=sms))
        transport = httpx.ASGITransport(application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield GraphQLClient(http), osrm, nominatim


async def test_with_routing_and_geocoding_engines(geo_gql, catalogue):
    gql, osrm, nominatim = geo_gql
    result = await nearest(gql, near={"address": "Chợ Hạ Long 1"}, procedureCode=BORDERLESS_5_DAYS, mode="CAR")
    payload = result["data"]["nearestCentres"]
    assert payload["origin"]["label"] == "Chợ Hạ Long I"
    assert {c["timeSource"] for c in payload["candidates"]} == {"ROUTED"}
    assert len(osrm.requests) == 1 and len(osrm.requests[0][1]) <= 1 + 10
    assert nominatim.requests[0]["q"] == "Chợ Hạ Long 1"


async def test_engines_down_fall_back_to_the_gazetteer_and_the_estimate(geo_gql, catalogue):
    gql, osrm, nominatim = geo_gql
    osrm.behaviour, nominatim.down = "error", True
    result = await nearest(gql, near={"address": "Xã Ba Chẽ"}, procedureCode=BORDERLESS_5_DAYS)
    payload = result["data"]["nearestCentres"]
    assert payload["origin"]["label"] == "Xã Ba Chẽ"
    assert payload["candidates"][0]["centre"]["code"] == "06978"
    assert {c["timeSource"] for c in payload["candidates"]} == {"ESTIMATED"}


async def test_centres_in_a_bounding_box(gql, catalogue):
    box = {"south": 20.90, "west": 107.00, "north": 21.00, "east": 107.20}
    body = {"operationName": "CentresInArea", "query": DOCUMENT, "variables": {"boundingBox": box, "first": 50}}
    result = (await gql.http.post("/graphql", json=body)).json()
    codes = {edge["node"]["code"] for edge in result["data"]["centres"]["edges"]}
    assert {"06688", "06673", "06685", "QN-TTPVHCC-TINH"} <= codes
    assert "06712" not in codes and "07192" not in codes
    inside = [c for c in await Centre.all() if 20.90 <= c.latitude <= 21.00 and 107.00 <= c.longitude <= 107.20]
    assert result["data"]["centres"]["totalCount"] == len(inside)


async def test_a_box_upside_down_is_bad_user_input(gql, catalogue):
    box = {"south": 21.0, "west": 107.0, "north": 20.9, "east": 107.2}
    body = {"operationName": "CentresInArea", "query": DOCUMENT, "variables": {"boundingBox": box}}
    result = (await gql.http.post("/graphql", json=body)).json()
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("first", [2, 5])
async def test_each_centre_shows_its_next_free_slot_in_one_batch(gql, catalogue, caplog, first):
    ha_long = await Centre.get(code="06688")
    await SlotCapacity.create(centre=ha_long, per_slot=0)  # its manager stopped appointments
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        caplog.clear()
        result = await nearest(gql, near=HA_LONG, procedureCode=BORDERLESS_5_DAYS, first=first)
    candidates = result["data"]["nearestCentres"]["candidates"]
    assert len(candidates) == first and candidates[0]["centre"]["code"] == "06688"
    assert candidates[0]["nextFreeSlot"] is None
    earliest = datetime.now(UTC) + timedelta(hours=2)
    for candidate in candidates[1:]:
        slot = datetime.fromisoformat(candidate["nextFreeSlot"])
        assert earliest - timedelta(minutes=1) <= slot <= earliest + timedelta(days=10), candidate["centre"]["code"]
    statements = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]
    assert len([s for s in statements if "slot_counter" in s]) == 1, "one query for all the centres' slots"
    hours = [s for s in statements if 'FROM "centre"' in s and "opening_hours" in s]
    assert len(hours) == 1, "the slots reuse the centres the search loaded"
