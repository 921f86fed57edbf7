"""What surrounds synthetic dossiers: busy and quiet days, ratings, cashless payments, appointments, follow-ons.

Patterns are strong enough for the analytics to find: Mondays are busiest, weekends and public holidays quiet,
late dossiers are rated dissatisfied far more often, and some procedures are usually followed by another one.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.appointments.models import Appointment, AppointmentStatus
from app.dossiers.models import Dossier
from app.ratings.models import Rating, RatingLevel
from app.working_days import LOCAL_TZ, is_public_holiday
from payments.models import Payment, PaymentStatus

# Relative intake by weekday (Monday first); public holidays take HOLIDAY_FACTOR of their weekday's intake.
WEEKDAY_WEIGHTS = (1.3, 1.1, 1.0, 1.0, 0.9, 0.25, 0.1)
HOLIDAY_FACTOR = 0.1
RATED_SHARE = 0.6
DISSATISFIED_SHARE = {False: 0.01, True: 0.3}  # on time, late
CASHLESS_SHARE = 0.45
APPOINTMENT_SHARE = 0.5  # of dossiers submitted in person
ANSWERED_SHARE = 0.7  # of dissatisfied ratings
FOLLOW_ON_SHARE = 0.35  # of dossiers whose procedure has a usual follow-on
FOLLOWED_PROCEDURES = 0.2  # share of procedures that have one


def day_weight(day: date) -> float:
    """Expected intake of a local date relative to an ordinary Wednesday."""
    weight = WEEKDAY_WEIGHTS[day.weekday()]
    return weight * HOLIDAY_FACTOR if is_public_holiday(day) else weight


def submission_time(rng: random.Random, now: datetime, online: bool, days_back: int = 365) -> datetime:
    """A moment of the last `days_back` days drawn with the weekly and holiday pattern.

    In-person submissions fall in office hours; online ones in waking hours.
    """
    today = now.astimezone(LOCAL_TZ).date()
    top = max(WEEKDAY_WEIGHTS)
    while True:
        day = today - timedelta(days=rng.randrange(days_back))
        if rng.random() * top < day_weight(day):
            break
    hours = (7.5, 17.0) if not online else (6.0, 23.0)
    moment = datetime.combine(day, time(0), LOCAL_TZ) + timedelta(hours=rng.uniform(*hours))
    return min(moment, now - timedelta(minutes=1))


def follow_on_time(rng: random.Random, previous: datetime) -> datetime:
    """When a follow-on is filed: 3 to 60 days later, on a day drawn with the weekly and holiday pattern."""
    top = max(WEEKDAY_WEIGHTS)
    while True:
        moment = previous + timedelta(days=rng.uniform(3, 60))
        if rng.random() * top < day_weight(moment.astimezone(LOCAL_TZ).date()):
            return moment


def follow_on_map(procedure_ids: list[int], rng: random.Random) -> dict[int, int]:
    """For a share of procedures, the procedure citizens usually file next."""
    followed = rng.sample(procedure_ids, max(1, int(len(procedure_ids) * FOLLOWED_PROCEDURES)))
    return {
        procedure: rng.choice([p for p in procedure_ids if p != procedure] or [procedure]) for procedure in followed
    }


def synthetic_rating(rng: random.Random, dossier: Dossier, manager_id: int | None) -> Rating | None:
    """A rating of a dossier whose result was returned, or None when the citizen did not rate."""
    if rng.random() >= RATED_SHARE:
        return None
    late = dossier.due_at is not None and dossier.finished_at > dossier.due_at
    if rng.random() < DISSATISFIED_SHARE[late]:
        level, scores = RatingLevel.DISSATISFIED, (1, 3)
    elif rng.random() < 0.55:
        level, scores = RatingLevel.VERY_SATISFIED, (4, 5)
    else:
        level, scores = RatingLevel.SATISFIED, (3, 5)
    created = dossier.finished_at + timedelta(hours=rng.uniform(1, 72))
    answered = level is RatingLevel.DISSATISFIED and manager_id is not None and rng.random() < ANSWERED_SHARE
    return Rating(
        dossier_id=dossier.id,
        citizen_id=dossier.citizen_id,
        centre_id=dossier.handling_centre_id,
        procedure_id=dossier.procedure_id,
        level=level,
        staff_attitude=rng.randint(*scores),
        processing_time=rng.randint(1, 2) if late else rng.randint(*scores),
        clarity=rng.randint(*scores),
        facilities=rng.randint(*scores),
        comment="",
        response="Trung tâm xin tiếp thu và khắc phục." if answered else None,
        responded_by_id=manager_id if answered else None,
        responded_at=created + timedelta(days=1) if answered else None,
        created_at=created,
        updated_at=created,
    )


def synthetic_appointment(rng: random.Random, dossier: Dossier) -> Appointment | None:
    """The booked visit an in-person dossier was handed in at, for a share of them.

    Tickets are "S" and seven digits: real tickets are six letters and digits without S, so they never clash.
    """
    if dossier.submitted_online or rng.random() >= APPOINTMENT_SHARE:
        return None
    local = dossier.submitted_at.astimezone(LOCAL_TZ)
    slot = local.replace(minute=0 if local.minute < 30 else 30, second=0, microsecond=0)
    return Appointment(
        ticket=f"S{dossier.id % 10**7:07d}",
        citizen_id=dossier.citizen_id,
        centre_id=dossier.received_centre_id,
        procedure_id=dossier.procedure_id,
        dossier_id=dossier.id,
        starts_at=slot,
        local_day=slot.date(),
        status=AppointmentStatus.CHECKED_IN,
        checked_in_at=dossier.submitted_at,
    )


def synthetic_payment(rng: random.Random, dossier: Dossier, now: datetime) -> Payment | None:
    """A successful card payment of a fee-bearing dossier that got its result, for a share of them."""
    if not dossier.fee_vnd or dossier.received_at is None or rng.random() >= CASHLESS_SHARE:
        return None
    return Payment(
        dossier_id=dossier.id,
        gateway="stripe",
        gateway_reference=f"synthetic_{dossier.id}",
        amount_vnd=dossier.fee_vnd,
        status=PaymentStatus.SUCCEEDED,
        paid_at=min(dossier.received_at + timedelta(hours=rng.uniform(0.1, 24)), now),
    )
