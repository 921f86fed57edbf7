"""Benchmark: dossier changes synced to a fake national portal through the outbox (claim, send, record), against the
same HTTP calls made bare (the same bodies POSTed with httpx, one in flight per dossier, no database), in the same
run, reported as a ratio.

Each dossier is filed, received and put in processing: 3 changes, 6 requests (the record, then the step, each time).
Run: .venv/bin/python bench/portal_sync.py [--dossiers 300] [--rounds 2]
Uses a throwaway SQLite database, or DATABASE_URL=postgres://... (a scratch database: it is filled with test rows).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import replace
from itertools import groupby
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

import httpx

from app.accounts.models import Citizen, StaffMember, StaffRole
from app.catalogue.demo_data import load_centres, load_procedures
from app.catalogue.models import Centre
from app.container import build_services
from app.db import apply_migrations
from app.dossiers.models import ActorKind, DossierStatus
from app.dossiers.services import Actor
from app.main import create_app
from app.portal_sync.models import OutboxState, PortalOutbox
from app.settings import Settings
from tests.dossier_data import APPLICANT, BORDERLESS_5_DAYS
from tests.fakes.portal_server import PASSWORD, PATHS, UNIT, USERNAME, fake_portal, portal_settings

CHANGES = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)


async def seed(services, count: int) -> None:
    """`count` dossiers, each filed, received and put in processing (3 changes)."""
    centre = await Centre.get(code="06688")
    citizen, _ = await Citizen.get_or_create(
        phone="+84915000001", defaults={"full_name": "Bench", "residence_centre": centre}
    )
    officer, _ = await StaffMember.get_or_create(
        email="bench@portal.vn", defaults={"password_hash": "x", "role": StaffRole.OFFICER, "centre": centre}
    )
    for _ in range(count):
        dossier = await services.dossiers.submit(citizen.id, BORDERLESS_5_DAYS, centre.id, APPLICANT)
        for target in CHANGES:
            await services.dossiers.change_status(dossier, target, Actor(ActorKind.STAFF, officer.id))


async def synced(services) -> float:
    """Seconds for the delivery job to send every pending row."""
    started = time.perf_counter()
    while await services.portal_sync.delivery.run():
        pass
    elapsed = time.perf_counter() - started
    assert not await PortalOutbox.exclude(state=OutboxState.DELIVERED).exists()
    return elapsed


async def bare(url: str, rows: list[PortalOutbox], in_flight: int) -> float:
    """Seconds to POST the same bodies with httpx: in order per dossier, `in_flight` dossiers at a time."""
    async with httpx.AsyncClient(base_url=url, timeout=15) as http:
        signed_in = await http.post(PATHS["auth"], json={"username": USERNAME, "password": PASSWORD})
        session = signed_in.json()["session"]
        gate = asyncio.Semaphore(in_flight)

        async def one_dossier(bodies: list[tuple[str, dict]]) -> None:
            async with gate:
                for key, body in bodies:
                    payload = {"session": session, "madonvi": UNIT, **body}
                    response = await http.post(PATHS["integration"], json=payload, headers={"Idempotency-Key": key})
                    assert response.json()["error_code"] == "00", response.text

        per_dossier = [
            [(row.idempotency_key, row.body) for row in group]
            for _, group in groupby(sorted(rows, key=lambda r: (r.dossier_id, r.id)), key=lambda r: r.dossier_id)
        ]
        started = time.perf_counter()
        await asyncio.gather(*(one_dossier(bodies) for bodies in per_dossier))
        return time.perf_counter() - started


async def run(count: int, rounds: int, url: str) -> None:
    base = Settings(app_env="test", database_url=url, run_scheduler=False)
    await apply_migrations(base)
    with fake_portal() as (portal_url, portal), fake_portal() as (bare_url, bare_portal):
        settings = replace(base, **{name.lower(): value for name, value in portal_settings(portal_url).items()})
        services = build_services(settings)
        app = create_app(settings, services)
        async with app.router.lifespan_context(app):
            if not await Centre.exists():
                await load_centres()
                await load_procedures()
            batch = settings.portal_sync_batch_size
            print(f"{count} dossiers x 3 changes (6 requests each), batch {batch}, {rounds} rounds")
            print("| round | outbox changes/s | outbox requests/s | bare requests/s | ratio |")
            print("|---|---|---|---|---|")
            for n in range(rounds):
                await PortalOutbox.filter(state=OutboxState.DELIVERED).delete()
                await seed(services, count)
                rows = await PortalOutbox.all().order_by("id")
                bare_seconds = await bare(bare_url, rows, settings.portal_sync_batch_size)
                outbox_seconds = await synced(services)
                requests = len(rows)
                print(
                    f"| {n + 1} | {requests / 2 / outbox_seconds:,.0f} | {requests / outbox_seconds:,.0f} "
                    f"| {requests / bare_seconds:,.0f} | {bare_seconds / outbox_seconds:.2f} |"
                )
            await services.portal_sync.close()
        assert portal.shape_errors == [] and bare_portal.shape_errors == []
        print(f"portal holds {len(portal.records)} records; repeats answered without effect: {portal.repeats}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if url:
        asyncio.run(run(args.dossiers, args.rounds, url))
        return
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as folder:
        asyncio.run(run(args.dossiers, args.rounds, f"sqlite://{folder}/bench.sqlite3"))


if __name__ == "__main__":
    main()
