"""deploy/drill.sh: two API nodes behind HAProxy, through PgBouncer, restarted one after the other under load, and
Redis restarted, keep every promise (no failed request, subscriptions resume, reminders once, capacity held).

The drill runs real processes on the real clock whatever TEST_CLOCK_START says (uvicorn's worker processes cannot
follow a moved clock); it picks its slots and due times from the moment it runs, so no day or hour can fail it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess

import asyncpg
import pytest

from tests.servers import ROOT


def postgres_server() -> str:
    """The PostgreSQL server the suite runs on (empty on SQLite: the drill then runs with the PostgreSQL suite)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def postgres_reachable() -> bool:
    if not postgres_server():
        return False

    async def connect() -> None:
        connection = await asyncpg.connect(postgres_server().replace("postgres://", "postgresql://", 1), timeout=3)
        await connection.close()

    try:
        asyncio.run(connect())
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


@pytest.mark.skipif(not postgres_reachable(), reason="the drill runs with the PostgreSQL suite (TEST_DATABASE_URL)")
@pytest.mark.timeout(450)
def test_rolling_restart_of_both_nodes_and_a_redis_restart_break_no_promise():
    env = {**os.environ, "DRILL_LOGS": "1"}
    drill = subprocess.Popen(
        [str(ROOT / "deploy" / "drill.sh"), "--base", postgres_server()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = drill.communicate(timeout=420)  # about 45 s on an idle 2-core machine, 5 min at load average 15
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(drill.pid, signal.SIGKILL)  # whatever it started, should it have been cut short
    assert drill.returncode == 0, output
    assert "failures: 0" in output
    assert output.rstrip().endswith("PASS"), output
