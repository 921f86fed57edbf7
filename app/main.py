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
from tortoise.contrib.starlette import RegisterTortoise
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import db
from app.api.schema import build_schema
from app.api.view import GraphQLView
from app.body_limit import BodySizeLimit
from app.container import Services, build_job_scheduler, build_services
from app.document_routes import local_file, tus_upload
from app.garbage_collection import tune_for_long_lived_connections
from app.logs import RequestIdMiddleware
from app.payment_webhooks import stripe_webhook
from app.results.services import VERIFY_PATH
from app.results_http import verify_result
from app.settings import Settings, load_settings

logger = logging.getLogger(__name__)


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


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    """Build the ASGI app (also the uvicorn factory: `uvicorn --factory app.main:create_app`)."""
    settings = settings or load_settings()
    services = services or build_services(settings)
    view = GraphQLView(build_schema(settings), services)

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
                await services.bus.stop()
                await services.rate_limiter.close()
                await services.storage.close()

    app = Starlette(
        routes=[
            Route(
                "/graphql",
                view,
                methods=["GET", "POST"],
                middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_graphql_body_bytes)],
            ),
            WebSocketRoute("/graphql", view),
            Route(
                VERIFY_PATH,
                verify_result,
                methods=["GET", "POST"],
                middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_result_bytes)],
            ),
            Route("/uploads/{token}", tus_upload, methods=["OPTIONS", "HEAD", "PATCH"]),
            Route("/files/{key:path}", local_file, methods=["GET", "PUT"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
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
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    return app


def create_served_app() -> Starlette:
    """The app as `serve` runs it in each worker process: built, then the garbage collector tuned for it."""
    app = create_app()
    tune_for_long_lived_connections()
    return app
