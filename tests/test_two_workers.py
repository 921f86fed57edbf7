"""Scale-out: a change committed through one server process reaches a subscriber connected to another, via Redis."""

from __future__ import annotations

import asyncio
import json
import re
import time
from contextlib import ExitStack

import httpx
import websockets

from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS, HA_LONG
from tests.servers import app_env, app_server, redis_server, run_cli

CITIZEN = "+84912000001"
OFFICER = "officer.halong@demo.quangninh.gov.vn"


async def graphql(base: str, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_event_committed_on_one_worker_reaches_a_subscriber_on_another(tmp_path):
    with ExitStack() as stack:
        redis = stack.enter_context(redis_server())
        env = app_env(DATABASE_URL=f"sqlite://{tmp_path / 'shared.sqlite3'}", REDIS_URL=redis.url)
        run_cli(env, "migrate")
        run_cli(env, "seed", "--demo")
        first = stack.enter_context(app_server(env, tmp_path / "first.log"))
        second = stack.enter_context(app_server(env, tmp_path / "second.log"))

        request = "mutation($p: String!) { requestSignInCode(input: {phone: $p}) { errors { code } } }"
        await graphql(first, request, {"p": CITIZEN})
        code = re.findall(rf"SMS to \{CITIZEN}: .*?(\d{{6}})", (tmp_path / "first.log").read_text())[-1]
        sign_in = (
            "mutation($p: String!, $c: String!) { signIn(input: {phone: $p, code: $c}) { session { accessToken } } }"
        )
        citizen = (await graphql(first, sign_in, {"p": CITIZEN, "c": code}))["signIn"]["session"]["accessToken"]
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

        url = first.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {citizen}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            subscription = "subscription($c: String!) { dossierUpdated(code: $c) { dossier { status } } }"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": subscription, "variables": {"c": dossier_code}},
                    }
                )
            )
            await asyncio.sleep(0.5)  # the subscription reaches Redis

            update = """mutation($c: String!) { updateDossierStatus(input: {code: $c, status: RECEIVED}) {
              errors { code } } }"""
            started = time.monotonic()
            assert (await graphql(second, update, {"c": dossier_code}, officer))["updateDossierStatus"]["errors"] == []
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=1.0))
            elapsed = time.monotonic() - started
    assert message["payload"] == {"data": {"dossierUpdated": {"dossier": {"status": "RECEIVED"}}}}
    assert elapsed < 1.0
