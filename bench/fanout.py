"""Benchmark: live fan-out of dossier updates through `python -m app serve` (one worker, PostgreSQL, Redis), next to a
bare Starlette websocket broadcast fed by the same Redis, measured in the same run.

Run: .venv/bin/python bench/fanout.py [--connections 10000] [--rate 200] [--seconds 10] [--clients 2]
[--scenarios one steady] [--database postgres://postgres@127.0.0.1:5432/test] [--redis redis://127.0.0.1:6379]
[--memory-only] [--no-memory-variants]
It creates a scratch PostgreSQL database next to --database and drops it afterwards; every socket is on 127.0.0.1.
Real websocket clients (the `websockets` library, graphql-transport-ws) run in --clients processes.
The subscriptions are the app's own operations (`app_operations()`: graphql/*.graphql with their fragments); a
subscription the server refuses (an error or complete message) stops the run with the server's answer.
Scenarios (`--scenarios`):
- one: one change watched by every connection: half the sockets are staff of the handling centre with the staff
  detail selection (StaffDossierUpdated), half the owner with the citizen's (DossierUpdated);
  the change is a real `DossierService.change_status` in this process; latency runs from just before that call
  (so it includes the commit) to each arrival;
- steady: every connection a citizen watching their own dossier, `--rate` changes per second spread over them for
  `--seconds`: each change is published on Redis as a committing worker does; latency runs from the publish;
- memory per connection: the server's RSS growth per authenticated idle connection, then per subscription, for
  each uvicorn websocket implementation and per-message compression setting.
The bare baseline accepts the same protocol, and sends a payload of the same size to the same sockets.
Each process raises its open-file limit to its hard limit (10,000 sockets need more than the usual 1,024).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import socket
import subprocess
import sys
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = "graphql-transport-ws"
CONNECT_CONCURRENCY = 100
BARE_CHANNEL = "bench:bare"
SPAWN = multiprocessing.get_context("spawn")
VARIANTS = [("websockets", True), ("websockets", False), ("websockets-sansio", False), ("wsproto", False)]


def raise_file_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ---------------------------------------------------------------- the bare baseline server


def bare_app():
    """Starlette: accept graphql-transport-ws, ack, remember each subscription; Redis messages are sent to them."""
    import redis.asyncio as redis
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute

    everyone: list = []
    by_code: dict[str, list] = {}

    async def endpoint(ws) -> None:
        await ws.accept(subprotocol=PROTOCOL)
        await ws.receive_text()
        await ws.send_text('{"type":"connection_ack"}')
        with suppress(Exception):
            while True:
                message = json.loads(await ws.receive_text())
                if message.get("type") == "subscribe":
                    member = (ws, message["id"])
                    everyone.append(member)
                    by_code.setdefault(message["payload"]["variables"]["code"], []).append(member)

    async def relay() -> None:
        pubsub = redis.Redis.from_url(os.environ["REDIS_URL"]).pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(BARE_CHANNEL)
        async for message in pubsub.listen():
            event = json.loads(message["data"])
            members = everyone if event["code"] is None else by_code.get(event["code"], ())
            for ws, operation in list(members):
                with suppress(Exception):
                    payload = {"dossierUpdated": {"dossier": {"code": event["code"], "padding": event["padding"]}}}
                    await ws.send_text(json.dumps({"id": operation, "type": "next", "payload": {"data": payload}}))

    async def lifespan(app):
        task = asyncio.create_task(relay())
        yield
        task.cancel()

    return Starlette(routes=[WebSocketRoute("/graphql", endpoint)], lifespan=lifespan)


# ---------------------------------------------------------------- the clients (in their own processes)


def client_process(url: str, plans: list[tuple[str, dict]], pipe) -> None:
    """Open one socket per (token, subscribe payload); obey the driver's commands on `pipe`."""
    raise_file_limit()
    asyncio.run(_client(url, plans, pipe))


