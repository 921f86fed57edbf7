"""/metrics: Prometheus figures counted by real operations, for the holder of METRICS_TOKEN only."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.api.trusted_documents import MANIFEST_PATH
from app.container import build_services
from app.main import create_app
from tests.api.test_portal_sync import park_first_row
from tests.api.test_websocket import websocket

TOKEN = "metrics-test-token"
IDS = {entry["name"]: entry["id"] for entry in json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["operations"]}
MY_UPDATES = "subscription { myDossierUpdates { dossier { code } } }"


@pytest.fixture
async def monitored(app: Any, settings, sms) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    with_token = dataclasses.replace(settings, metrics_token=TOKEN)
    application = create_app(with_token, build_services(with_token, sms=sms))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(application), base_url="http://testserver") as http:
        yield application, http


async def scrape(http: httpx.AsyncClient) -> dict[tuple[str, tuple], float]:
    answer = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_real_operations_are_counted_with_their_names_times_and_error_codes(monitored, catalogue, cast):
    _, http = monitored
    before = await scrape(http)
    for _ in range(2):
        assert (await http.post("/graphql", json={"documentId": IDS["Sectors"]})).json()["data"]["sectors"]
    await http.post("/graphql", json={"query": "{ sectors { name } }", "operationName": None})  # an ad-hoc one
    refused = await http.post("/graphql", json={"query": "{ me { nope } }"})
    assert refused.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    token = await http.post(
        "/graphql",
        json={
            "query": 'mutation { requestSignInCode(input: {phone: "12", installationId: "i-1"}) { errors { code } } }'
        },
    )
    assert token.json()["data"]["requestSignInCode"]["errors"] == [{"code": "INVALID_PHONE"}]
    after = await scrape(http)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("graphql_operations_total", operation="Sectors", type="query") == 2
    assert grew("graphql_operations_total", operation="other", type="query") >= 1
    assert grew("graphql_operation_seconds_count", operation="Sectors") == 2
    assert grew("graphql_errors_total", kind="api", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert grew("graphql_errors_total", kind="user", code="INVALID_PHONE") == 1


async def test_websockets_subscriptions_and_events_are_counted(monitored, app, sign_in_citizen, dossier):
    application, http = monitored
    session = await sign_in_citizen()
    before = await scrape(http)
    async with websocket(application, {"Authorization": f"Bearer {session['accessToken']}"}) as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": MY_UPDATES}})
        during = await scrape(http)
        for _ in range(50):  # the subscription starts once the server read the message
            if value(during, "graphql_subscriptions") > value(before, "graphql_subscriptions"):
                break
            await asyncio.sleep(0.02)
            during = await scrape(http)
    assert value(during, "graphql_websocket_connections") == value(before, "graphql_websocket_connections") + 1
    assert value(during, "graphql_subscriptions") == value(before, "graphql_subscriptions") + 1
    await application.state.services.bus.publish("metrics-test", {"hello": 1})
    after = await scrape(http)
    assert value(after, "event_bus_published_total", bus="in-process") > value(
        before, "event_bus_published_total", bus="in-process"
    )


async def test_metrics_need_the_token_and_are_off_without_one(monitored, client):
    _, http = monitored
    assert (await http.get("/metrics")).status_code == 401
    assert (await http.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
    assert (await client.get("/metrics")).status_code == 404  # METRICS_TOKEN unset: no endpoint


async def test_portal_sync_backlog_and_parked_changes_are_reported(monitored, dossier):
    _, http = monitored
    await park_first_row(dossier)

    samples = await scrape(http)

    assert value(samples, "portal_sync_rows", state="backlog") == 1
    assert value(samples, "portal_sync_rows", state="parked") == 1
    assert value(samples, "portal_sync_rows", state="failing") == 0
    assert value(samples, "portal_sync_lag_seconds") > 0
