"""Appointments, the per-slot booking counters that guard capacity, closures and capacity overrides."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.delegation.fields import delegate_field


class AppointmentStatus(StrEnum):
    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"
    CHECKED_IN = "CHECKED_IN"
    NO_SHOW = "NO_SHOW"


class BookingUpdateKind(StrEnum):
    """What happened to a booking, as the centre's live feed tells it."""

    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"
    RESCHEDULED = "RESCHEDULED"
    CHECKED_IN = "CHECKED_IN"
    NO_SHOW = "NO_SHOW"


class Appointment(Model):
    """A citizen's booked visit to a centre for one procedure, at one slot."""

    id = fields.IntField(primary_key=True)
    ticket = fields.CharField(max_length=8, unique=True, description="Short code shown and scanned at the centre")
    citizen = fields.ForeignKeyField("models.Citizen", related_name="appointments", on_delete=fields.RESTRICT)
    centre = fields.ForeignKeyField("models.Centre", related_name="appointments", on_delete=fields.RESTRICT)
    procedure = fields.ForeignKeyField("models.Procedure", related_name="appointments", on_delete=fields.RESTRICT)
    dossier = fields.ForeignKeyField(
        "models.Dossier", related_name="appointments", null=True, on_delete=fields.SET_NULL
    )
    starts_at = fields.DatetimeField(description="Slot start, UTC")
    local_day = fields.DateField(description="Slot date in Asia/Ho_Chi_Minh, for staff lists")
    active_day = fields.DateField(
        null=True, description="The local date while BOOKED or CHECKED_IN, else null: unique per citizen and procedure"
    )
    status = fields.CharEnumField(AppointmentStatus, max_length=12, default=AppointmentStatus.BOOKED)
    checked_in_at = fields.DatetimeField(null=True)
    acted_by = delegate_field("appointments_for_others")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "appointment"
        indexes = (("centre_id", "local_day"), ("citizen_id", "starts_at"))
        unique_together = (("citizen", "procedure", "active_day"),)


class SlotCounter(Model):
    """How many places of one slot are taken: claimed only by a conditional UPDATE, never read-then-written."""

    id = fields.IntField(primary_key=True)
    centre = fields.ForeignKeyField("models.Centre", related_name="slot_counters", on_delete=fields.CASCADE)
    starts_at = fields.DatetimeField(description="Slot start, UTC")
    booked = fields.IntField(default=0, description="Places taken by BOOKED or CHECKED_IN appointments")

    class Meta:
        table = "slot_counter"
        unique_together = (("centre", "starts_at"),)


class CentreClosure(Model):
    """A day a centre manager closed the centre for appointments."""

    id = fields.IntField(primary_key=True)
    centre = fields.ForeignKeyField("models.Centre", related_name="closures", on_delete=fields.CASCADE)
    day = fields.DateField(description="Closed date in Asia/Ho_Chi_Minh")
    reason = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "centre_closure"
        unique_together = (("centre", "day"),)


class SlotCapacity(Model):
    """A manager's override of the places per slot (default: counters times appointments per counter)."""

    id = fields.IntField(primary_key=True)
    centre = fields.OneToOneField("models.Centre", related_name="slot_capacity", on_delete=fields.CASCADE)
    per_slot = fields.SmallIntField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "slot_capacity"
