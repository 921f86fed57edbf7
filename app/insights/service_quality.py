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

The province and a centre read the daily roll-ups (`app/insights/rollup.py`, refreshed first), a procedure reads
the source rows through its index; both use the same measures (`app/insights/measures.py`). Open overdue dossiers
depend on the clock and are always counted live.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from app.insights.measures import (
    CRITERIA,
    DOSSIER_COLUMNS,
    RATING_COLUMNS,
    dossier_measures,
    open_overdue,
    paid_join,
    rating_measures,
)
from app.insights.rollup import refresh
from app.insights.sql import Query, Scope, date_filter, new_query, ratio, scope_filter

SATISFACTION_TARGET = 0.99
ON_TIME_TARGET = 0.995
SECONDS_PER_DAY = 86400


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


async def service_quality(scope: Scope, now: datetime, live: bool | None = None) -> ServiceQuality:
    """The figures of `scope`; `live` forces reading the source rows (default: only for a procedure)."""
    if live is None:
        live = scope.procedure_id is not None
    if not live:
        await refresh(now)
    dossiers, ratings, open_late = await asyncio.gather(
        _dossier_figures(scope, live), _rating_figures(scope, live), _open_overdue(scope, now)
    )
    dossiers = {name: int(dossiers[name] or 0) for name in DOSSIER_COLUMNS}
    ratings = {name: int(ratings[name] or 0) for name in RATING_COLUMNS}
    timed, with_time = dossiers["timed"], dossiers["with_working_time"]
    return ServiceQuality(
        dossiers=dossiers["dossiers"],
        online_rate=ratio(dossiers["online"], dossiers["dossiers"]),
        timed_dossiers=timed,
        on_time_rate=ratio(dossiers["on_time"], timed),
        early_rate=ratio(dossiers["early"], timed),
        overdue_count=dossiers["finished_late"] + open_late,
        fee_dossiers=dossiers["fee_dossiers"],
        cashless_rate=ratio(dossiers["cashless"], dossiers["fee_dossiers"]),
        average_working_days=dossiers["working_seconds"] / with_time / SECONDS_PER_DAY if with_time else None,
        ratings=ratings["ratings"],
        very_satisfied=ratings["very_satisfied"],
        satisfied=ratings["satisfied"],
        dissatisfied=ratings["dissatisfied"],
        satisfaction_index=ratio(ratings["very_satisfied"] + ratings["satisfied"], ratings["ratings"]),
        criteria={name: ratio(ratings[f"{name}_sum"], ratings[f"{name}_count"]) for name in CRITERIA},
    )


def _rollup_sums(q: Query, table: str, columns: tuple[str, ...], scope: Scope) -> str:
    conditions = [date_filter(q, scope.period, "day")]
    if scope.centre_id is not None:
        conditions.append(f"centre_id = {q.param(scope.centre_id)}")
    sums = ", ".join(f"SUM({name}) AS {name}" for name in columns)
    return f"SELECT {sums} FROM {table} WHERE {' AND '.join(conditions)}"


async def _dossier_figures(scope: Scope, live: bool) -> dict:
    q = new_query()
    if not live:
        return (await q.rows(_rollup_sums(q, "dossier_day", DOSSIER_COLUMNS, scope)))[0]
    sql = f"""
        SELECT {dossier_measures(q)}
        FROM dossier d {paid_join(q)}
        WHERE {scope_filter(q, scope, "d", "submitted_at", "handling_centre_id")}
    """
    return (await q.rows(sql))[0]


async def _rating_figures(scope: Scope, live: bool) -> dict:
    q = new_query()
    if not live:
        return (await q.rows(_rollup_sums(q, "rating_day", RATING_COLUMNS, scope)))[0]
    sql = f"""
        SELECT {rating_measures(q)}
        FROM rating r
        WHERE {scope_filter(q, scope, "r", "created_at", "centre_id")}
    """
    return (await q.rows(sql))[0]


async def _open_overdue(scope: Scope, now: datetime) -> int:
    q = new_query()
    sql = f"""
        SELECT COUNT(*) AS n FROM dossier d
        WHERE {open_overdue(q, now)} AND {scope_filter(q, scope, "d", "submitted_at", "handling_centre_id")}
    """
    return (await q.rows(sql))[0]["n"]
