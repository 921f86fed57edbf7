"""A throwaway test database: a temporary SQLite file, or a fresh PostgreSQL database when
TEST_DATABASE_URL names a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/test)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise, connections


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "asyncpg://"))


@asynccontextmanager
async def scratch_database_url() -> AsyncIterator[str]:
    """Yield the URL of an empty database that is dropped (or deleted) afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not _is_postgres(base):
        with tempfile.TemporaryDirectory(prefix="qn-test-") as folder:
            yield f"sqlite://{Path(folder) / 'test.sqlite3'}"
        return
    parts = urlsplit(base)
    admin_dsn = urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))
    name = f"qn_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def empty_all_tables() -> None:
    """Delete every row of every model's table and restart ids, so each test starts clean."""
    connection = connections.get("default")
    tables = [model._meta.db_table for model in Tortoise.apps["models"].values()]
    if connection.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{table}"' for table in tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        return
    await connection.execute_script(
        "PRAGMA foreign_keys = OFF;"
        + "".join(f'DELETE FROM "{table}";' for table in tables)
        + "DELETE FROM sqlite_sequence;"
        + "PRAGMA foreign_keys = ON;"
    )
