"""Benchmark: Stripe webhook throughput and p99 latency through the app's POST /webhooks/stripe, against a bare
Starlette endpoint that only verifies the same signature, measured in the same run and reported as ratios.

Workloads on the app: `succeeded` (each event new: record the event, the payment, a receipt, the dossier's move and
the notification, in one transaction) and `replay` (the same events again: only the duplicate check). The app and the
bare endpoint take turns every `--chunk` events, so that a change in the machine's load weighs on both alike, after
one unmeasured chunk each.
On PostgreSQL the last column counts the SQL round trips per event (asyncpg's query log: statements, BEGIN, COMMIT,
savepoints and the pool's reset of a released connection).
Run: .venv/bin/python bench/webhooks.py [--events 400] [--concurrency 10] [--rounds 3] [--chunk 50]
Uses a throwaway SQLite database, or DATABASE_URL=postgres://... (a scratch database: it is filled with test rows).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

import asyncpg
import httpx
import stripe
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from app.accounts.models import Citizen
from app.catalogue.demo_data import load_centres, load_procedures
from app.catalogue.models import Centre, Procedure
from app.db import apply_migrations
from app.dossiers.models import Dossier, DossierStatus
from app.garbage_collection import tune_for_long_lived_connections
from app.main import create_app
from app.settings import Settings
from payments.models import Payment, Receipt

SECRET = "whsec_bench_" + "b" * 32
FEE = 50_000


def bare_app() -> Starlette:
    """The baseline: read the raw body, verify the signature with the same SDK call, parse, answer 200."""

    async def webhook(request: Request) -> JSONResponse:
        payload = await request.body()
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode(), request.headers.get("stripe-signature"), SECRET, 300
            )
        except stripe.SignatureVerificationError:
            return JSONResponse({"error": "invalid signature"}, status_code=400)
        return JSONResponse({"received": True, "type": json.loads(payload)["type"]})

    return Starlette(routes=[Route("/webhooks/stripe", webhook, methods=["POST"])])


def signed_event(intent: dict) -> tuple[bytes, str]:
    body = json.dumps(
        {
            "id": f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": stripe.api_version,
            "created": int(time.time()),
            "data": {"object": intent},
            "livemode": False,
            "type": "payment_intent.succeeded",
        }
    ).encode()
    return body, stripe.WebhookSignature.generate_signature_header(body.decode(), SECRET)


async def seed(count: int, tag: str) -> list[tuple[bytes, str]]:
    """`count` dossiers awaiting a fee with a pending payment each; the signed succeeded event of each."""
    procedure = await Procedure.filter(borderless=True).first()
    centre = await Centre.filter(kind="ward").first()
    citizen, _ = await Citizen.get_or_create(phone="+84915000000", defaults={"full_name": "Bench"})
    now = datetime.now(UTC)
    await Dossier.bulk_create(
        [
            Dossier(
                code=f"98{tag}-{n:06d}", tracking_secret="BENCH", citizen_id=citizen.id, procedure_id=procedure.id,
                received_centre_id=centre.id, handling_centre_id=centre.id, status=DossierStatus.PAYMENT_REQUESTED,
                fee_vnd=FEE, submitted_at=now,
            )
            for n in range(count)
        ]
    )  # fmt: skip
    dossiers = await Dossier.filter(code__startswith=f"98{tag}-").order_by("id")
    intents = [
        {"id": f"pi_bench_{tag}_{d.id}", "object": "payment_intent", "amount": FEE, "currency": "vnd",
         "status": "succeeded", "created": int(time.time()),
         "metadata": {"dossier_code": d.code, "citizen_id": str(citizen.id)}}
        for d in dossiers
    ]  # fmt: skip
    await Payment.bulk_create(
        [Payment(dossier_id=d.id, gateway="stripe", gateway_reference=i["id"], amount_vnd=FEE)
         for d, i in zip(dossiers, intents, strict=True)]
    )  # fmt: skip
    return [signed_event(intent) for intent in intents]


class CountingConnection(asyncpg.Connection):
    """A pooled PostgreSQL connection that counts what it sends (asyncpg's public query logger)."""

    sent = 0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_query_logger(self._count)

    @classmethod
    def _count(cls, _record) -> None:
        cls.sent += 1


class Side:
    """Totals of one endpoint over the chunks it was given."""

    def __init__(self, app) -> None:
        self.app, self.events, self.seconds, self.latencies, self.statements = app, 0, 0.0, [], 0

    async def deliver(self, events: list[tuple[bytes, str]], concurrency: int) -> None:
        before = CountingConnection.sent
        started = time.perf_counter()
        self.latencies += await deliver(self.app, events, concurrency)
        self.seconds += time.perf_counter() - started
        self.events += len(events)
        await asyncio.sleep(0)  # the query loggers run on the next loop turn
        self.statements += CountingConnection.sent - before

    def rate(self) -> float:
        return self.events / self.seconds

    def p99(self) -> float:
        return statistics.quantiles(self.latencies, n=100)[98]


async def deliver(app, events: list[tuple[bytes, str]], concurrency: int) -> list[float]:
    """The latencies (ms) of POSTing `events` with `concurrency` in flight; every answer must be 200."""
    latencies: list[float] = []
    queue = list(reversed(events))
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

        async def worker() -> None:
            while queue:
                body, signature = queue.pop()
                begin = time.perf_counter()
                response = await http.post(
                    "/webhooks/stripe",
                    content=body,
                    headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
                )
                latencies.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, response.text

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def run(count: int, concurrency: int, rounds: int, chunk: int, url: str) -> None:
    settings = Settings(app_env="test", database_url=url, stripe_secret_key="sk_test_bench",
                        stripe_publishable_key="pk_test_bench", stripe_webhook_secret=SECRET,
                        stripe_api_base="http://127.0.0.1:9")  # fmt: skip
    await apply_migrations(settings)
    app = create_app(settings)
    tune_for_long_lived_connections()  # as `serve` runs the app (create_served_app): no full collection mid-run
    bare = bare_app()
    async with app.router.lifespan_context(app):
        if not await Centre.exists():
            await load_centres()
            await load_procedures()
        print(f"{count} signed payment_intent.succeeded events, {concurrency} in flight, {rounds} rounds, "
              f"app and bare alternating every {chunk} events")  # fmt: skip
        print(
            "| round | workload | app events/s | app p99 | bare events/s | bare p99 | throughput ratio | p99 ratio "
            "| SQL round trips per event |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        run_tag = secrets.token_hex(2)
        warm_up = await seed(chunk, f"w{run_tag}")  # first requests of each endpoint, not measured
        await deliver(bare, warm_up, concurrency)
        await deliver(app, warm_up, concurrency)
        for n in range(rounds):
            events = await seed(count, f"{run_tag}{n}")
            for workload in ("succeeded", "replay"):
                mine, baseline = Side(app), Side(bare)
                for start in range(0, count, chunk):
                    await baseline.deliver(events[start : start + chunk], concurrency)
                    await mine.deliver(events[start : start + chunk], concurrency)
                statements = f"{mine.statements / count:.1f}" if url.startswith("postgres") else "n/a"
                print(
                    f"| {n + 1} | {workload} | {mine.rate():,.0f} | {mine.p99():.1f} ms | {baseline.rate():,.0f} "
                    f"| {baseline.p99():.1f} ms | {mine.rate() / baseline.rate():.2f} "
                    f"| {mine.p99() / baseline.p99():.1f}× | {statements} |"
                )
        paid = await Payment.filter(status="SUCCEEDED", gateway_reference__startswith=f"pi_bench_{run_tag}").count()
        receipts = await Receipt.filter(payment__gateway_reference__startswith=f"pi_bench_{run_tag}").count()
        print(f"{rounds * count} events sent twice: {paid} payments succeeded, {receipts} receipts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=50)
    args = parser.parse_args()
    AsyncpgDBClient.connection_class = CountingConnection  # the class Tortoise's PostgreSQL pool connects with
    url = os.environ.get("DATABASE_URL")
    if url:
        asyncio.run(run(args.events, args.concurrency, args.rounds, args.chunk, url))
        return
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as folder:
        asyncio.run(run(args.events, args.concurrency, args.rounds, args.chunk, f"sqlite://{folder}/bench.sqlite3"))


if __name__ == "__main__":
    main()
