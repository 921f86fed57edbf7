"""The SQL of the service-quality measures, shared by the live queries and the daily roll-ups.

Each function returns a SELECT list whose columns are named like the roll-up tables' columns, in their order.
"""

from __future__ import annotations

from datetime import datetime

from app.dossiers.deadlines import RESULT_STATUSES
from app.dossiers.models import DossierStatus
from app.insights.sql import Query, overdue_condition
from app.ratings.models import RatingLevel
from payments.models import PaymentStatus

WITH_RESULT = RESULT_STATUSES
TIMED = (*WITH_RESULT, DossierStatus.STOPPED)  # these statuses always have finished_at
DOSSIER_COLUMNS = (
    "dossiers",
    "online",
    "timed",
    "on_time",
    "early",
    "finished_late",
    "fee_dossiers",
    "cashless",
    "working_seconds",
    "with_working_time",
)
CRITERIA = ("staff_attitude", "processing_time", "clarity", "facilities")
RATING_COLUMNS = (
    "ratings",
    "very_satisfied",
    "satisfied",
    "dissatisfied",
    *(f"{criterion}_{part}" for criterion in CRITERIA for part in ("sum", "count")),
)


def _in(query: Query, values) -> str:
    return "(" + ", ".join(query.param(str(value)) for value in values) + ")"


def dossier_measures(q: Query) -> str:
    """Figures of dossier rows `d` left-joined to `paid` (see `paid_join`)."""
    timed = f"d.status IN {_in(q, TIMED)}"
    with_result = f"d.status IN {_in(q, WITH_RESULT)}"
    return f"""
        COUNT(*) AS dossiers,
        COUNT(*) FILTER (WHERE d.submitted_online) AS online,
        COUNT(d.due_at) FILTER (WHERE {timed}) AS timed,
        COUNT(*) FILTER (WHERE {timed} AND d.finished_at <= d.due_at) AS on_time,
        COUNT(*) FILTER (WHERE {timed} AND {q.local_date("d.finished_at")} < {q.local_date("d.due_at")}) AS early,
        COUNT(*) FILTER (WHERE d.finished_at > d.due_at) AS finished_late,
        COUNT(*) FILTER (WHERE {with_result} AND d.fee_vnd > 0) AS fee_dossiers,
        COUNT(paid.dossier_id) FILTER (WHERE {with_result} AND d.fee_vnd > 0) AS cashless,
        COALESCE(SUM(d.working_seconds_taken) FILTER (WHERE {with_result}), 0) AS working_seconds,
        COUNT(d.working_seconds_taken) FILTER (WHERE {with_result}) AS with_working_time"""


def paid_join(q: Query) -> str:
    """Joins `paid`: the dossiers with a succeeded payment, once each."""
    return f"""LEFT JOIN (
            SELECT DISTINCT p.dossier_id FROM payment p WHERE p.status = {q.param(PaymentStatus.SUCCEEDED.value)}
        ) paid ON paid.dossier_id = d.id"""


def rating_measures(q: Query) -> str:
    """Figures of rating rows `r`: counts per level and, per criterion, the sum and number of scores."""
    levels = {level: q.param(level.value) for level in RatingLevel}
    scores = ",\n".join(
        f"COALESCE(SUM(r.{name}), 0) AS {name}_sum, COUNT(r.{name}) AS {name}_count" for name in CRITERIA
    )
    return f"""
        COUNT(*) AS ratings,
        COUNT(*) FILTER (WHERE r.level = {levels[RatingLevel.VERY_SATISFIED]}) AS very_satisfied,
        COUNT(*) FILTER (WHERE r.level = {levels[RatingLevel.SATISFIED]}) AS satisfied,
        COUNT(*) FILTER (WHERE r.level = {levels[RatingLevel.DISSATISFIED]}) AS dissatisfied,
        {scores}"""


def open_overdue(q: Query, now: datetime) -> str:
    """Condition: dossier `d` is still open and overdue at `now` (the only figure that changes with the clock)."""
    return f"d.finished_at IS NULL AND {overdue_condition(q, now)}"
