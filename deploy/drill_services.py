"""The drill's own processes on 127.0.0.1: PgBouncer and HAProxy run from deploy/'s files, and API nodes."""

from __future__ import annotations

import configparser
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx

from tests.servers import ROOT, app_command, free_port

DEPLOY = Path(__file__).resolve().parent


def os_binary(name: str) -> str:
    """The path of an OS program (root's PATH has /usr/sbin, others' may not)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise RuntimeError(f"{name} is not installed (apt-get install {name})")
    return found


def wait_until(ready, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {timeout} s")
        time.sleep(0.1)


def _alive(process: subprocess.Popen, log: Path) -> bool:
    """True while `process` runs; its log in an error once it has exited."""
    if process.poll() is not None:
        raise RuntimeError(f"{process.args[0]} exited:\n{log.read_text()}")
    return True


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PgBouncer:
    """deploy/pgbouncer.ini with only this drill's database, address and (trust) authentication replaced."""

    def __init__(self, folder: Path, database: str, upstream_port: int = 5432) -> None:
        self.port = free_port()
        self.log = folder / "pgbouncer.log"
        users = folder / "pgbouncer-users.txt"
        users.write_text('"postgres" ""\n')
        config = configparser.ConfigParser(interpolation=None, comment_prefixes=(";",))
        config.read(DEPLOY / "pgbouncer.ini")
        config["databases"] = {database: f"host=127.0.0.1 port={upstream_port} dbname={database}"}
        config["pgbouncer"].update(listen_addr="127.0.0.1", listen_port=str(self.port), unix_socket_dir="")
        config["pgbouncer"].update(auth_type="trust", auth_file=str(users))
        if os.getuid() == 0:
            config["pgbouncer"]["user"] = "postgres"  # PgBouncer refuses to run as root
        self.config = folder / "pgbouncer.ini"
        with self.config.open("w") as file:
            config.write(file)
        folder.chmod(0o755)
        for path in (users, self.config):
            path.chmod(0o644)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen([os_binary("pgbouncer"), str(self.config)], stdout=log, stderr=log)
        wait_until(lambda: _alive(self.process, self.log) and _accepts(self.port), "pgbouncer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class HaProxy:
    """deploy/haproxy.cfg as is, its addresses from the environment; `admin` speaks its runtime API."""

    def __init__(self, folder: Path, nodes: list[int]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.socket = folder / "haproxy.sock"
        self.log = folder / "haproxy.log"
        self.env = {
            **os.environ,
            "HAPROXY_BIND": f"127.0.0.1:{self.port}",
            "HAPROXY_ADMIN": str(self.socket),
            **{f"API_NODE_{n}": f"127.0.0.1:{port}" for n, port in enumerate(nodes, start=1)},
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [os_binary("haproxy"), "-db", "-f", str(DEPLOY / "haproxy.cfg")]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)
        wait_until(lambda: _alive(self.process, self.log) and self.socket.exists() and _accepts(self.port), "haproxy")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def admin(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.socket))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def status(self, server: str) -> str:
        """UP, DOWN, DRAIN, MAINT... of `server` in the `api` backend, as the stats say."""
        header, *rows = self.admin("show stat").lstrip("# ").splitlines()
        columns = header.split(",")
        for row in rows:
            values = dict(zip(columns, row.split(","), strict=False))
            if values.get("pxname") == "api" and values.get("svname") == server:
                return values["status"]
        raise KeyError(server)


class ApiNode:
    """`python -m app serve --workers 2` on a fixed port, so that it can be restarted where HAProxy expects it."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.port = free_port()
        self.env = env
        self.log = folder / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        command = app_command("serve", "--port", str(self.port), "--workers", "2")
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)

    def wait_ready(self) -> None:
        wait_until(self._ready, f"API node {self.name}", timeout=60)

    def stop(self) -> None:
        """SIGTERM, as a deploy does: uvicorn finishes what it has in hand, then closes websockets."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"API node {self.name} exited:\n{self.log.read_text()}")
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False
