"""The Starlette application: routes, middleware and the lifespan that opens the database and the event bus."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette_compress import CompressMiddleware
from tortoise.contrib.starlette import RegisterTortoise
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import db
from app.api.public_caching import PublicReadCaching
from app.api.schema import build_schema
from app.api.view import GraphQLView
from app.body_limit import BodySizeLimit
from app.container import Services, build_job_scheduler, build_services
from app.document_routes import local_file, tus_upload
from app.garbage_collection import tune_for_long_lived_connections
from app.logs import RequestIdMiddleware
from app.metrics_endpoint import metrics_endpoint
from app.payment_webhooks import stripe_webhook
from app.results.services import VERIFY_PATH
from app.results_http import verify_result
from app.settings import Settings, load_settings
from app.sms_inbound import sms_inbound
from app.tracing import SpanExporter, start_tracing

logger = logging.getLogger(__name__)
COMPRESSION_MINIMUM_BYTES = 500  # below this, the headers and the codec's frame outweigh the saving
SMS_BODY_BYTES = 4096  # a phone number and one message of a few segments, in JSON


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers a query."""
    try:
        await db.ping()
    except Exception as exc:  # any driver failure means "not ready"
        logger.warning("readiness check failed: %s", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


def create_app(
    settings: Settings | None = None, services: Services | None = None, span_exporter: SpanExporter | None = None
) -> Starlette:
    """Build the ASGI app (also the uvicorn factory: `uvicorn --factory app.main:create_app`); `span_exporter`
    turns tracing on without an OTLP endpoint (tests)."""
    settings = settings or load_settings()
    services = services or build_services(settings)
    tracing = start_tracing(settings, span_exporter)
    view = GraphQLView(build_schema(settings, tracer_provider=tracing.provider if tracing else None), services)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=db.tortoise_config(settings)):
            await services.bus.start()
            scheduler = build_job_scheduler(services)
            if settings.scheduler_in_process:
                scheduler.start()
            try:
                yield
            finally:
                if scheduler.running:
                    scheduler.shutdown(wait=False)
                await services.push.close()
                await services.portal_sync.close()
                await services.bus.stop()
                await services.rate_limiter.close()
                await services.assistant.close()
                await services.persisted_queries.close()
                if tracing is not None:
                    tracing.close()
                await services.storage.close()

    app = Starlette(
        routes=[
            Route(
                "/graphql",
                view,
                methods=["GET", "POST"],
                middleware=[
                    Middleware(BodySizeLimit, max_bytes=settings.max_graphql_body_bytes),
                    Middleware(PublicReadCaching, trusted=view.schema.trusted_documents),
                ],
            ),
            WebSocketRoute("/graphql", view),
            Route(
                VERIFY_PATH,
                verify_result,
                methods=["GET", "POST"],
                middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_result_bytes)],
            ),
            Route("/uploads/{token}", tus_upload, methods=["OPTIONS", "HEAD", "PATCH"]),
            Route(
                "/files/{key:path}",
                local_file,
                methods=["GET", "PUT"],
                # a PUT only stages a result PDF for `issueResult`; documents come in through /uploads
                middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_result_bytes)],
            ),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route(
                "/webhooks/sms",
                sms_inbound,
                methods=["POST"],
                middleware=[Middleware(BodySizeLimit, max_bytes=SMS_BODY_BYTES)],
            ),
            Route(
                "/webhooks/stripe",
                stripe_webhook,
                methods=["POST"],
                middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_webhook_body_bytes)],
            ),
        ],
        middleware=[
            Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies),
            Middleware(RequestIdMiddleware),
            # zstd, brotli or gzip as the client accepts, above a small size; websockets are left alone
            Middleware(CompressMiddleware, minimum_size=COMPRESSION_MINIMUM_BYTES),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.tracing = tracing
    return app


def create_served_app() -> Starlette:
    """The app as `serve` runs it in each worker process: built, then the garbage collector tuned for it."""
    app = create_app()
    tune_for_long_lived_connections()
    return app
