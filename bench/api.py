"""Benchmark: the app's hot reads over HTTP from one `serve` worker on PostgreSQL, each against a bare Starlette JSON
route (W0) and a bare strawberry `{ hello }` with parser and validation caches (W1), alternated in one run.

Every server runs with the same uvicorn settings as `python -m app serve` (uvloop, httptools, the app's logging);
wrk drives one at a time with 32 connections for `--seconds`, in `--rounds` rounds. The six cases send the mobile
app's operations by `documentId` (trusted documents only, as in production). Server CPU per request is the server
process's CPU time (/proc) over the requests wrk completed; SQL statements per request are counted in-process
(Tortoise's query log) on a warm second run of each operation.

Data: the demo catalogue and accounts, 2,069 procedures, 5,000 citizens and 250,000 dossiers in the PostgreSQL
database `api_bench_v1` (kept and reused; drop it to seed again), or with `--quick` 200 citizens and 10,000
dossiers in `api_bench_quick_v1`.
Run: .venv/bin/python bench/api.py [--quick] [--seconds 3] [--rounds 3]   (POSTGRES=postgres://... to change server)
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project root

POSTGRES = os.environ.get("POSTGRES", "postgres://postgres@127.0.0.1:5432")
SIZES = {False: ("api_bench_v1", 5000, 250_000), True: ("api_bench_quick_v1", 200, 10_000)}
PROCEDURES = 2069
CONNECTIONS = 32
HELLO = '{"query": "{ hello }"}'


@dataclass
class Case:
    """One row of the table: how wrk reaches it and the ratio to W1 the issue asks for."""

    label: str
    port_of: str  # "w0", "w1" or "app"
    path: str
    body: str | None = None
    token: str | None = None
    target: float | None = None
    statements: float | None = None
    answer_bytes: int | None = None
    rates: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


def settings_environment(database: str) -> dict[str, str]:
    """What the app's server and this script's in-process app both run with."""
    return {
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "APP_ENV": "development",
        "TRUSTED_DOCUMENTS_ONLY": "true",  # as in production: operations by id
        "ACCESS_TOKEN_TTL_SECONDS": "86400",  # the token outlives the run
    }


# ---------------------------------------------------------------------------------------------------------------------
# The two baselines, served by this file itself (`--baseline w0|w1 --port N`) with `serve`'s uvicorn settings.


def baseline_app(kind: str):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    if kind == "w0":

        async def hello(request: Request) -> JSONResponse:
            return JSONResponse({"data": {"hello": "world"}})

        return Starlette(routes=[Route("/", hello)])
    import strawberry
    from strawberry.asgi import GraphQL
    from strawberry.extensions import ParserCache, ValidationCache

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            return "world"

    caches = [functools.partial(ParserCache, maxsize=100), functools.partial(ValidationCache, maxsize=100)]
    schema = strawberry.Schema(Query, extensions=caches)
    return Starlette(routes=[Route("/graphql", GraphQL(schema), methods=["GET", "POST"])])


def serve_baseline(kind: str, port: int) -> None:
    import uvicorn

    from app.__main__ import uvicorn_options
    from app.logs import configure_logging
    from app.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(baseline_app(kind), host="127.0.0.1", port=port, **uvicorn_options(settings))


# ---------------------------------------------------------------------------------------------------------------------
# Data: seeded once per size, into a database renamed into place only when complete.


async def ensure_database(name: str, citizens: int, dossiers: int) -> None:
    admin = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return
        loading = f"{name}_loading"
        await admin.execute(f'DROP DATABASE IF EXISTS "{loading}"')
        await admin.execute(f'CREATE DATABASE "{loading}"')
        started = time.perf_counter()
        print(f"Seeding {loading}: demo data, {PROCEDURES} procedures, {citizens} citizens, {dossiers} dossiers ...")
        await seed(loading, citizens, dossiers)
        await admin.execute(f'ALTER DATABASE "{loading}" RENAME TO "{name}"')
        print(f"Seeded {name} in {time.perf_counter() - started:.0f} s.")
    finally:
        await admin.close()


async def seed(database: str, citizens: int, dossiers: int) -> None:
    from tortoise import connections

    from app.clock import system_clock
    from app.db import apply_migrations
    from app.main import create_app
    from app.seeding.demo import load_demo
    from app.seeding.synthetic import create_synthetic_citizens, create_synthetic_procedures
    from app.seeding.synthetic_dossiers import create_synthetic_dossiers
    from app.settings import load_settings

    settings = load_settings({**os.environ, **settings_environment(database)})
    await apply_migrations(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        rng = random.Random(2026)
        await load_demo()
        await create_synthetic_procedures(PROCEDURES, rng)
        await create_synthetic_citizens(citizens, rng)
        await create_synthetic_dossiers(dossiers, rng, system_clock())
        await connections.get("default").execute_script("ANALYZE")  # autovacuum is off on these machines


# ---------------------------------------------------------------------------------------------------------------------
# The cases: the mobile app's operations, their variables from the seeded data, and their SQL statements counted.


def operation_ids() -> dict[str, str]:
    manifest = json.loads((ROOT / "contract" / "trusted-documents.json").read_text(encoding="utf-8"))
    return {entry["name"]: entry["id"] for entry in manifest["operations"]}


class StatementCounter(logging.Handler):
    """Counts the statements Tortoise sends (its client logs each one at DEBUG on `tortoise.db_client`)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def prepare_cases(database: str) -> list[Case]:
    """The six cases with their bodies and tokens; each run once in-process to check it and count its SQL."""
    from tortoise.functions import Count

    from app.accounts.identity import Viewer, ViewerKind
    from app.accounts.sessions import start_session
    from app.catalogue.models import Centre, Procedure
    from app.dossiers.models import Dossier
    from app.main import create_app
    from app.settings import load_settings

    settings = load_settings({**os.environ, **settings_environment(database)})
    ids = operation_ids()
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        busiest = (
            await Dossier.annotate(n=Count("id")).group_by("citizen_id").order_by("-n").first().values("citizen_id")
        )
        citizen_id = busiest["citizen_id"]
        token = (await start_session(settings, Viewer(ViewerKind.CITIZEN, citizen_id), datetime.now(UTC))).access_token
        dossier = await Dossier.filter(citizen_id=citizen_id).order_by("-submitted_at").first()
        procedure = await Procedure.filter(borderless=True).exclude(code__startswith="9.").order_by("code").first()
        centre = await Centre.get(code="06688")  # Hạ Long
        near = {"coordinates": {"latitude": centre.latitude + 0.01, "longitude": centre.longitude + 0.01}}

        def case(label: str, operation: str, variables: dict, token: str | None, target: float) -> Case:
            body = json.dumps({"documentId": ids[operation], "variables": variables}, ensure_ascii=False)
            return Case(label, "app", "/graphql", body, token, target)

        search = {"search": "dang ky khai sinh", "first": 10}
        tracking = {"code": dossier.code, "secret": dossier.tracking_secret}
        nearest = {"near": near, "procedureCode": procedure.code}
        cases = [
            Case("W0: bare Starlette JSON route", "w0", "/"),
            Case("W1: bare strawberry `{ hello }` (caches)", "w1", "/graphql", HELLO),
            case("`me` with a token", "Me", {}, token, 0.40),
            case('`procedures(search: "dang ky khai sinh", first: 10)`', "ProcedureList", search, None, 0.30),
            case("`trackDossier(code, secret)` with timeline", "TrackDossier", tracking, None, 0.30),
            case("`dossier(code)` with timeline", "DossierDetail", {"code": dossier.code}, token, 0.20),
            case("`nearestCentres` with `nextFreeSlot`", "NearestCentres", nearest, None, 0.10),
            case("`myDossiers(first: 50)` with centres", "MyDossiers", {"first": 50}, token, 0.03),
        ]  # fmt: skip
        counter = StatementCounter()
        queries = logging.getLogger("tortoise.db_client")
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for case in cases[2:]:
                answer = await call(http, case)
                queries.addHandler(counter)
                level = queries.level
                queries.setLevel(logging.DEBUG)
                counter.count = 0
                try:
                    await call(http, case)  # warm: the sign-in's standing is remembered, as under load
                finally:
                    queries.removeHandler(counter)
                    queries.setLevel(level)
                case.statements, case.answer_bytes = counter.count, len(answer)
    return cases


