"""The service's Prometheus metrics: one registry and every metric definition, so each part of the code only
counts (`metrics.X.labels(...).inc()`), and `/metrics` (app/metrics_endpoint.py) serves them all.

Counters are per process: Prometheus scrapes each worker (or sums them). Add new metrics here, in their section.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

# --- GraphQL over HTTP and websockets ---------------------------------------------------------------------------
GRAPHQL_OPERATIONS = Counter(
    "graphql_operations",
    "GraphQL operations run, by operation name (`anonymous` without one) and type.",
    ["operation", "type"],
    registry=REGISTRY,
)
GRAPHQL_SECONDS = Histogram(
    "graphql_operation_seconds",
    "Time to answer a query or mutation, by operation name.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
GRAPHQL_ERRORS = Counter(
    "graphql_errors",
    "Errors answered: top-level `extensions.code` (kind=api) and payload `UserError.code` (kind=user).",
    ["kind", "code"],
    registry=REGISTRY,
)
WEBSOCKET_CONNECTIONS = Gauge(
    "graphql_websocket_connections", "Open graphql-transport-ws connections.", registry=REGISTRY
)
SUBSCRIPTIONS = Gauge("graphql_subscriptions", "Running subscriptions.", registry=REGISTRY)

# --- event bus ---------------------------------------------------------------------------------------------------
EVENTS_PUBLISHED = Counter("event_bus_published", "Events published, by bus.", ["bus"], registry=REGISTRY)
EVENTS_UNPUBLISHED = Gauge(
    "event_bus_unpublished_events",
    "Events kept while Redis cannot take them (the bus's lag: subscribers elsewhere have not seen them).",
    registry=REGISTRY,
)

# --- reminders (notifications/sweep.py) ----------------------------------------------------------------------------
REMINDERS = Counter(
    "reminders",
    "Reminder deliveries by outcome (sent, late, retried, failed, skipped ...).",
    ["outcome"],
    registry=REGISTRY,
)
REMINDER_LATENESS = Histogram(
    "reminder_lateness_seconds",
    "How long after its due time a reminder went out.",
    buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600),
    registry=REGISTRY,
)

# --- payment webhooks ----------------------------------------------------------------------------------------------
WEBHOOKS = Counter("webhook_events", "Stripe webhook deliveries by outcome.", ["outcome"], registry=REGISTRY)

# --- database pool: read at scrape time (app/metrics_endpoint.py) --------------------------------------------------
DB_POOL = Gauge(
    "database_pool_connections",
    "PostgreSQL pool connections by state (in_use, idle, max), per Tortoise connection name.",
    ["connection", "state"],
    registry=REGISTRY,
)

# --- portal sync: read at scrape time (app/metrics_endpoint.py), the same figures as the `portalSync` query ---------
PORTAL_SYNC_ROWS = Gauge(
    "portal_sync_rows",
    "Changes for the national portal by state: backlog (waiting), failing (waiting after a failed try), parked.",
    ["state"],
    registry=REGISTRY,
)
PORTAL_SYNC_LAG = Gauge(
    "portal_sync_lag_seconds", "How long the oldest waiting change has waited (0 when none).", registry=REGISTRY
)