async def _client(url: str, plans: list[tuple[str, dict]], pipe) -> None:
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    arrivals: list[tuple[float, str]] = []
    refusals: list[dict] = []  # error or complete messages: the server ended a subscription
    sockets = []
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one(token: str):
        async with gate:
            ws = await connect(url, subprotocols=[PROTOCOL], compression=None, max_queue=None, open_timeout=60)
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
            ack = json.loads(await ws.recv())
            assert ack["type"] == "connection_ack", ack
            return ws

    async def listen(ws) -> None:
        with suppress(Exception):
            async for text in ws:
                message = json.loads(text)
                if message["type"] == "next" and not message["payload"].get("errors"):
                    data = message["payload"].get("data") or {}
                    update = next(iter(data.values()), None) or {}
                    arrivals.append((time.time(), (update.get("dossier") or {}).get("code") or repr(message)))
                elif message["type"] in ("next", "error", "complete"):
                    refusals.append(message)

    listeners = []
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command == "connect":
            try:
                sockets = await asyncio.gather(*(open_one(token) for token, _ in plans))
            except Exception as error:  # reported to the driver, which stops the run
                pipe.send(f"could not connect: {error!r}")
                continue
            listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
            pipe.send(len(sockets))
        elif command == "subscribe":
            for n, (ws, (_, payload)) in enumerate(zip(sockets, plans, strict=True)):
                await ws.send(json.dumps({"id": f"s{n}", "type": "subscribe", "payload": payload}))
            pipe.send(len(sockets))
        elif command == "arrivals":
            pipe.send(arrivals)
            arrivals = []
        elif command == "refusals":
            pipe.send(refusals)
        elif command == "close":
            for task in listeners:
                task.cancel()
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
            pipe.send("closed")
            return


class Clients:
    """`count` client processes sharing the plans."""

    def __init__(self, url: str, plans: list[tuple[str, dict]], count: int) -> None:
        self.pipes, self.processes = [], []
        for n in range(count):
            mine, theirs = SPAWN.Pipe()
            process = SPAWN.Process(target=client_process, args=(url, plans[n::count], theirs), daemon=True)
            process.start()
            self.pipes.append(mine)
            self.processes.append(process)

    def ask(self, command: str) -> list:
        for pipe in self.pipes:
            pipe.send(command)
        return [pipe.recv() for pipe in self.pipes]

    def arrivals(self) -> list[tuple[float, str]]:
        return [arrival for answer in self.ask("arrivals") for arrival in answer]

    def refusals(self) -> list[dict]:
        return [refusal for answer in self.ask("refusals") for refusal in answer]

    def close(self) -> None:
        with suppress(Exception):
            self.ask("close")
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.terminate()


class Refused(Exception):
    """The server refused connections or subscriptions: the figures would mean nothing."""


