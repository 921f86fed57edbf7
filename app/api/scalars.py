"""Date and time scalars described for code generators: a description and `@specifiedBy` each (JSON has both)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition

SCALAR_OVERRIDES = {
    dt.date: dataclasses.replace(
        DateDefinition,
        description="A calendar date, `YYYY-MM-DD` (RFC 3339 full-date); a business day in Asia/Ho_Chi_Minh.",
        specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
    ),
    dt.datetime: dataclasses.replace(
        DateTimeDefinition,
        description="An instant with its UTC offset, e.g. `2026-12-01T09:30:00+07:00` (RFC 3339 date-time); "
        "an input without an offset is read as Vietnam time.",
        specified_by_url="https://scalars.graphql.org/andimarek/date-time",
    ),
}
