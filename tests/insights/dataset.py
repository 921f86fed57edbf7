"""A hand-built month of dossiers whose every figure is worked out by hand in the tests.

October 2026 (local dates) at Phường Hạ Long (A) and Phường Bãi Cháy (B), looked at on 15 November.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.catalogue.models import Centre, Procedure
from app.dossiers.models import Dossier, DossierEvent, DossierStatus
from app.ratings.models import Rating, RatingLevel
from app.working_days import LOCAL_TZ
from payments.models import Payment, PaymentStatus
from tests.dossier_data import BAI_CHAY, BORDERLESS_5_DAYS, HA_LONG, RESIDENCE_BOUND

S = DossierStatus
NOW = datetime(2026, 11, 15, 5, 0, tzinfo=UTC)
DAY = 86400


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


@dataclass
class Dataset:
    ha_long: Centre
    bai_chay: Centre
    marriage: Procedure  # P
    birth: Procedure  # Q
    dossiers: dict[int, Dossier]


# number: (centre, procedure, status, online, submitted, due, finished, paused seconds, fee, working days)
ROWS = {
    1: ("A", "P", S.RETURNED, True, local(10, 2), local(10, 10, 10), local(10, 8), None, 50000, 3),
    2: ("A", "P", S.RETURNED, False, local(10, 2), local(10, 10, 10), local(10, 10, 9), None, 50000, 5),
    3: ("A", "P", S.RESULT_READY, True, local(10, 2), local(10, 10, 10), local(10, 10, 11), None, 0, 6),
    4: ("A", "P", S.STOPPED, False, local(10, 6), local(10, 20), local(10, 15), None, 50000, 4),
    5: ("A", "P", S.WITHDRAWN, True, local(10, 6), local(10, 20), local(10, 12), None, 50000, 2),
    6: ("A", "P", S.PROCESSING, True, local(10, 14), local(10, 25), None, None, 50000, None),
    7: ("A", "P", S.SUPPLEMENT_REQUESTED, True, local(10, 14), local(10, 25), None, 3600, 50000, None),
    8: ("A", "P", S.SUPPLEMENT_REQUESTED, False, local(10, 14), local(10, 25), None, -60, 50000, None),
    9: ("A", "P", S.RECEIVING, True, local(10, 30), None, None, None, 50000, None),
    10: ("A", "Q", S.RETURNED, True, local(10, 5, 7), local(10, 5, 17), local(10, 5, 8), None, 100000, 0.5),
    11: ("A", "P", S.RETURNED, False, local(9, 30, 23, 30), local(10, 3), local(10, 20), None, 0, 13),
    12: ("A", "P", S.PROCESSING, True, local(11, 1, 0, 10), local(11, 5), None, None, 0, None),
    13: ("B", "P", S.RETURNED, False, local(10, 2), local(10, 10, 10), local(10, 12), None, 0, 7),
    14: ("A", "P", S.RECEIVING, True, local(10, 1, 0, 5), None, None, None, 0, None),
}
# number: (level, staff attitude, processing time, clarity, facilities, given on)
RATINGS = {
    1: (RatingLevel.VERY_SATISFIED, 5, 5, 4, 5, local(10, 9)),
    2: (RatingLevel.SATISFIED, 4, 3, 4, None, local(10, 11)),
    3: (RatingLevel.DISSATISFIED, 2, 1, 3, 3, local(10, 11)),
    10: (RatingLevel.VERY_SATISFIED, 5, 5, 5, 5, local(10, 6)),
    13: (RatingLevel.DISSATISFIED, 1, 1, 1, 1, local(10, 13)),
    11: (RatingLevel.DISSATISFIED, 1, 1, 1, 1, local(11, 2)),  # given in November: outside October
}


async def build_dataset(citizen_id: int) -> Dataset:
    """The rows above, with a timeline per dossier and the payments of dossiers 1 and 10."""
    centres = {"A": await Centre.get(code=HA_LONG), "B": await Centre.get(code=BAI_CHAY)}
    procedures = {"P": await Procedure.get(code=BORDERLESS_5_DAYS), "Q": await Procedure.get(code=RESIDENCE_BOUND)}
    dossiers: dict[int, Dossier] = {}
    for number, (centre, procedure, status, online, submitted, due, finished, paused, fee, days) in ROWS.items():
        dossier = await Dossier.create(
            code=f"HB{number:04d}",
            tracking_secret="x",
            citizen_id=citizen_id,
            procedure=procedures[procedure],
            received_centre=centres[centre],
            handling_centre=centres[centre],
            status=status,
            fee_vnd=fee,
            processing_days=5,
            submitted_online=online,
            submitted_at=submitted,
            received_at=submitted + timedelta(hours=1) if due else None,
            due_at=due,
            paused_at=submitted + timedelta(days=3) if paused is not None else None,
            paused_remaining_seconds=paused,
            finished_at=finished,
            working_seconds_taken=int(days * DAY) if days is not None else None,
        )
        await DossierEvent.create(dossier=dossier, to_status=S.RECEIVING, actor_kind="citizen", created_at=submitted)
        dossiers[number] = dossier
    await Payment.create(
        dossier=dossiers[1],
        gateway="stripe",
        gateway_reference="pi_1",
        amount_vnd=50000,
        status=PaymentStatus.SUCCEEDED,
        paid_at=local(10, 3),
    )
    for reference, status in (("pi_10a", PaymentStatus.FAILED), ("pi_10b", PaymentStatus.SUCCEEDED)):
        await Payment.create(
            dossier=dossiers[10], gateway="stripe", gateway_reference=reference, amount_vnd=100000, status=status
        )
    await Payment.create(
        dossier=dossiers[4], gateway="stripe", gateway_reference="pi_4", amount_vnd=50000, status=PaymentStatus.PENDING
    )
    for number, (level, attitude, time_score, clarity, facilities, given) in RATINGS.items():
        dossier = dossiers[number]
        await Rating.create(
            dossier=dossier,
            citizen_id=citizen_id,
            centre_id=dossier.handling_centre_id,
            procedure_id=dossier.procedure_id,
            level=level,
            staff_attitude=attitude,
            processing_time=time_score,
            clarity=clarity,
            facilities=facilities,
            created_at=given,
            updated_at=given,
        )
    return Dataset(centres["A"], centres["B"], procedures["P"], procedures["Q"], dossiers)