# ---------------------------------------------------------------- the servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Server:
    """A server process on 127.0.0.1: the app through `python -m app serve`, uvicorn with given settings, or bare."""

    def __init__(self, kind: str, env: dict, log: Path, ws: str | None = None, deflate: bool = False) -> None:
        self.port = free_port()
        if kind == "app":
            command = [sys.executable, "-m", "app", "serve", "--port", str(self.port)]
        else:
            target = "app.main:create_served_app" if kind == "uvicorn" else "bench.fanout:bare_app"
            command = [sys.executable, "-m", "uvicorn", target, "--factory", "--port", str(self.port), "--ws", ws]
            command += ["--ws-per-message-deflate", str(deflate).lower(), "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text())
            time.sleep(0.2)
        self.url = f"ws://127.0.0.1:{self.port}/graphql"

    async def settle(self) -> None:
        """Wait (at most a minute) until the server has been idle for a second: every subscription set up."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            used = self.cpu_ticks()
            await asyncio.sleep(1)
            if self.cpu_ticks() - used < 3:
                return

    def cpu_ticks(self) -> int:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def rss(self) -> int:
        return rss_kib(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


# ---------------------------------------------------------------- data


async def seed(connections: int, secret_key: str):
    """Citizens with one dossier each, their sign-ins, staff of the handling centre.

    Returns (token, citizen id, dossier id, dossier code) per citizen, the staff tokens, and a staff member.
    """
    from tortoise import connections as db

    from app.accounts.identity import Viewer, ViewerKind
    from app.accounts.models import Citizen, Session, StaffMember, StaffRole
    from app.accounts.tokens import issue_access_token
    from app.catalogue.demo_data import load_centres, load_procedures
    from app.catalogue.models import Centre, Procedure
    from app.dossiers.codes import new_dossier_code, new_tracking_secret
    from app.dossiers.models import Dossier, DossierStatus

    await load_centres()
    await load_procedures()
    centre = await Centre.filter(code="06688").first()
    procedure = await Procedure.filter(code="1.004746").first()
    now = datetime.now(UTC)
    await Citizen.bulk_create(
        [Citizen(phone=f"+8490{n:07d}", residence_centre=centre) for n in range(connections)], batch_size=2000
    )
    citizens = await Citizen.all().order_by("id").values_list("id", flat=True)
    month = now.strftime("%y%m")
    codes: set[str] = set()
    while len(codes) < len(citizens):  # random codes: drop the rare duplicate
        codes.add(new_dossier_code(month))
    await Dossier.bulk_create(
        [
            Dossier(
                code=code,
                tracking_secret=new_tracking_secret(),
                citizen_id=citizen,
                procedure=procedure,
                received_centre=centre,
                handling_centre=centre,
                status=DossierStatus.RECEIVING,
                form_data={"fullName": "Nguyễn Văn A"},
                fee_vnd=procedure.fee_vnd,
                processing_days=procedure.processing_days,
                submitted_at=now,
            )
            for citizen, code in zip(citizens, codes, strict=True)
        ],
        batch_size=2000,
    )
    dossiers = {row[0]: (row[1], row[2]) for row in await Dossier.all().values_list("citizen_id", "id", "code")}
    staff = [
        await StaffMember.create(email=f"o{n}@bench.vn", password_hash="x", role=StaffRole.OFFICER, centre=centre)
        for n in range(50)
    ]
    accounts = [(ViewerKind.CITIZEN, citizen) for citizen in citizens] + [(ViewerKind.STAFF, s.id) for s in staff]
    sessions, tokens = [], {}
    for kind, account in accounts:
        family = uuid4().hex
        sessions.append(
            Session(
                token_hash=uuid4().hex + uuid4().hex,
                family=family,
                citizen_id=account if kind is ViewerKind.CITIZEN else None,
                staff_id=account if kind is ViewerKind.STAFF else None,
                expires_at=now + timedelta(days=1),
            )
        )
        viewer = Viewer(kind, account, role=StaffRole.OFFICER if kind is ViewerKind.STAFF else None, session=family)
        tokens[(kind, account)] = issue_access_token(viewer, secret_key, timedelta(hours=2), now)[0]
    await Session.bulk_create(sessions, batch_size=2000)
    await db.get("default").execute_script("ANALYZE")
    citizen_tokens = [(tokens[(ViewerKind.CITIZEN, c)], c, *dossiers[c]) for c in citizens]
    staff_tokens = [tokens[(ViewerKind.STAFF, s.id)] for s in staff]
    return citizen_tokens, staff_tokens, staff[0]


def subscription(operation: str, code: str) -> dict:
    """The subscribe payload of the app's operation `operation` (its document with the fragments it spreads)."""
    from app.api.operations import app_operations

    return {"query": app_operations()[operation], "operationName": operation, "variables": {"code": code}}


# ---------------------------------------------------------------- measuring


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def wait_for(clients: Clients, expected: int, seconds: float) -> list[tuple[float, str]]:
    arrivals: list[tuple[float, str]] = []
    deadline = time.monotonic() + seconds
    while len(arrivals) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        arrivals += clients.arrivals()
        stop_if_refused(clients)
    return arrivals


def stop_if_refused(clients: Clients) -> None:
    """Raise `Refused` (after closing the clients) when the server ended any subscription."""
    refusals = clients.refusals()
    if refusals:
        clients.close()
        raise Refused(f"the server refused {len(refusals):,} subscriptions; the first answer: {refusals[0]}")


async def connect(server: Server, plans: list[tuple[str, dict]], client_count: int) -> tuple[Clients, int, int]:
    """Connect and authenticate every plan; KiB of server memory per idle connection, then per subscription."""
    await asyncio.sleep(1)
    before = server.rss()
    clients = Clients(server.url, plans, client_count)
    failures = [answer for answer in clients.ask("connect") if isinstance(answer, str)]
    if failures:
        clients.close()
        raise Refused(failures[0])
    await asyncio.sleep(2)
    idle = server.rss()
    clients.ask("subscribe")
    await server.settle()
    subscribed = server.rss()
    stop_if_refused(clients)
    return clients, (idle - before) / len(plans), (subscribed - before) / len(plans)


async def one_change(server: Server, kind: str, plans, client_count: int, services, dossier, staff) -> dict:
    from app.dossiers.models import ActorKind, DossierStatus
    from app.dossiers.services import Actor

    clients, idle, subscribed = await connect(server, plans, client_count)
    try:
        began = time.time()
        if kind == "app":
            await services.dossiers.change_status(dossier, DossierStatus.RECEIVED, Actor(ActorKind.STAFF, staff.id))
        else:
            await services.bus.publish(BARE_CHANNEL, {"code": None, "padding": PADDING})
        arrivals = await wait_for(clients, len(plans), 120) or [(float("nan"), "")]
    finally:
        clients.close()
    return summary(
        len(plans), [at - began for at, _ in arrivals], max(at for at, _ in arrivals) - began, idle, subscribed
    )


async def steady_changes(server: Server, kind: str, plans, codes, client_count: int, services, rate, seconds) -> dict:
    from app.dossiers.services import citizen_dossiers_channel, dossier_channel

    clients, idle, subscribed = await connect(server, plans, client_count)
    published: dict[str, float] = {}
    try:
        chosen = random.Random(7).sample(codes, min(len(codes), int(rate * seconds)))
        began = time.time()
        for n, (citizen, dossier_id, code) in enumerate(chosen):
            await asyncio.sleep(max(0.0, began + n / rate - time.time()))
            published[code] = time.time()
            if kind == "app":
                message = {"dossierId": dossier_id, "code": code, "eventId": None}
                await services.bus.publish_many(
                    [(citizen_dossiers_channel(citizen), message), (dossier_channel(dossier_id), message)]
                )
            else:
                await services.bus.publish(BARE_CHANNEL, {"code": code, "padding": PADDING})
        arrivals = await wait_for(clients, len(chosen), 60) or [(float("nan"), "")]
    finally:
        clients.close()
    latencies = [at - published[code] for at, code in arrivals if code in published]
    wall = max(at for at, _ in arrivals) - began
    return summary(len(chosen), latencies, wall, idle, subscribed)


def summary(expected: int, latencies: list[float], wall: float, idle: float, subscribed: float) -> dict:
    return {
        "delivered": f"{len(latencies):,}/{expected:,}",
        "per_second": len(latencies) / wall,
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "idle": idle,
        "subscribed": subscribed,
    }


PADDING = ""  # set to the size of the app's payload, so the baseline sends as many bytes


def table(title: str, app: dict, bare: dict) -> None:
    print(f"\n{title}")
    print("| server | delivered | deliveries/s | ratio | p50 ms | p99 ms | KiB/conn idle | KiB/conn subscribed |")
    print("|---|---|---|---|---|---|---|---|")
    for name, row in (("bare Starlette broadcast", bare), ("python -m app serve", app)):
        print(
            f"| {name} | {row['delivered']} | {row['per_second']:,.0f} | {row['per_second'] / bare['per_second']:.2f} "
            f"| {row['p50']:.0f} | {row['p99']:.0f} | {row['idle']:.1f} | {row['subscribed']:.1f} |"
        )


async def memory_variants(env: dict, folder: Path, plans, client_count: int) -> None:
    print("\nServer memory per connection by uvicorn websocket implementation (app, authenticated, then subscribed)")
    print("| --ws | per-message deflate | KiB/conn idle | KiB/conn subscribed |")
    print("|---|---|---|---|")
    for ws, deflate in VARIANTS:
        try:
            server = Server("uvicorn", env, folder / f"{ws}-{deflate}.log", ws=ws, deflate=deflate)
        except RuntimeError as error:
            print(f"| {ws} | {deflate} | unavailable: {str(error).strip().splitlines()[-1]} | |")
            continue
        try:
            clients, idle, subscribed = await connect(server, plans, client_count)
            clients.close()
        finally:
            server.stop()
        print(f"| {ws} | {'on' if deflate else 'off'} | {idle:.1f} | {subscribed:.1f} |")


async def run(args: argparse.Namespace) -> None:
    global PADDING
    from tortoise import Tortoise

    from app.container import build_services
    from app.db import apply_migrations, tortoise_config
    from app.dossiers.models import Dossier
    from app.settings import Settings
    from tests.database import scratch_database_url

    raise_file_limit()
    os.environ["TEST_DATABASE_URL"] = args.database
    folder = Path(args.logs)
    folder.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before anything runs
    async with scratch_database_url() as url:
        settings = Settings(database_url=url, redis_url=args.redis)
        await apply_migrations(settings)
        await Tortoise.init(config=tortoise_config(settings))
        try:
            citizens, staff_tokens, staff = await seed(args.connections, settings.secret_key)
            services = build_services(settings)
            env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": args.redis, "APP_ENV": "development"}
            env |= {"LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"), "PYTHONPATH": str(ROOT)}
            owner, _, _, watched_code = citizens[0]
            detail = subscription("DossierUpdated", watched_code)
            staff_detail = subscription("StaffDossierUpdated", watched_code)
            one_plans = [
                (staff_tokens[n % len(staff_tokens)], staff_detail) if n % 2 else (owner, detail)
                for n in range(args.connections)
            ]
            own_plans = [(token, subscription("DossierUpdated", code)) for token, _, _, code in citizens]
            if not args.no_memory_variants:
                await memory_variants(env, folder, own_plans[: args.memory_sample], args.clients)
            if args.memory_only:
                return
            app_server = Server("app", env, folder / "app.log")
            bare_server = Server("bare", env, folder / "bare.log", ws="websockets")
            tables = []
            try:
                PADDING = "x" * 1800  # about the size of the staff and citizen detail payloads
                if "one" in args.scenarios:
                    dossier = await Dossier.get(code=watched_code)
                    app_one = await one_change(app_server, "app", one_plans, args.clients, services, dossier, staff)
                    bare_one = await one_change(bare_server, "bare", one_plans, args.clients, services, None, None)
                    tables.append((f"One change watched by {args.connections:,} subscribers", app_one, bare_one))
                if "steady" in args.scenarios:
                    codes = [(citizen, dossier_id, code) for _, citizen, dossier_id, code in citizens]
                    app_steady = await steady_changes(
                        app_server, "app", own_plans, codes, args.clients, services, args.rate, args.seconds
                    )
                    bare_steady = await steady_changes(
                        bare_server, "bare", own_plans, codes, args.clients, services, args.rate, args.seconds
                    )
                    title = (
                        f"{args.connections:,} citizens each watching their own dossier, {args.rate:.0f} changes/s "
                        f"for {args.seconds:.0f} s"
                    )
                    tables.append((title, app_steady, bare_steady))
            finally:
                app_server.stop()
                bare_server.stop()
            print(f"\n{args.connections:,} connections, {args.clients} client processes, {os.cpu_count()} cores")
            for title, app_row, bare_row in tables:
                table(title, app_row, bare_row)
        finally:
            await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--scenarios", nargs="+", choices=("one", "steady"), default=["one", "steady"])
    parser.add_argument("--memory-sample", type=int, default=2_000)
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument("--no-memory-variants", action="store_true", help="skip the uvicorn settings comparison")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--logs", default="/tmp/fanout-bench")
    args = parser.parse_args()
    try:
        asyncio.run(run(args))
    except Refused as refused:
        raise SystemExit(f"stopped: {refused} (server logs in {args.logs})") from None


if __name__ == "__main__":
    main()
