"""Live dossier updates over websockets: delivery to the owner and the centre's staff, refusal for anyone else."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import timedelta

import httpx
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from app.accounts.models import StaffRole
from app.dossiers.models import ActorKind, DossierStatus
from app.dossiers.services import Actor
from tests.api.test_websocket import websocket
from tests.dossier_data import APPLICANT, BAI_CHAY, BORDERLESS_5_DAYS, HA_LONG

DOSSIER_UPDATED = """subscription($code: String!) { dossierUpdated(code: $code) {
  dossier { code status } event { fromStatus toStatus actor } } }"""
MY_UPDATES = "subscription { myDossierUpdates { dossier { code status } event { toStatus } } }"
UPDATE = """mutation($code: String!, $status: DossierStatus!) {
  updateDossierStatus(input: {code: $code, status: $status}) { errors { code } } }"""


async def open_subscription(stack: AsyncExitStack, app, token: str, query: str, variables: dict | None = None):
    """A signed-in websocket with one subscription started; closed when `stack` closes."""
    if not hasattr(stack, "client"):
        transport = await stack.enter_async_context(ASGIWebSocketTransport(app))
        stack.client = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://t"))
    ws = await stack.enter_async_context(aconnect_ws("/graphql", stack.client, subprotocols=["graphql-transport-ws"]))
    await ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
    await ws.send_json({"id": "s1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
    await asyncio.sleep(0.1)  # let the server register the subscription
    return ws


async def test_owner_and_centre_staff_receive_each_change(app, gql, cast, sign_in_citizen, sign_in_staff):
    dossier = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    async with AsyncExitStack() as stack:
        owner_ws = await open_subscription(stack, app, citizen, DOSSIER_UPDATED, {"code": dossier.code})
        staff_ws = await open_subscription(stack, app, officer, DOSSIER_UPDATED, {"code": dossier.code})
        mine_ws = await open_subscription(stack, app, citizen, MY_UPDATES)
        assert (await gql(UPDATE, {"code": dossier.code, "status": "RECEIVED"}, token=officer))["data"][
            "updateDossierStatus"
        ]["errors"] == []
        expected = {
            "dossier": {"code": dossier.code, "status": "RECEIVED"},
            "event": {"fromStatus": "RECEIVING", "toStatus": "RECEIVED", "actor": "STAFF"},
        }
        for ws in (owner_ws, staff_ws):
            message = await ws.receive_json(timeout=1)
            assert message == {"id": "s1", "type": "next", "payload": {"data": {"dossierUpdated": expected}}}
        mine = await mine_ws.receive_json(timeout=1)
        assert mine["payload"]["data"]["myDossierUpdates"] == {
            "dossier": {"code": dossier.code, "status": "RECEIVED"},
            "event": {"toStatus": "RECEIVED"},
        }


async def test_strangers_are_refused(app, cast, sign_in_citizen, sign_in_staff):
    dossier = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    stranger = (await sign_in_citizen("+84912999999"))["accessToken"]
    outsider = (await sign_in_staff("o2@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    for token in (stranger, outsider):
        async with AsyncExitStack() as stack:
            ws = await open_subscription(stack, app, token, DOSSIER_UPDATED, {"code": dossier.code})
            message = await ws.receive_json(timeout=2)
        assert message["type"] == "next" and message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_anonymous_subscription_needs_sign_in(app):
    async with websocket(app) as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        await ws.send_json({"id": "s1", "type": "subscribe", "payload": {"query": MY_UPDATES}})
        message = await ws.receive_json(timeout=2)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_unsubscribing_releases_the_queue(app, cast, sign_in_citizen):
    bus = app.state.services.bus
    dossier = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    async with AsyncExitStack() as stack:
        await open_subscription(stack, app, citizen, DOSSIER_UPDATED, {"code": dossier.code})
        assert f"dossier:{dossier.id}" in bus._fan_out.queues
    await asyncio.sleep(0.1)
    assert f"dossier:{dossier.id}" not in bus._fan_out.queues


async def test_each_update_reads_fresh_data(app, gql, cast, sign_in_citizen, sign_in_staff):
    dossier = await app.state.services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    officer = (await sign_in_staff("officer@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    timeline = "subscription($code: String!) { dossierUpdated(code: $code) { dossier { timeline { toStatus } } } }"
    async with AsyncExitStack() as stack:
        ws = await open_subscription(stack, app, citizen, timeline, {"code": dossier.code})
        seen = []
        for status in ("RECEIVED", "PROCESSING"):
            await gql(UPDATE, {"code": dossier.code, "status": status}, token=officer)
            message = await ws.receive_json(timeout=1)
            seen.append([e["toStatus"] for e in message["payload"]["data"]["dossierUpdated"]["dossier"]["timeline"]])
    assert seen == [["RECEIVING", "RECEIVED"], ["RECEIVING", "RECEIVED", "PROCESSING"]]


async def test_updates_stop_when_the_token_expires(clocked_app, manual_clock, cast, sign_in_citizen):
    services = clocked_app.state.services
    dossier = await services.dossiers.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
    citizen = (await sign_in_citizen(cast.citizen.phone))["accessToken"]
    async with AsyncExitStack() as stack:
        ws = await open_subscription(stack, clocked_app, citizen, DOSSIER_UPDATED, {"code": dossier.code})
        manual_clock.advance(timedelta(minutes=16))  # past the 15-minute access token
        await services.dossiers.change_status(dossier, DossierStatus.RECEIVED, Actor(ActorKind.STAFF, cast.officer.id))
        message = await ws.receive_json(timeout=2)
        assert await ws.receive_json(timeout=2) == {"id": "s1", "type": "complete"}
    assert message["payload"]["errors"][0]["extensions"]["code"] == "TOKEN_EXPIRED"
