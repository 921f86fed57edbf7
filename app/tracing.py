"""OpenTelemetry tracing, off unless an exporter is configured (OTEL_EXPORTER_OTLP_ENDPOINT, or one given by a test).

When on: a span per GraphQL operation and resolver (strawberry's OpenTelemetryExtension, added by the schema), per
PostgreSQL query (asyncpg) and per outgoing HTTP call (httpx: SMS gateway, OSRM, Nominatim). This is the one module
that imports the OpenTelemetry SDK and instrumentations.
"""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

from app.settings import Settings

INSTRUMENTORS = (AsyncPGInstrumentor, HTTPXClientInstrumentor)


@dataclass
class Tracing:
    """The tracer provider of this process's spans, and how to stop it."""

    provider: TracerProvider

    def close(self) -> None:
        """Flush the spans and take the instrumentations off again."""
        for instrumentor in INSTRUMENTORS:
            if instrumentor().is_instrumented_by_opentelemetry:
                instrumentor().uninstrument()
        self.provider.shutdown()


def start_tracing(settings: Settings, exporter: SpanExporter | None = None) -> Tracing | None:
    """Tracing to `exporter` (spans handed over one by one), else to the OTLP/HTTP endpoint (in batches), else off."""
    if exporter is None and not settings.otel_exporter_otlp_endpoint:
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": settings.otel_service_name}))
    if exporter is None:
        endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    for instrumentor in INSTRUMENTORS:
        if not instrumentor().is_instrumented_by_opentelemetry:
            instrumentor().instrument(tracer_provider=provider)
    return Tracing(provider)
