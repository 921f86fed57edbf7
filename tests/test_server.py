"""End to end: the real CLI migrates, seeds and serves with uvicorn; a client signs in over HTTP and talks
GraphQL over a real websocket, as the app does after `make run`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.servers import app_env, app_server, run_cli


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("server")
    env = app_env(DATABASE_URL=f"sqlite://{folder / 'app.sqlite3'}")
    run_cli(env, "migrate")
    run_cli(env, "seed", "--demo")
    with app_server(env, folder / "server.log") as base:
        yield base, folder / "server.log"


async def graphql(base: str, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    response.raise_for_status()
    return response.json()


async def test_demo_citizen_signs_in_and_queries_over_a_real_websocket(server):
    base, log_path = server
    phone = "+84912000001"
    request = "mutation($p: String!) { requestSignInCode(input: {phone: $p}) { errors { code } } }"
    assert (await graphql(base, request, {"p": phone}))["data"]["requestSignInCode"]["errors"] == []
    code = re.findall(rf"SMS to \{phone}: .*?(\d{{6}})", log_path.read_text())[-1]
    sign_in = "mutation($p: String!, $c: String!) { signIn(input: {phone: $p, code: $c}) { session { accessToken } } }"
    token = (await graphql(base, sign_in, {"p": phone, "c": code}))["data"]["signIn"]["session"]["accessToken"]

    url = base.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = "{ me { ... on Citizen { fullName residenceCentre { name } } } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        answer = json.loads(await ws.recv())
        assert json.loads(await ws.recv()) == {"id": "1", "type": "complete"}
    assert answer == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"me": {"fullName": "Nguyễn Thị Hoa", "residenceCentre": {"name": "Phường Hạ Long"}}}},
    }


async def test_server_serves_graphiql_and_health(server):
    base, _ = server
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        health = await http.get("/healthz")
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert health.json() == {"status": "ok"} and health.headers["x-request-id"]
