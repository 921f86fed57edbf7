"""Fan-out shared between subscribers: each still gets exactly what its own query and rights give, at one read."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
import pytest
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from app.accounts.models import StaffRole
from app.api.operations import app_operations
from app.catalogue.models import Centre
from app.dossiers.codes import normalise_dossier_code
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.services import dossier_channel
from tests.api.test_dossiers import submit
from tests.dossier_data import BAI_CHAY, HA_LONG


@pytest.fixture
async def citizen_token(sign_in_citizen, cast) -> str:
    return (await sign_in_citizen(cast.citizen.phone))["accessToken"]


@dataclass(frozen=True)
class Operation:
    document: str
    name: str | None = None


@dataclass(frozen=True)
class Selection:
    """A subscription and the query that reads the same dossier fields."""

    subscription: Operation
    query: Operation


def app_document(subscription: str, query: str) -> Selection:
    operations = app_operations()
    return Selection(Operation(operations[subscription], subscription), Operation(operations[query], query))


CITIZEN = app_document("DossierUpdated", "DossierDetail")
STAFF = app_document("StaffDossierUpdated", "StaffDossierDetail")
LIGHT_FIELDS = "(code: $code) { dossier { code status statusLabel } }"
LIGHT = Selection(
    Operation(f"subscription($code: String!) {{ dossierUpdated{LIGHT_FIELDS} }}"),
    Operation("query($code: String!) { dossier(code: $code) { code status statusLabel } }"),
)
UPDATE = """mutation($code: String!, $status: DossierStatus!) {
  updateDossierStatus(input: {code: $code, status: $status}) { errors { code } } }"""


async def subscribe(
    stack: AsyncExitStack, app, token: str, operation: Operation, variables: dict, locale=None, operation_id="s1"
):
    """A signed-in websocket (in `locale` when given) with one subscription started."""
    if not hasattr(stack, "client"):
        transport = await stack.enter_async_context(ASGIWebSocketTransport(app))
        stack.client = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://t"))
    ws = await stack.enter_async_context(aconnect_ws("/graphql", stack.client, subprotocols=["graphql-transport-ws"]))
    init = {"Authorization": f"Bearer {token}", **({"locale": locale} if locale else {})}
    await ws.send_json({"type": "connection_init", "payload": init})
    assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
    payload = {"query": operation.document, "variables": variables, "operationName": operation.name}
    await ws.send_json({"id": operation_id, "type": "subscribe", "payload": payload})
    return ws


async def test_shared_answers_equal_each_subscribers_own_read(app, gql, cast, citizen_token, sign_in_staff):
    code = (await submit(gql, citizen_token, cast.bai_chay))["dossier"][
        "code"
    ]  # received at Bãi Cháy, handled at Hạ Long
    handling = (await sign_in_staff("o1@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    receiving = (await sign_in_staff("o1@baichay.vn", StaffRole.OFFICER, BAI_CHAY))["accessToken"]
    third_centre = await Centre.exclude(code__in=[HA_LONG, BAI_CHAY]).first()
    outsider = (await sign_in_staff("o1@elsewhere.vn", StaffRole.OFFICER, third_centre.code))["accessToken"]
    subscribers = [  # (token, locale, selection): several per group, so that groups share
        (citizen_token, None, CITIZEN),
        (citizen_token, None, CITIZEN),
        (citizen_token, "en", CITIZEN),
        (citizen_token, "en", LIGHT),
        (handling, None, STAFF),
        (handling, None, STAFF),
        (handling, "en", LIGHT),
        (receiving, None, STAFF),
        (receiving, None, LIGHT),
    ]
    async with AsyncExitStack() as stack:
        sockets = [
            await subscribe(stack, app, token, selection.subscription, {"code": code}, locale, f"op-{n}")
            for n, (token, locale, selection) in enumerate(subscribers)
        ]
        refused = await subscribe(stack, app, outsider, STAFF.subscription, {"code": code})
        assert (await refused.receive_json(timeout=2))["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        await asyncio.sleep(0.1)  # let the server register the subscriptions
        changed = await gql(UPDATE, {"code": code, "status": "RECEIVED"}, token=handling)
        assert changed["data"]["updateDossierStatus"]["errors"] == []
        received = [await ws.receive_json(timeout=2) for ws in sockets]
    for n, ((token, locale, selection), message) in enumerate(zip(subscribers, received, strict=True)):
        own_read = await read(gql, selection.query, {"code": code}, token, locale)
        assert own_read["data"]["dossier"]["status"] == "RECEIVED"
        assert message["type"] == "next" and message["id"] == f"op-{n}" and "errors" not in message["payload"]
        assert message["payload"]["data"]["dossierUpdated"]["dossier"] == own_read["data"]["dossier"]
    labels = {message["payload"]["data"]["dossierUpdated"]["dossier"]["statusLabel"] for message in received}
    assert len(labels) == 2  # Vietnamese and English: subscribers in different languages never share


async def read(gql, operation: Operation, variables: dict, token: str, locale: str | None) -> dict:
    """The subscriber's own read of the same selection over HTTP."""
    headers = {"Authorization": f"Bearer {token}", **({"Accept-Language": locale} if locale else {})}
    body = {"query": operation.document, "variables": variables, "operationName": operation.name}
    return (await gql.http.post("/graphql", json=body, headers=headers)).json()


