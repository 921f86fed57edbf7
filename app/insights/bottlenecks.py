"""Where dossiers get stuck: procedures and centres ranked by overdue rate and by time spent in each status,
procedures rarely used, and procedures often sent back for more documents.

All over dossiers submitted in the period; rankings use SQL window functions and skip groups smaller than
`min_dossiers` so that one late dossier of a rare procedure does not top the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.dossiers.models import DossierStatus
from app.insights.sql import Scope, new_query, overdue_condition, scope_filter

DEFAULT_MIN_DOSSIERS = 5


class Grouping(StrEnum):
    """What a ranking compares."""

    PROCEDURE = "PROCEDURE"
    CENTRE = "CENTRE"


GROUP_COLUMNS = {Grouping.PROCEDURE: "d.procedure_id", Grouping.CENTRE: "d.handling_centre_id"}


@dataclass(frozen=True)
class OverdueRank:
    """A procedure's or centre's overdue rate among its dossiers with a due date."""

    rank: int
    group_id: int
    dossiers: int
    overdue: int
    overdue_rate: float


@dataclass(frozen=True)
class StatusDwell:
    """Mean hours a procedure's or centre's dossiers spent in one status before leaving it."""

    rank: int
    group_id: int
    status: DossierStatus
    spans: int
    average_hours: float


@dataclass(frozen=True)
class ProcedureUse:
    """How often a procedure was filed, and how often its dossiers were sent back for documents."""

    procedure_id: int
    dossiers: int
    supplement_requests: int
    supplement_rate: float | None


async def overdue_ranking(
    scope: Scope, grouping: Grouping, limit: int, min_dossiers: int = DEFAULT_MIN_DOSSIERS, *, now: datetime
) -> list[OverdueRank]:
    """Groups by overdue rate, worst first (finished late or open past due, among dossiers with a due date)."""
    q = new_query()
    group = GROUP_COLUMNS[grouping]
    sql = f"""
        WITH grouped AS (
            SELECT {group} AS group_id, COUNT(*) AS dossiers,
                COUNT(*) FILTER (WHERE {overdue_condition(q, now)}) AS overdue
            FROM dossier d
            WHERE d.due_at IS NOT NULL AND {scope_filter(q, scope, "d", "submitted_at", "handling_centre_id")}
            GROUP BY {group}
            HAVING COUNT(*) >= {q.param(min_dossiers)}
        )
        SELECT group_id, dossiers, overdue, overdue * 1.0 / dossiers AS overdue_rate,
            RANK() OVER (ORDER BY overdue * 1.0 / dossiers DESC) AS rank
        FROM grouped
        ORDER BY rank, group_id
        LIMIT {q.param(limit)}
    """
    return [
        OverdueRank(row["rank"], row["group_id"], row["dossiers"], row["overdue"], float(row["overdue_rate"]))
        for row in await q.rows(sql)
    ]


async def status_dwell_ranking(
    scope: Scope, grouping: Grouping, limit: int, min_dossiers: int = DEFAULT_MIN_DOSSIERS
) -> list[StatusDwell]:
    """(group, status) pairs by mean hours (to 2 decimals) spent in the status, longest first.

    A span runs from the event entering a status to the next event of the same dossier (LEAD over the timeline);
    the status a dossier is in now has no end yet and is left out.
    """
    q = new_query()
    group = GROUP_COLUMNS[grouping]
    sql = f"""
        WITH spans AS (
            SELECT {group} AS group_id, e.to_status AS status, e.created_at AS entered_at,
                LEAD(e.created_at) OVER (PARTITION BY e.dossier_id ORDER BY e.created_at, e.id) AS left_at
            FROM dossier_event e
            JOIN dossier d ON d.id = e.dossier_id
            WHERE {scope_filter(q, scope, "d", "submitted_at", "handling_centre_id")}
        ), dwell AS (
            SELECT group_id, status, COUNT(*) AS spans,
                ROUND(CAST(AVG({q.seconds_between("entered_at", "left_at")}) / 3600.0 AS NUMERIC), 2) AS average_hours
            FROM spans
            WHERE left_at IS NOT NULL
            GROUP BY group_id, status
            HAVING COUNT(*) >= {q.param(min_dossiers)}
        )
        SELECT group_id, status, spans, average_hours, RANK() OVER (ORDER BY average_hours DESC) AS rank
        FROM dwell
        ORDER BY rank, group_id, status
        LIMIT {q.param(limit)}
    """
    return [
        StatusDwell(
            row["rank"], row["group_id"], DossierStatus(row["status"]), row["spans"], float(row["average_hours"])
        )
        for row in await q.rows(sql)
    ]


async def procedure_use(
    scope: Scope, limit: int, *, rarest: bool, min_dossiers: int = DEFAULT_MIN_DOSSIERS
) -> list[ProcedureUse]:
    """Procedures least filed (`rarest`, including never), or most often sent back for documents."""
    q = new_query()
    sent_back = q.param(DossierStatus.SUPPLEMENT_REQUESTED.value)
    in_scope = scope_filter(q, scope, "d", "submitted_at", "handling_centre_id")
    order = "dossiers ASC, procedure_id" if rarest else "supplement_rate DESC, dossiers DESC, procedure_id"
    having = "" if rarest else f"WHERE dossiers >= {q.param(min_dossiers)}"
    procedure_filter = f"WHERE p.id = {q.param(scope.procedure_id)}" if scope.procedure_id is not None else ""
    sql = f"""
        WITH used AS (
            SELECT d.procedure_id, COUNT(*) AS dossiers,
                SUM(CASE WHEN EXISTS (
                    SELECT 1 FROM dossier_event e WHERE e.dossier_id = d.id AND e.to_status = {sent_back}
                ) THEN 1 ELSE 0 END) AS sent_back
            FROM dossier d
            WHERE {in_scope}
            GROUP BY d.procedure_id
        ), ranked AS (
            SELECT p.id AS procedure_id, COALESCE(used.dossiers, 0) AS dossiers,
                COALESCE(used.sent_back, 0) AS supplement_requests,
                CASE WHEN used.dossiers > 0 THEN used.sent_back * 1.0 / used.dossiers END AS supplement_rate
            FROM "procedure" p
            LEFT JOIN used ON used.procedure_id = p.id
            {procedure_filter}
        )
        SELECT * FROM ranked {having}
        ORDER BY {order}
        LIMIT {q.param(limit)}
    """
    return [
        ProcedureUse(
            row["procedure_id"],
            row["dossiers"],
            row["supplement_requests"],
            float(row["supplement_rate"]) if row["supplement_rate"] is not None else None,
        )
        for row in await q.rows(sql)
    ]
