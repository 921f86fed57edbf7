"""The province's service-quality index for a period, a centre and a procedure, in two aggregate queries.

Populations, all within the period's local dates:
- dossier figures: dossiers *submitted* in the period (one cohort, one range scan), handled by the centre;
- on time / early: those of the cohort that finished with a result or were stopped and had a due date
  (a withdrawal is the citizen's choice and a denial happens before the clock starts, so neither counts);
  on time = finished at or before the due moment, early = finished on a local date before the due date's;
- overdue: finished after the due moment, or still open and past it now (a stopped clock counts the time that
  was left when documents were requested), the same rule as the dossier's `overdue` flag;
- cashless: of the cohort's fee-bearing dossiers with a result, those with a SUCCEEDED payment;
- processing time: mean working days from receipt to finish of the cohort's dossiers with a result, from the
  working seconds stored on each dossier when it finishes (weekends and holidays excluded, exactly);
- satisfaction: ratings *given* in the period about the centre's dossiers, (very satisfied + satisfied) / all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from app.dossiers.models import DossierStatus
from app.insights.sql import Query, Scope, new_query, overdue_condition, ratio, scope_filter
from app.ratings.models import RatingLevel
from payments.models import PaymentStatus

SATISFACTION_TARGET = 0.99
ON_TIME_TARGET = 0.995
SECONDS_PER_DAY = 86400
WITH_RESULT = (DossierStatus.RESULT_READY, DossierStatus.RETURNED)
TIMED = (*WITH_RESULT, DossierStatus.STOPPED)


@dataclass(frozen=True)
class ServiceQuality:
    """The figures of one scope; rates are None when their population is empty."""

    dossiers: int
    online_rate: float | None
    timed_dossiers: int
    on_time_rate: float | None
    early_rate: float | None
    overdue_count: int
    fee_dossiers: int
    cashless_rate: float | None
    average_working_days: float | None
    ratings: int
    very_satisfied: int
    satisfied: int
    dissatisfied: int
    satisfaction_index: float | None
    criteria: dict[str, float | None]
    satisfaction_target: float = SATISFACTION_TARGET
    on_time_target: float = ON_TIME_TARGET


def _in(query: Query, values) -> str:
    return "(" + ", ".join(query.param(str(value)) for value in values) + ")"


async def service_quality(scope: Scope, now: datetime | None = None) -> ServiceQuality:
    now = now or datetime.now(UTC)
    dossier_row, rating_row = await asyncio.gather(_dossier_figures(scope, now), _rating_figures(scope))
    ratings = rating_row["ratings"] or 0
    happy = (rating_row["very_satisfied"] or 0) + (rating_row["satisfied"] or 0)
    timed = dossier_row["timed"] or 0
    finished_with_time = dossier_row["with_working_time"] or 0
    return ServiceQuality(
        dossiers=dossier_row["dossiers"] or 0,
        online_rate=ratio(dossier_row["online"], dossier_row["dossiers"]),
        timed_dossiers=timed,
        on_time_rate=ratio(dossier_row["on_time"], timed),
        early_rate=ratio(dossier_row["early"], timed),
        overdue_count=dossier_row["overdue"] or 0,
        fee_dossiers=dossier_row["fee_dossiers"] or 0,
        cashless_rate=ratio(dossier_row["cashless"], dossier_row["fee_dossiers"]),
        average_working_days=(
            float(dossier_row["working_seconds"]) / finished_with_time / SECONDS_PER_DAY if finished_with_time else None
        ),
        ratings=ratings,
        very_satisfied=rating_row["very_satisfied"] or 0,
        satisfied=rating_row["satisfied"] or 0,
        dissatisfied=rating_row["dissatisfied"] or 0,
        satisfaction_index=ratio(happy, ratings),
        criteria={
            name: float(rating_row[name]) if rating_row[name] is not None else None
            for name in ("staff_attitude", "processing_time", "clarity", "facilities")
        },
    )


async def _dossier_figures(scope: Scope, now: datetime) -> dict:
    q = new_query()
    timed = f"d.status IN {_in(q, TIMED)}"  # these statuses always have finished_at
    with_result = f"d.status IN {_in(q, WITH_RESULT)}"
    sql = f"""
        SELECT
            COUNT(*) AS dossiers,
            COUNT(*) FILTER (WHERE d.submitted_online) AS online,
            COUNT(d.due_at) FILTER (WHERE {timed}) AS timed,
            COUNT(*) FILTER (WHERE {timed} AND d.finished_at <= d.due_at) AS on_time,
            COUNT(*) FILTER (WHERE {timed} AND {q.local_date("d.finished_at")} < {q.local_date("d.due_at")}) AS early,
            COUNT(*) FILTER (WHERE {overdue_condition(q, now)}) AS overdue,
            COUNT(*) FILTER (WHERE {with_result} AND d.fee_vnd > 0) AS fee_dossiers,
            COUNT(paid.dossier_id) FILTER (WHERE {with_result} AND d.fee_vnd > 0) AS cashless,
            SUM(d.working_seconds_taken) FILTER (WHERE {with_result}) AS working_seconds,
            COUNT(d.working_seconds_taken) FILTER (WHERE {with_result}) AS with_working_time
        FROM dossier d
        LEFT JOIN (
            SELECT DISTINCT p.dossier_id FROM payment p WHERE p.status = {q.param(PaymentStatus.SUCCEEDED.value)}
        ) paid ON paid.dossier_id = d.id
        WHERE {scope_filter(q, scope, "d", "submitted_at", "handling_centre_id")}
    """
    return (await q.rows(sql))[0]


async def _rating_figures(scope: Scope) -> dict:
    q = new_query()
    levels = {level: q.param(level.value) for level in RatingLevel}
    sql = f"""
        SELECT
            COUNT(*) AS ratings,
            COUNT(*) FILTER (WHERE r.level = {levels[RatingLevel.VERY_SATISFIED]}) AS very_satisfied,
            COUNT(*) FILTER (WHERE r.level = {levels[RatingLevel.SATISFIED]}) AS satisfied,
            COUNT(*) FILTER (WHERE r.level = {levels[RatingLevel.DISSATISFIED]}) AS dissatisfied,
            AVG(r.staff_attitude) AS staff_attitude,
            AVG(r.processing_time) AS processing_time,
            AVG(r.clarity) AS clarity,
            AVG(r.facilities) AS facilities
        FROM rating r
        WHERE {scope_filter(q, scope, "r", "created_at", "centre_id")}
    """
    return (await q.rows(sql))[0]