async def call(http: httpx.AsyncClient, case: Case) -> bytes:
    """One request of `case`; fails unless it answers data without errors."""
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {case.token}"} if case.token else {})
    response = await http.post(case.path, content=case.body, headers=headers)
    answer = response.json()
    if response.status_code != 200 or answer.get("errors") or not all(answer.get("data", {}).values()):
        raise RuntimeError(f"{case.label}: {response.status_code} {response.text[:500]}")
    return response.content


# ---------------------------------------------------------------------------------------------------------------------
# Servers and load.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(command: list[str], environment: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **environment}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.TransportError:
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{command} did not answer on port {port}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, case: Case, seconds: int, folder: Path) -> tuple[float, int]:
    """(requests per second, requests completed) of `case` at `url`; fails on any error or non-2xx answer."""
    script = folder / "case.lua"
    lines = [f'wrk.method = "{"POST" if case.body else "GET"}"']
    if case.body:
        lines += [f"wrk.body = [==[{case.body}]==]", 'wrk.headers["Content-Type"] = "application/json"']
    if case.token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {case.token}"')
    script.write_text("\n".join(lines) + "\n")
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "60s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"{case.label}: wrk saw failures\n{output}")
    completed = int(re.search(r"(\d+) requests in", output).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), completed


def measure(cases: list[Case], servers: dict[str, tuple[subprocess.Popen, int]], seconds: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="api-bench-") as folder:
        for number in range(rounds):
            for case in cases:
                process, port = servers[case.port_of]
                before = cpu_seconds(process.pid)
                rate, completed = wrk(f"http://127.0.0.1:{port}{case.path}", case, seconds, Path(folder))
                case.rates.append(rate)
                case.cpu_ms.append((cpu_seconds(process.pid) - before) / completed * 1000)
            w1 = cases[1].rates[-1]
            for case in cases:
                case.ratios.append(case.rates[-1] / w1)
            print(f"round {number + 1}: " + ", ".join(f"{c.rates[-1]:,.0f}" for c in cases) + " req/s", flush=True)


