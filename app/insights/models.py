"""Daily roll-ups of the service-quality figures per handling centre, refreshed incrementally from the source rows.

Only what stays true as time passes is rolled up. Whether an open dossier is overdue depends on the clock, so that
one figure is always counted live.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class DossierDay(Model):
    """Figures of the dossiers submitted on one local date and handled by one centre."""

    id = fields.BigIntField(primary_key=True)
    day = fields.DateField(description="Local submission date")
    centre = fields.ForeignKeyField("models.Centre", related_name="dossier_days", on_delete=fields.CASCADE)
    dossiers = fields.IntField()
    online = fields.IntField()
    timed = fields.IntField(description="Finished with a result or stopped, with a due date")
    on_time = fields.IntField()
    early = fields.IntField()
    finished_late = fields.IntField()
    fee_dossiers = fields.IntField(description="With a fee and a result")
    cashless = fields.IntField(description="Of those, with a succeeded payment")
    working_seconds = fields.BigIntField(description="Sum over dossiers with a result")
    with_working_time = fields.IntField()

    class Meta:
        table = "dossier_day"
        unique_together = (("day", "centre"),)


class RatingDay(Model):
    """Ratings given on one local date about one centre's dossiers, with score sums for the averages."""

    id = fields.BigIntField(primary_key=True)
    day = fields.DateField(description="Local date the rating was given")
    centre = fields.ForeignKeyField("models.Centre", related_name="rating_days", on_delete=fields.CASCADE)
    ratings = fields.IntField()
    very_satisfied = fields.IntField()
    satisfied = fields.IntField()
    dissatisfied = fields.IntField()
    staff_attitude_sum = fields.IntField()
    staff_attitude_count = fields.IntField()
    processing_time_sum = fields.IntField()
    processing_time_count = fields.IntField()
    clarity_sum = fields.IntField()
    clarity_count = fields.IntField()
    facilities_sum = fields.IntField()
    facilities_count = fields.IntField()

    class Meta:
        table = "rating_day"
        unique_together = (("day", "centre"),)


class RollupState(Model):
    """The single row recording how far the roll-ups are refreshed and who is refreshing them."""

    id = fields.IntField(primary_key=True)
    refreshed_until = fields.DatetimeField(null=True, description="Changes before this moment are rolled up")
    refreshing_since = fields.DatetimeField(null=True, description="A refresh claimed at this moment is running")

    class Meta:
        table = "rollup_state"
