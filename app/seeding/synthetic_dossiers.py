"""Synthetic dossier history for benchmarks: realistic status mix, timings and timelines, inserted in bulk."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tortoise import connections

from app.accounts.models import Citizen
from app.catalogue.models import Centre, Procedure
from app.dossiers.codes import format_code, new_tracking_secret
from app.dossiers.lifecycle import FINISHED
from app.dossiers.models import ActorKind, Dossier, DossierEvent, DossierStatus
from app.working_days import add_working_time, due_at

BATCH = 5000
S = DossierStatus
MAIN_PATH = [S.RECEIVING, S.RECEIVED, S.PROCESSING, S.RESULT_READY, S.RETURNED]
# Final status: (share, path of statuses leading to it)
OUTCOMES = [
    (0.80, MAIN_PATH),
    (0.05, MAIN_PATH[:4]),
    (0.06, MAIN_PATH[:3]),
    (0.02, [*MAIN_PATH[:3], S.SUPPLEMENT_REQUESTED]),
    (0.015, [*MAIN_PATH[:3], S.PAYMENT_REQUESTED]),
    (0.02, [S.RECEIVING]),
    (0.01, [S.RECEIVING, S.DENIED]),
    (0.01, [S.RECEIVING, S.WITHDRAWN]),
    (0.01, [*MAIN_PATH[:3], S.STOPPED]),
]
LATE_SHARE = 0.005
ACTORS = {S.RECEIVING: ActorKind.CITIZEN, S.WITHDRAWN: ActorKind.CITIZEN}


def _code(number: int, month: str) -> str:
    """Synthetic codes start with 99 (real ones with the year), so they never clash."""
    return format_code("99" + month + f"{number:07d}"[-7:])


def _timeline(path: list[DossierStatus], submitted: datetime, days: int, rng: random.Random) -> list[datetime]:
    """When each status of `path` was reached: intake within a day, results mostly on time, a few late."""
    received = submitted + timedelta(hours=rng.uniform(0.5, 24))
    times = [submitted, received, received + timedelta(hours=rng.uniform(0.2, 3))]
    share = rng.uniform(1.0, 1.5) if rng.random() < LATE_SHARE else rng.uniform(0.1, 0.95)
    ready = add_working_time(received, timedelta(days=max(days, 0.3) * share))
    times += [max(ready, times[-1] + timedelta(minutes=5)), ready + timedelta(days=rng.uniform(0.1, 5))]
    return times[: len(path)]


async def create_synthetic_dossiers(total: int, rng: random.Random, now: datetime | None = None) -> int:
    """Add `total` dossiers of the last year with their timelines; needs citizens, procedures and centres."""
    now = now or datetime.now(UTC)
    citizens = await Citizen.all().values_list("id", flat=True)
    procedures = await Procedure.all().values_list("id", "processing_days", "fee_vnd")
    centres = await Centre.all().values_list("id", flat=True)
    if not citizens or not procedures or not centres:
        raise RuntimeError("seed citizens, procedures and centres first")
    weights = [share for share, _ in OUTCOMES]
    next_id = (await Dossier.all().order_by("-id").first().values_list("id", flat=True) or 0) + 1
    next_event_id = (await DossierEvent.all().order_by("-id").first().values_list("id", flat=True) or 0) + 1
    dossiers: list[Dossier] = []
    events: list[DossierEvent] = []
    for number in range(next_id, next_id + total):
        procedure_id, processing_days, fee = rng.choice(procedures)
        days = processing_days if processing_days is not None else 3  # for the timeline only: no due date
        path = rng.choices([path for _, path in OUTCOMES], weights)[0]
        submitted = now - timedelta(days=rng.uniform(0, 365))
        times = _timeline(path, submitted, days, rng)
        centre = rng.choice(centres)
        received = times[1] if len(path) > 1 and path[1] is S.RECEIVED else None
        dossiers.append(
            Dossier(
                id=number,
                code=_code(number, submitted.strftime("%m")),
                tracking_secret=new_tracking_secret(),
                citizen_id=rng.choice(citizens),
                procedure_id=procedure_id,
                received_centre_id=centre,
                handling_centre_id=centre,
                status=path[-1],
                fee_vnd=fee,
                processing_days=processing_days,
                submitted_online=rng.random() < 0.6,
                submitted_at=submitted,
                received_at=received,
                due_at=due_at(received, processing_days) if received and processing_days is not None else None,
                finished_at=times[-1] if path[-1] in FINISHED else None,
                form_data={},
            )
        )
        for index, (status, moment) in enumerate(zip(path, times, strict=True)):
            events.append(
                DossierEvent(
                    id=next_event_id,
                    dossier_id=number,
                    from_status=path[index - 1] if index else None,
                    to_status=status,
                    actor_kind=ACTORS.get(status, ActorKind.STAFF),
                    created_at=moment,
                )
            )
            next_event_id += 1
        if len(dossiers) >= BATCH:
            await _flush(dossiers, events)
    await _flush(dossiers, events)
    await _advance_sequences()
    return total


async def _flush(dossiers: list[Dossier], events: list[DossierEvent]) -> None:
    await Dossier.bulk_create(dossiers)
    await DossierEvent.bulk_create(events)
    dossiers.clear()
    events.clear()


async def _advance_sequences() -> None:
    """Explicit ids bypass PostgreSQL sequences: move them past the rows just inserted."""
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        return
    for table in ("dossier", "dossier_event"):
        await connection.execute_script(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"
        )