async def test_an_event_reads_the_database_once_whatever_the_audience(
    app, gql, cast, citizen_token, sign_in_staff, caplog
):
    code = (await submit(gql, citizen_token, cast.ha_long))["dossier"]["code"]
    officer = (await sign_in_staff("o1@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    dossier = await Dossier.get(code=normalise_dossier_code(code))
    reads = []
    async with AsyncExitStack() as stack:
        sockets = []
        for audience in (1, 12):
            while len(sockets) < audience:
                sockets.append(await subscribe(stack, app, officer, STAFF.subscription, {"code": code}))
            await asyncio.sleep(0.1)  # let the server register the subscriptions
            with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
                caplog.clear()
                await app.state.services.bus.publish(
                    dossier_channel(dossier.id), {"dossierId": dossier.id, "eventId": None}
                )
                for ws in sockets:
                    update = await ws.receive_json(timeout=2)
                    assert update["payload"]["data"]["dossierUpdated"]["dossier"]["code"] == code
                reads.append(sum("SELECT" in record.getMessage() for record in caplog.records))
    assert reads[0] > 0 and reads[1] == reads[0]


async def test_changes_arriving_together_are_read_together_and_each_subscriber_gets_its_own_answer(
    app, gql, cast, citizen_token, sign_in_citizen, sign_in_staff, caplog
):
    neighbour = (await sign_in_citizen("+84912345679"))["accessToken"]
    officer = (await sign_in_staff("o1@halong.vn", StaffRole.OFFICER, HA_LONG))["accessToken"]
    owners = {
        (await submit(gql, token, cast.ha_long))["dossier"]["code"]: token for token in (citizen_token, neighbour)
    }
    dossiers = [await Dossier.get(code=normalise_dossier_code(code)) for code in owners]
    together = []  # each dossier's latest change, as its committing worker publishes it
    for dossier in dossiers:
        event = await DossierEvent.filter(dossier_id=dossier.id).order_by("-id").first()
        together.append((dossier_channel(dossier.id), {"dossierId": dossier.id, "eventId": event.id}))
    reads, answers = [], []
    async with AsyncExitStack() as stack:
        subscribers: list[tuple[str, str, Selection, object]] = []
        for audience in (1, 4):  # subscribers per (dossier, owner or officer)
            while len(subscribers) < 4 * audience:
                for code, owner in owners.items():
                    for token, selection in ((owner, CITIZEN), (officer, STAFF)):
                        n = len(subscribers)
                        ws = await subscribe(stack, app, token, selection.subscription, {"code": code}, None, f"op-{n}")
                        subscribers.append((code, token, selection, ws))
            await asyncio.sleep(0.1)  # let the server register the subscriptions
            with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
                caplog.clear()
                await publish(app, together)  # both arrive in one turn of the event loop
                answers = [await ws.receive_json(timeout=2) for *_, ws in subscribers]
                reads.append(sum("SELECT" in record.getMessage() for record in caplog.records))
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            caplog.clear()
            await publish(app, together[:1])
            for code, *_, ws in subscribers:
                if code == dossiers[0].code:
                    await ws.receive_json(timeout=2)
            reads.append(sum("SELECT" in record.getMessage() for record in caplog.records))
    assert reads[0] > 0 and reads[0] == reads[1] == reads[2]  # two changes cost the reads of one, whatever the audience
    for n, ((code, token, selection, _), message) in enumerate(zip(subscribers, answers, strict=True)):
        own_read = await read(gql, selection.query, {"code": code}, token, None)
        assert message["type"] == "next" and message["id"] == f"op-{n}" and "errors" not in message["payload"]
        update = message["payload"]["data"]["dossierUpdated"]
        assert update["dossier"] == own_read["data"]["dossier"]
        assert update["event"]["toStatus"] == own_read["data"]["dossier"]["status"]  # the event each change names


async def publish(app, messages: list[tuple[str, dict]]) -> None:
    """Publish copies of `messages` in one go, as new messages (as each arrives from Redis)."""
    await app.state.services.bus.publish_many([(channel, dict(message)) for channel, message in messages])
