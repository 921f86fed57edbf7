"""Benchmark: nearest-centre queries per second and p95 latency through the full GraphQL stack (ASGI app,
middleware, view, schema with its extensions, database), for the 54 real centres (plus the provincial one) and for
10,000 synthetic centres, against a bare strawberry `{ hello }` served over ASGI in the same run.

Run: .venv/bin/python bench/nearest_centres.py [--requests 500]
Uses a throwaway SQLite database and the estimate engine (no OSRM_URL, no NOMINATIM_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import strawberry
from strawberry.asgi import GraphQL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: app and geo

from app.catalogue.demo_data import load_centres, load_procedures
from app.catalogue.models import Centre, CentreKind
from app.db import apply_migrations
from app.main import create_app
from app.settings import Settings

SYNTHETIC_CENTRES = 10_000
BORDERLESS = "1.004746"
NEAREST = """query($lat: Float!, $lon: Float!, $code: String!) {
  nearestCentres(near: {coordinates: {latitude: $lat, longitude: $lon}}, procedureCode: $code) {
    candidates { travelMinutes distanceKm timeSource withinLimit centre { code name } } errors { code } } }"""
TARGET_P95_MS = {"54 real centres": 20.0, f"{SYNTHETIC_CENTRES:,} synthetic centres": 50.0}


@strawberry.type
class BareQuery:
    @strawberry.field
    def hello(self) -> str:
        return "hello"


async def measure(http: httpx.AsyncClient, bodies: list[dict]) -> tuple[float, float]:
    """(queries per second, p95 ms) of posting `bodies` one after another."""
    for body in bodies[:20]:  # warm-up: caches, connections
        await http.post("/graphql", json=body)
    latencies = []
    started = time.perf_counter()
    for body in bodies:
        begin = time.perf_counter()
        response = await http.post("/graphql", json=body)
        latencies.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200 and "errors" not in response.json(), response.text
    elapsed = time.perf_counter() - started
    return len(bodies) / elapsed, statistics.quantiles(latencies, n=20)[18]


async def add_synthetic_centres(rng: random.Random) -> None:
    await Centre.bulk_create(
        [
            Centre(
                code=f"SYN{i:05d}",
                name_vi=f"Điểm tổng hợp {i}",
                name_folded=f"diem tong hop {i}",
                kind=CentreKind.COMMUNE,
                latitude=rng.uniform(20.85, 21.60),
                longitude=rng.uniform(106.45, 107.95),
                opening_hours={},
            )
            for i in range(SYNTHETIC_CENTRES)
        ],
        batch_size=1000,
    )


async def main(requests: int) -> None:
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="qn-bench-") as folder:
        settings = Settings(app_env="test", database_url=f"sqlite://{Path(folder) / 'bench.sqlite3'}")
        await apply_migrations(settings)
        app = create_app(settings)
        bare = GraphQL(strawberry.Schema(query=BareQuery))
        points = [(rng.uniform(20.90, 21.50), rng.uniform(106.50, 107.90)) for _ in range(requests)]
        bodies = [{"query": NEAREST, "variables": {"lat": lat, "lon": lon, "code": BORDERLESS}} for lat, lon in points]
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://bench") as http,
            httpx.AsyncClient(transport=httpx.ASGITransport(bare), base_url="http://bench") as bare_http,
        ):
            await load_centres()
            await load_procedures()
            print(f"{'case':<28}{'q/s':>9}{'p95 ms':>9}{'bare q/s':>10}{'bare p95':>10}{'q/s ratio':>11}{'target':>9}")
            for case in TARGET_P95_MS:
                if case != "54 real centres":
                    await add_synthetic_centres(rng)
                qps, p95 = await measure(http, bodies)
                bare_qps, bare_p95 = await measure(bare_http, [{"query": "{ hello }"}] * requests)
                verdict = "ok" if p95 < TARGET_P95_MS[case] else "MISSED"
                print(
                    f"{case:<28}{qps:>9.0f}{p95:>9.2f}{bare_qps:>10.0f}{bare_p95:>10.2f}"
                    f"{qps / bare_qps:>11.2f}{verdict:>9}"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="nearest-centre queries per case")
    asyncio.run(main(parser.parse_args().requests))
