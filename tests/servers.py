"""Real processes for tests: a private redis-server, and the app's own CLI serving on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import redis

from tests.clock import suite_start
from tests.clocked import NOW_VARIABLE

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(ready, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not become ready in {timeout}s")


class RedisServer:
    """A throwaway redis-server on 127.0.0.1 that a test can stop and start again on the same port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, *options: str) -> None:
        """Start (again) on the same port; `options` are more redis-server arguments, e.g. an ACL rule."""
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                *options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until(self._answers, "redis-server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.ConnectionError:
            return False


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def app_command(*args: str) -> list[str]:
    """`python -m app ...`; on the suite's clock when TEST_CLOCK_START moved it (see tests/clocked.py)."""
    if suite_start() is None:
        return [sys.executable, "-m", "app", *args]
    return [sys.executable, "-m", "tests.clocked", "app", *args]


def run_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(app_command(*args), cwd=ROOT, env=env, check=True, timeout=120)


@contextmanager
def app_server(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`python -m app serve` on a free port; yields its base URL once /readyz answers."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(app_command("serve", "--port", str(port)), cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log_path.read_text()}")
        try:
            return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        _wait_until(ready, "the app server")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def app_env(**overrides: str) -> dict[str, str]:
    """The environment for a CLI process: ours, minus app settings that could leak in, plus `overrides` (and the
    suite's current moment, for `app_command`)."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "APP_ENV")}
    return {**env, "APP_ENV": "development", NOW_VARIABLE: datetime.now(UTC).isoformat(), **overrides}


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """`python -m app worker` in the background, its output in `log_path`; the caller stops it."""
    with log_path.open("w") as log:
        return subprocess.Popen(app_command("worker"), cwd=ROOT, env=env, stdout=log, stderr=log)
