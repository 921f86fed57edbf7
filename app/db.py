"""Tortoise ORM configuration and the migration helpers used by the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.writer import MigrationWriter

from app.settings import Settings

APP_LABEL = "models"
MODEL_MODULES = [
    "app.catalogue.models",
    "app.accounts.models",
    "app.dossiers.models",
    "app.appointments.models",
    "app.ratings.models",
    "app.insights.models",
    "notifications.models",
    "payments.models",
    "app.rate_limits.models",
    "app.portal_sync.models",
    "app.assistant.models",
    "app.access_log.models",
    "app.results.models",
    "app.documents.models",
    "app.profiles.models",
    "app.drafts.models",
    "app.counter.models",
    "app.delegation.models",
]
MIGRATIONS_MODULE = "app.migrations"


def tortoise_config(settings: Settings) -> dict:
    """The Tortoise config dict for the configured database (SQLite by default, PostgreSQL by URL)."""
    url = settings.database_url
    if url.startswith("sqlite://") and not url.startswith("sqlite://:memory:"):
        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": url},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def apply_migrations(settings: Settings) -> None:
    """Bring the database schema up to the newest committed migration.

    A data migration's historical model (0013 reads `procedure`) leaves Tortoise's per-table statement cache
    holding that older column list; it is emptied so that later inserts in this process use the current models.
    """
    try:
        await migrate(config=tortoise_config(settings))
    finally:
        EXECUTOR_CACHE.clear()
        await Tortoise.close_connections()


async def detect_model_changes(settings: Settings) -> list[MigrationWriter]:
    """The migrations the models need beyond the committed ones: empty when models and migrations agree."""
    config = tortoise_config(settings)
    await Tortoise.init(config=config)
    try:
        return await MigrationAutodetector(Tortoise.apps, config["apps"]).changes()
    finally:
        await Tortoise.close_connections()


async def ping() -> None:
    """Run a trivial query; raises when the database is unreachable."""
    await connections.get("default").execute_query("SELECT 1")
