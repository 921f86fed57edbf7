"""Guard rails: depth and alias limits, introspection and GraphiQL switches, error masking, health and request ids."""

from __future__ import annotations

import logging

import httpx
import pytest
from strawberry import relay

from app.api.context import Context
from app.api.schema import build_schema
from app.container import build_services
from app.main import create_app
from app.settings import Settings
from tests.fakes.sms import RecordingSmsSender

INTROSPECTION = "{ __schema { queryType { name } } }"
DEPTH_3 = "{ me { ... on Citizen { residenceCentre { openingHours { weekday } } } } }"


def production_settings(**overrides) -> Settings:
    """Production's guard rails, with ad-hoc operation texts allowed (production runs only trusted documents by
    default: tests/api/test_trusted_documents.py) so that tests can send their own documents."""
    overrides = {"trusted_documents_only": False, **overrides}
    return Settings(app_env="production", secret_key="s" * 40, database_url="postgres://x@127.0.0.1/x", **overrides)


async def execute(settings: Settings, query: str):
    context = Context(request=None, response=None, services=build_services(settings, sms=RecordingSmsSender()))
    return await build_schema(settings).execute(query, context_value=context)


async def test_queries_deeper_than_the_limit_are_refused():
    refused = await execute(Settings(app_env="test", max_query_depth=2), DEPTH_3)
    assert refused.data is None and "exceeds maximum operation depth" in refused.errors[0].message
    allowed = await execute(Settings(app_env="test", max_query_depth=3), DEPTH_3)
    assert allowed.errors is None


async def test_too_many_aliases_are_refused(gql):
    query = "{ " + " ".join(f"a{i}: me {{ __typename }}" for i in range(31)) + " }"
    result = await gql(query)
    assert result["data"] is None and "aliases" in result["errors"][0]["message"]


async def test_introspection_is_off_in_production_unless_enabled():
    refused = await execute(production_settings(), INTROSPECTION)
    assert refused.data is None and "introspection" in refused.errors[0].message.lower()
    allowed = await execute(production_settings(graphql_introspection=True), INTROSPECTION)
    assert allowed.errors is None and allowed.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_is_on_in_development(gql):
    assert (await gql(INTROSPECTION))["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_graphiql_is_served_in_development_and_off_in_production(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()

    production = create_app(production_settings(sms_gateway_url="http://127.0.0.1:9/sms"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(production), base_url="http://t") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404


async def test_unexpected_errors_are_masked_in_production_and_logged(monkeypatch, caplog, catalogue):
    async def broken(*args, **kwargs):
        raise RuntimeError("connection string with password=hunter2")

    monkeypatch.setattr("app.api.catalogue.ranked_procedure_ids", broken)
    query = '{ procedures(search: "khai sinh") { totalCount } }'
    with caplog.at_level(logging.ERROR, logger="app.api"):
        masked = await execute(production_settings(), query)
    error = masked.errors[0]
    assert error.message == "Unexpected error."
    assert error.extensions["code"] == "INTERNAL_SERVER_ERROR" and "requestId" in error.extensions
    assert "hunter2" in caplog.text  # the log keeps the detail the client must not see

    unmasked = await execute(Settings(app_env="development"), query)
    assert "hunter2" in unmasked.errors[0].message


async def test_coded_errors_are_not_masked_in_production():
    result = await execute(
        production_settings(), '{ centre(id: "' + str(relay.GlobalID("Procedure", "1")) + '") { code } }'
    )
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}


async def test_health_and_readiness(client, monkeypatch):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"

    async def unreachable() -> None:
        raise ConnectionRefusedError("database down")

    monkeypatch.setattr("app.db.ping", unreachable)
    down = await client.get("/readyz")
    assert down.status_code == 503 and down.json()["database"] == "unreachable"
    assert (await client.get("/healthz")).status_code == 200


async def test_every_response_carries_a_request_id(client):
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 16
    echoed = await client.get("/healthz", headers={"X-Request-ID": "app-1234"})
    assert echoed.headers["x-request-id"] == "app-1234"


async def test_ids_of_the_wrong_kind_are_bad_input(gql):
    result = await gql("query($id: ID!) { centre(id: $id) { code } }", {"id": str(relay.GlobalID("Centre", "abc"))})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($id: ID!) { centre(id: $id) { code } }", {"id": "not base64"}),
        ("{ procedures { noSuchField } }", None),
        ("{ procedures(first: ", None),
    ],
)
async def test_every_error_carries_a_code(gql, query, variables):
    result = await gql(query, variables)
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_unexpected_errors_are_coded_but_not_masked_in_development(monkeypatch, catalogue, gql):
    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("app.api.catalogue.ranked_procedure_ids", broken)
    error = (await gql('{ procedures(search: "khai sinh") { totalCount } }'))["errors"][0]
    assert error["message"] == "boom" and error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
