"""GraphQL over websockets (graphql-transport-ws): the token travels in `connection_init`."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from httpx_ws import WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from app.accounts.identity import Viewer, ViewerKind
from app.accounts.tokens import issue_access_token

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def websocket(app, init_payload: dict | None = None):
    async with (
        ASGIWebSocketTransport(app) as transport,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
        aconnect_ws("/graphql", client, subprotocols=[PROTOCOL]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": init_payload or {}})
        yield ws


async def run(ws, query: str) -> dict:
    await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
    message = await ws.receive_json(timeout=5)
    assert message["type"] == "next", message
    assert (await ws.receive_json(timeout=5))["type"] == "complete"
    return message["payload"]


async def test_token_in_connection_init_identifies_the_caller(app, sign_in_citizen):
    session = await sign_in_citizen()
    async with websocket(app, {"Authorization": f"Bearer {session['accessToken']}"}) as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        result = await run(ws, "{ me { ... on Citizen { phone } } }")
    assert result == {"data": {"me": {"phone": "+84912345678"}}}


async def test_anonymous_connection_is_accepted(app):
    async with websocket(app) as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        assert await run(ws, "{ me { __typename } }") == {"data": {"me": None}}


async def test_expired_token_closes_the_connection_with_4403(app, settings):
    viewer = Viewer(ViewerKind.CITIZEN, 1, session="a-sign-in")
    issued = app.state.services.clock() - timedelta(minutes=20)
    expired, _ = issue_access_token(viewer, settings.secret_key, timedelta(minutes=15), issued)
    async with websocket(app, {"Authorization": f"Bearer {expired}"}) as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=5)
    assert closed.value.code == 4403


async def test_legacy_protocol_is_not_offered(app):
    async with (
        ASGIWebSocketTransport(app) as transport,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        with pytest.RaisesGroup(pytest.RaisesExc(WebSocketDisconnect, check=lambda e: e.code == 4406)):
            async with aconnect_ws("/graphql", client, subprotocols=["graphql-ws"]) as ws:
                await ws.receive_json(timeout=5)
