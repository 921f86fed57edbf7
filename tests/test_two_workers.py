"""Scale-out: what happens through one server process reaches subscribers connected to another, via Redis."""

from __future__ import annotations

import asyncio
import json
import re
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import websockets

from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS, HA_LONG
from tests.servers import app_env, app_server, redis_server, run_cli

CITIZEN = "+84912000001"
OFFICER = "officer.halong@demo.quangninh.gov.vn"


async def post(base: str, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.json()


async def graphql(base: str, query: str, variables: dict, token: str | None = None) -> dict:
    body = await post(base, query, variables, token)
    assert "errors" not in body, body
    return body["data"]


def two_workers(stack: ExitStack, tmp_path: Path) -> tuple[str, str]:
    """Redis and two server processes over one database with the demo data; their base URLs."""
    redis = stack.enter_context(redis_server())
    env = app_env(DATABASE_URL=f"sqlite://{tmp_path / 'shared.sqlite3'}", REDIS_URL=redis.url)
    run_cli(env, "migrate")
    run_cli(env, "seed", "--demo")
    first = stack.enter_context(app_server(env, tmp_path / "first.log"))
    second = stack.enter_context(app_server(env, tmp_path / "second.log"))
    return first, second


def last_code(log: Path) -> str:
    """The last sign-in code the development SMS sender wrote to a server's log."""
    return re.findall(rf"SMS to \{CITIZEN}: .*?(\d{{6}})", log.read_text())[-1]


async def sign_in_citizen(base: str, log: Path) -> dict:
    """The demo citizen's session (tokens), signed in on `base` with the code from its log."""
    request = "mutation($p: String!) { requestSignInCode(input: {phone: $p}) { errors { code } } }"
    await graphql(base, request, {"p": CITIZEN})
    code = last_code(log)
    sign_in = """mutation($p: String!, $c: String!) { signIn(input: {phone: $p, code: $c}) {
      session { accessToken refreshToken } } }"""
    return (await graphql(base, sign_in, {"p": CITIZEN, "c": code}))["signIn"]["session"]


async def subscribe(base: str, token: str, query: str, variables: dict | None = None):
    """A websocket on `base` with one subscription registered (through Redis)."""
    ws = await websockets.connect(base.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"])
    await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    payload = {"query": query, "variables": variables or {}}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    await asyncio.sleep(0.5)  # the subscription reaches Redis
    return ws


async def test_event_committed_on_one_worker_reaches_a_subscriber_on_another(tmp_path):
    with ExitStack() as stack:
        first, second = two_workers(stack, tmp_path)
        citizen = (await sign_in_citizen(first, tmp_path / "first.log"))["accessToken"]
        staff_sign_in = """mutation($e: String!) { signInStaff(input: {email: $e, password: "demo-password-2026"}) {
          session { accessToken } } }"""
        officer = (await graphql(second, staff_sign_in, {"e": OFFICER}))["signInStaff"]["session"]["accessToken"]

        centres = (await graphql(first, "{ centres(first: 100) { edges { node { id code } } } }", {}))["centres"]
        ha_long = next(edge["node"]["id"] for edge in centres["edges"] if edge["node"]["code"] == HA_LONG)
        submit = (
            """mutation($i: SubmitDossierInput!) { submitDossier(input: $i) { dossier { code } errors { code } } }"""
        )
        variables = {"i": {"procedureCode": BORDERLESS_5_DAYS, "centreId": ha_long, "formFields": APPLICANT}}
        dossier_code = (await graphql(first, submit, variables, citizen))["submitDossier"]["dossier"]["code"]

        subscription = "subscription($c: String!) { dossierUpdated(code: $c) { dossier { status } } }"
        async with await subscribe(first, citizen, subscription, {"c": dossier_code}) as ws:
            update = """mutation($c: String!) { updateDossierStatus(input: {code: $c, status: RECEIVED}) {
              errors { code } } }"""
            started = time.monotonic()
            assert (await graphql(second, update, {"c": dossier_code}, officer))["updateDossierStatus"]["errors"] == []
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=1.0))
            elapsed = time.monotonic() - started
    assert message["payload"] == {"data": {"dossierUpdated": {"dossier": {"status": "RECEIVED"}}}}
    assert elapsed < 1.0


async def test_a_sign_out_on_one_worker_ends_that_sign_in_on_another_at_once(tmp_path):
    me = "{ me { __typename } }"
    with ExitStack() as stack:
        first, second = two_workers(stack, tmp_path)
        session = await sign_in_citizen(first, tmp_path / "first.log")
        token = session["accessToken"]
        async with await subscribe(first, token, "subscription { notificationReceived { kind } }") as ws:
            assert (await graphql(first, me, {}, token))["me"] == {"__typename": "Citizen"}  # remembered 5 s
            sign_out = "mutation($t: String!) { signOut(input: {refreshToken: $t}) { signedOut } }"
            assert (await graphql(second, sign_out, {"t": session["refreshToken"]}))["signOut"]["signedOut"]
            ended = json.loads(await asyncio.wait_for(ws.recv(), timeout=1.0))
            completed = json.loads(await asyncio.wait_for(ws.recv(), timeout=1.0))
        refused = await post(first, me, {}, token)
    assert ended["payload"]["errors"][0]["extensions"]["code"] == "SESSION_REVOKED"
    assert completed == {"id": "1", "type": "complete"}
    assert refused["errors"][0]["extensions"]["code"] == "SESSION_REVOKED"
