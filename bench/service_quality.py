"""Benchmark: `serviceQuality` over a million synthetic dossiers on PostgreSQL, against a bare COUNT(*) of the same
table measured in the same run, reported as medians and ratios.

Prepare once (several minutes), in a dedicated database:
  createdb -h 127.0.0.1 -U postgres qn_bench_ratings
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/qn_bench_ratings
  .venv/bin/python -m app migrate && .venv/bin/python -m app seed --demo
  .venv/bin/python -m app seed --synthetic --dossiers 1000000 --citizens 100000
Run: DATABASE_URL=... .venv/bin/python bench/service_quality.py [--rounds 7]
It runs ANALYZE first (fresh planner statistics, as autovacuum would after a bulk load), rebuilds the derived daily
roll-ups once (timed: what the first request after a bulk load pays) and changes no source rows. The same figures
computed live from the source rows (`live=True`, what the roll-ups save) are measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

import httpx
from tortoise import connections

from app.clock import system_clock
from app.insights.forecast import demand_forecast
from app.insights.models import RollupState
from app.insights.rollup import refresh
from app.insights.service_quality import service_quality
from app.insights.sql import Period, Scope
from app.main import create_app
from app.settings import Settings
from app.working_days import local_today

QUERY = """{ serviceQuality { quality { dossiers onTimeRate earlyRate overdueCount onlineSubmissionRate
  cashlessPaymentRate averageProcessingWorkingDays satisfactionIndex ratings } errors { code } } }"""


async def timed(call: Callable[[], Awaitable[object]], rounds: int) -> tuple[float, float]:
    """(median, max) milliseconds of `rounds` calls after one warm-up call."""
    await call()
    samples = []
    for _ in range(rounds):
        begin = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - begin) * 1000)
    return statistics.median(samples), max(samples)


async def run(url: str, rounds: int) -> None:
    settings = Settings(app_env="test", database_url=url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        connection = connections.get("default")
        if connection.capabilities.dialect == "postgres":
            await connection.execute_script("ANALYZE")
        total = (await connection.execute_query_dict("SELECT COUNT(*) AS n FROM dossier"))[0]["n"]
        now = system_clock()
        year = Period.of(None, None, today=local_today(now))
        month = Period(year.last - timedelta(days=29), year.last)
        busiest = (
            await connection.execute_query_dict(
                "SELECT handling_centre_id AS id FROM dossier "
                "GROUP BY handling_centre_id ORDER BY COUNT(*) DESC LIMIT 1"
            )
        )[0]["id"]
        await RollupState.all().delete()
        begin = time.perf_counter()
        await refresh(now)
        build = time.perf_counter() - begin
        procedure = (
            await connection.execute_query_dict(
                "SELECT procedure_id AS id FROM dossier GROUP BY procedure_id ORDER BY COUNT(*) DESC LIMIT 1"
            )
        )[0]["id"]
        quality = await service_quality(Scope(year), now)
        assert quality == await service_quality(Scope(year), now, live=True), "roll-ups and source rows disagree"
        print(f"database: {connection.capabilities.dialect}, {total:,} dossiers; province, last 365 days:")
        print(
            f"  on time {quality.on_time_rate:.4f}, early {quality.early_rate:.4f}, overdue {quality.overdue_count:,}, "
            f"online {quality.online_rate:.3f}, cashless {quality.cashless_rate:.3f}, "
            f"{quality.average_working_days:.2f} working days, satisfaction {quality.satisfaction_index:.4f} "
            f"of {quality.ratings:,} ratings (roll-ups and source rows agree)"
        )
        print(f"first build of the daily roll-ups: {build:.1f} s")

        async def count() -> None:
            await connection.execute_query_dict("SELECT COUNT(*) FROM dossier")

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://bench") as http:

            async def graphql() -> None:
                response = await http.post("/graphql", json={"query": QUERY})
                assert response.json()["data"]["serviceQuality"]["errors"] == []

            cases = [
                ("baseline: SELECT COUNT(*) FROM dossier", count),
                ("serviceQuality, province, 365 days (GraphQL over ASGI)", graphql),
                ("serviceQuality, province, 365 days (service)", lambda: service_quality(Scope(year), now)),
                ("same, live from the source rows", lambda: service_quality(Scope(year), now, live=True)),
                ("serviceQuality, province, 30 days", lambda: service_quality(Scope(month), now)),
                ("serviceQuality, busiest centre, 365 days", lambda: service_quality(Scope(year, busiest), now)),
                (
                    "serviceQuality, busiest procedure, 365 days",
                    lambda: service_quality(Scope(year, None, procedure), now),
                ),
                (
                    "demandForecast, busiest centre, 14 days",
                    lambda: demand_forecast(busiest, 14, today=local_today(now)),
                ),
            ]
            results = [(name, *await timed(call, rounds)) for name, call in cases]
        baseline = results[0][1]
        print(f"| query ({rounds} rounds) | median | max | median / COUNT(*) |")
        print("|---|---|---|---|")
        for name, median, worst in results:
            print(f"| {name} | {median:.0f} ms | {worst:.0f} ms | {median / baseline:.1f}x |")
        forecast = (await demand_forecast(busiest, 14, today=local_today(now)))[0].backtest
        print(
            f"forecast backtest (dossiers, busiest centre, {forecast.days} days): MAE {forecast.model_error:.2f}/day "
            f"vs seasonal-naive {forecast.baseline_error:.2f}/day"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to the seeded PostgreSQL benchmark database (see the docstring).")
    asyncio.run(run(url, args.rounds))


if __name__ == "__main__":
    main()