def print_table(cases: list[Case], database: str, seconds: int, rounds: int) -> None:
    print(f"\nPostgreSQL `{database}`, one worker each, wrk -c{CONNECTIONS} {seconds} s x {rounds} rounds, medians:")
    print("| case | req/s | server CPU per request | ratio to W1 | target ratio to W1 | SQL per request | answer |")
    print("|---|---|---|---|---|---|---|")
    for case in cases:
        target = f"≥ {case.target:.2f}" if case.target else ""
        statements = "" if case.statements is None else f"{case.statements:.0f}"
        answer = "" if case.answer_bytes is None else f"{case.answer_bytes / 1000:.1f} KB"
        print(
            f"| {case.label} | {statistics.median(case.rates):,.0f} | {statistics.median(case.cpu_ms):.2f} ms "
            f"| {statistics.median(case.ratios):.3f} | {target} | {statements} | {answer} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small data set (its own database) for a fast check")
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration of each case in each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", choices=["w0", "w1"], help=argparse.SUPPRESS)  # this file as a baseline server
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        serve_baseline(args.baseline, args.port)
        return
    database, citizens, dossiers = SIZES[args.quick]
    asyncio.run(ensure_database(database, citizens, dossiers))
    cases = asyncio.run(prepare_cases(database))
    environment = settings_environment(database)
    servers: dict[str, tuple[subprocess.Popen, int]] = {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers too
    try:
        for kind in ("w0", "w1", "app"):
            port = free_port()
            command = (
                [sys.executable, "-m", "app", "serve", "--port", str(port)]
                if kind == "app"
                else [sys.executable, str(Path(__file__).resolve()), "--baseline", kind, "--port", str(port)]
            )
            servers[kind] = (start_server(command, environment, port), port)
        measure(cases, servers, args.seconds, args.rounds)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=30)
    print_table(cases, database, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
