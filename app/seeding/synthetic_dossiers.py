"""Synthetic dossier history for benchmarks: realistic status mix, timings and timelines, inserted in bulk."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise import connections

from app.accounts.models import Citizen, StaffMember, StaffRole
from app.appointments.models import Appointment
from app.catalogue.models import Centre, Procedure
from app.dossiers.codes import format_code, new_tracking_secret
from app.dossiers.deadlines import RESULT_STATUSES
from app.dossiers.lifecycle import FINISHED
from app.dossiers.models import ActorKind, Dossier, DossierEvent, DossierStatus
from app.ratings.models import Rating
from app.seeding.synthetic_activity import (
    FOLLOW_ON_SHARE,
    follow_on_map,
    follow_on_time,
    submission_time,
    synthetic_appointment,
    synthetic_payment,
    synthetic_rating,
)
from app.working_days import add_working_time, due_at, working_time_between
from payments.models import Payment

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
RATEABLE = frozenset(RESULT_STATUSES)
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


async def create_synthetic_dossiers(total: int, rng: random.Random, now: datetime) -> int:
    """Add `total` dossiers of the year up to `now` with their timelines, ratings, payments and appointments.

    Needs citizens, procedures and centres. A share of citizens go on to file their procedure's usual follow-on.
    """
    citizens = await Citizen.all().values_list("id", flat=True)
    procedures = {row[0]: row for row in await Procedure.all().values_list("id", "processing_days", "fee_vnd")}
    centres = await Centre.all().values_list("id", flat=True)
    if not citizens or not procedures or not centres:
        raise RuntimeError("seed citizens, procedures and centres first")
    managers = dict(await StaffMember.filter(role=StaffRole.MANAGER).values_list("centre_id", "id"))
    follow_ons = follow_on_map(sorted(procedures), rng)
    weights = [share for share, _ in OUTCOMES]
    next_id = (await Dossier.all().order_by("-id").first().values_list("id", flat=True) or 0) + 1
    next_event_id = (await DossierEvent.all().order_by("-id").first().values_list("id", flat=True) or 0) + 1
    rows = _Rows()
    queued: list[tuple[int, int, datetime]] = []  # follow-ons: citizen, procedure, submitted
    for number in range(next_id, next_id + total):
        online = rng.random() < 0.6
        if queued:
            citizen, procedure_id, submitted = queued.pop()
        else:
            citizen, procedure_id = rng.choice(citizens), rng.choice(list(procedures))
            submitted = submission_time(rng, now, online)
        _, processing_days, fee = procedures[procedure_id]
        days = processing_days if processing_days is not None else 3  # for the timeline only: no due date
        path = rng.choices([path for _, path in OUTCOMES], weights)[0]
        times = [min(moment, now) for moment in _timeline(path, submitted, days, rng)]
        centre = rng.choice(centres)
        received = times[1] if len(path) > 1 and path[1] is S.RECEIVED else None
        finished = next((moment for status, moment in zip(path, times, strict=True) if status in FINISHED), None)
        dossier = Dossier(
            id=number,
            code=_code(number, submitted.strftime("%m")),
            tracking_secret=new_tracking_secret(),
            citizen_id=citizen,
            procedure_id=procedure_id,
            received_centre_id=centre,
            handling_centre_id=centre,
            status=path[-1],
            fee_vnd=fee,
            processing_days=processing_days,
            submitted_online=online,
            submitted_at=submitted,
            received_at=received,
            due_at=due_at(received, processing_days) if received and processing_days is not None else None,
            finished_at=finished,
            working_seconds_taken=(
                int(working_time_between(received, finished).total_seconds()) if received and finished else None
            ),
            form_data={},
        )
        rows.dossiers.append(dossier)
        for index, (status, moment) in enumerate(zip(path, times, strict=True)):
            rows.events.append(
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
        rows.add_surroundings(rng, dossier, managers.get(centre), now)
        follow_on = follow_ons.get(procedure_id)
        if follow_on is not None and rng.random() < FOLLOW_ON_SHARE:
            later = follow_on_time(rng, submitted)
            if later < now:
                queued.append((citizen, follow_on, later))
        if len(rows.dossiers) >= BATCH:
            await rows.flush()
    await rows.flush()
    await _advance_sequences()
    return total


@dataclass
class _Rows:
    """Rows waiting for the next bulk insert, parents first."""

    dossiers: list[Dossier] = field(default_factory=list)
    events: list[DossierEvent] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)

    def add_surroundings(self, rng: random.Random, dossier: Dossier, manager_id: int | None, now: datetime) -> None:
        """The rating, payment and appointment that go with `dossier`, when it has them."""
        if dossier.status in RATEABLE:
            rating = synthetic_rating(rng, dossier, manager_id)
            if rating is not None and rating.created_at < now:
                self.ratings.append(rating)
            payment = synthetic_payment(rng, dossier, now)
            if payment is not None:
                self.payments.append(payment)
        if (appointment := synthetic_appointment(rng, dossier)) is not None:
            self.appointments.append(appointment)

    async def flush(self) -> None:
        for model, rows in (
            (Dossier, self.dossiers),
            (DossierEvent, self.events),
            (Rating, self.ratings),
            (Payment, self.payments),
            (Appointment, self.appointments),
        ):
            if rows:
                await model.bulk_create(rows)
                rows.clear()


async def _advance_sequences() -> None:
    """Explicit ids bypass PostgreSQL sequences: move them past the rows just inserted."""
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        return
    for table in ("dossier", "dossier_event"):
        await connection.execute_script(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"
        )
