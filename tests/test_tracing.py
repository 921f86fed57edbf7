"""OpenTelemetry: off by default; with an exporter, a real operation produces its spans."""

from __future__ import annotations

import httpx
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.container import build_services
from app.main import create_app
from app.tracing import start_tracing


def test_tracing_is_off_without_an_exporter(settings):
    assert settings.otel_exporter_otlp_endpoint == "" and start_tracing(settings) is None


async def test_an_operation_produces_spans_for_itself_its_resolvers_and_its_queries(app, settings, sms, catalogue):
    exporter = InMemorySpanExporter()
    traced = create_app(settings, build_services(settings, sms=sms), span_exporter=exporter)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(traced), base_url="http://testserver") as http:
            query = "query Sectors { sectors { name procedureCount } }"
            answer = await http.post("/graphql", json={"query": query, "operationName": "Sectors"})
            assert answer.json()["data"]["sectors"]
    finally:
        traced.state.tracing.close()  # what the lifespan does at shutdown: instrumentations off again
    names = [span.name for span in exporter.get_finished_spans()]
    assert "GraphQL Query: Sectors" in names
    assert any(name.startswith("GraphQL Parsing") for name in names)
    assert any(name == "GraphQL Resolving: sectors" for name in names), names
    if not settings.uses_sqlite:  # asyncpg's spans: one per statement
        assert any(span.attributes.get("db.system") == "postgresql" for span in exporter.get_finished_spans())
