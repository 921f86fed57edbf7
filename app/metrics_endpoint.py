"""GET /metrics in Prometheus' text format, for whoever holds METRICS_TOKEN (404 while it is unset)."""

from __future__ import annotations

import hmac
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from tortoise import connections

from app import metrics
from app.portal_sync.figures import portal_sync_figures


async def metrics_endpoint(request: Request) -> Response:
    token = request.app.state.services.settings.metrics_token
    if not token:
        return PlainTextResponse("Not Found", status_code=404)
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return PlainTextResponse("Unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"})
    read_pool_use()
    await read_portal_sync(request.app.state.services.clock())
    return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)


async def read_portal_sync(now: datetime) -> None:
    """The portal-sync backlog, failures, parked rows and lag now."""
    figures = await portal_sync_figures(now)
    metrics.PORTAL_SYNC_ROWS.labels("backlog").set(figures.backlog)
    metrics.PORTAL_SYNC_ROWS.labels("failing").set(figures.failing)
    metrics.PORTAL_SYNC_ROWS.labels("parked").set(figures.parked)
    metrics.PORTAL_SYNC_LAG.set(figures.lag_seconds)


def read_pool_use() -> None:
    """The PostgreSQL pools' connections now (SQLite has no pool: nothing is reported)."""
    for name in connections.db_config:
        pool = getattr(connections.get(name), "_pool", None)  # the asyncpg client's pool (no public accessor)
        if pool is None or not hasattr(pool, "get_size"):
            continue
        idle = pool.get_idle_size()
        metrics.DB_POOL.labels(name, "in_use").set(pool.get_size() - idle)
        metrics.DB_POOL.labels(name, "idle").set(idle)
        metrics.DB_POOL.labels(name, "max").set(pool.get_max_size())
