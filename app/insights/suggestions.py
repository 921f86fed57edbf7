"""Procedures a citizen may need next, from what other citizens filed after the same procedures.

For each procedure in the citizen's history (the source), count the other citizens who filed it and later filed
another procedure (the target); the share of the source's citizens who did is the confidence. A target the citizen
already filed is skipped, each target keeps its best source (ROW_NUMBER), and pairs seen for fewer than
`MIN_CITIZENS` citizens are dropped as noise (and so as not to reveal individual histories).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.insights.sql import new_query

MIN_CITIZENS = 3
REASONS = {
    "vi": "{share}% người đã làm thủ tục «{source}» làm tiếp thủ tục này.",
    "en": "{share}% of people who did «{source}» did this one next.",
}


@dataclass(frozen=True)
class Suggestion:
    procedure_id: int
    source_procedure_id: int
    citizens: int
    share: float

    def reason(self, locale: str, source_name: str) -> str:
        """Why it is suggested, in `locale` (vi or en)."""
        template = REASONS.get(locale, REASONS["vi"])
        return template.format(share=round(self.share * 100), source=source_name)


async def suggested_procedures(citizen_id: int, limit: int, min_citizens: int = MIN_CITIZENS) -> list[Suggestion]:
    q = new_query()
    me = q.param(citizen_id)
    sql = f"""
        WITH mine AS (
            SELECT DISTINCT procedure_id FROM dossier WHERE citizen_id = {me}
        ), sources AS (
            SELECT procedure_id AS source, COUNT(DISTINCT citizen_id) AS citizens
            FROM dossier
            WHERE procedure_id IN (SELECT procedure_id FROM mine) AND citizen_id <> {me}
            GROUP BY procedure_id
        ), pairs AS (
            SELECT a.procedure_id AS source, b.procedure_id AS target, COUNT(DISTINCT a.citizen_id) AS citizens
            FROM dossier a
            JOIN dossier b ON b.citizen_id = a.citizen_id AND b.submitted_at > a.submitted_at
            WHERE a.procedure_id IN (SELECT procedure_id FROM mine) AND a.citizen_id <> {me}
                AND b.procedure_id NOT IN (SELECT procedure_id FROM mine)
            GROUP BY a.procedure_id, b.procedure_id
            HAVING COUNT(DISTINCT a.citizen_id) >= {q.param(min_citizens)}
        ), ranked AS (
            SELECT p.target, p.source, p.citizens, p.citizens * 1.0 / s.citizens AS share,
                ROW_NUMBER() OVER (
                    PARTITION BY p.target ORDER BY p.citizens * 1.0 / s.citizens DESC, p.citizens DESC, p.source
                ) AS best
            FROM pairs p
            JOIN sources s ON s.source = p.source
        )
        SELECT target, source, citizens, share FROM ranked
        WHERE best = 1
        ORDER BY share DESC, citizens DESC, target
        LIMIT {q.param(limit)}
    """
    return [Suggestion(row["target"], row["source"], row["citizens"], float(row["share"])) for row in await q.rows(sql)]
