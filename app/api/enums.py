"""Domain enums exposed in the schema, each value described for the mobile team."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

from app.accounts.models import Locale, StaffRole
from app.catalogue.models import CentreKind, ProcedureLevel

E = TypeVar("E", bound=type[Enum])


def described_enum(enum: E, name: str, description: str, values: dict[Enum, str]) -> E:
    """Register `enum` with strawberry under `name`, with a description for the type and every value."""
    missing = set(enum) - set(values)
    if missing:
        raise ValueError(f"{name}: undescribed values {sorted(m.name for m in missing)}")
    strawberry.enum(enum, name=name, description=description)
    for definition in enum.__strawberry_definition__.values:  # type: ignore[attr-defined]
        definition.description = values[enum(definition.value)]
    return enum


described_enum(
    Locale,
    "Locale",
    "Language of messages and notifications.",
    {Locale.VI: "Vietnamese (default).", Locale.EN: "English."},
)
described_enum(
    StaffRole,
    "StaffRole",
    "What a staff member may do.",
    {
        StaffRole.OFFICER: "Receives and processes dossiers at one centre.",
        StaffRole.MANAGER: "Runs one centre: capacity, closures, answers to ratings, refunds.",
        StaffRole.ADMIN: "Provincial administrator: sees every centre.",
    },
)
described_enum(
    CentreKind,
    "CentreKind",
    "Administrative kind of the unit a centre serves.",
    {
        CentreKind.WARD: "Phường (urban ward).",
        CentreKind.COMMUNE: "Xã (rural commune).",
        CentreKind.SPECIAL_ZONE: "Đặc khu (special zone: Vân Đồn, Cô Tô).",
        CentreKind.PROVINCE: "The provincial public administration service centre.",
    },
)
described_enum(
    ProcedureLevel,
    "ProcedureLevel",
    "Level of government that decides a procedure.",
    {
        ProcedureLevel.COMMUNE: "Decided by the commune-level People's Committee.",
        ProcedureLevel.PROVINCIAL: "Decided by a provincial department; filed at the provincial centre.",
    },
)
