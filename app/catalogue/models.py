"""Catalogue models: service centres and administrative procedures."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CentreKind(StrEnum):
    """Administrative kind of the unit a centre serves."""

    WARD = "ward"
    COMMUNE = "commune"
    SPECIAL_ZONE = "special_zone"
    PROVINCE = "province"


class ProcedureLevel(StrEnum):
    """Which level of government decides the procedure."""

    COMMUNE = "commune"
    PROVINCIAL = "provincial"


class DelegationRule(StrEnum):
    """Whether a procedure may be done through a delegate (README, "Acting for someone")."""

    ALLOWED = "allowed"
    IN_PERSON_ONLY = "in_person_only"
    NOTARISED_AUTHORISATION_REQUIRED = "notarised_authorisation"


class Centre(Model):
    """A public administration service centre (one per commune-level unit, plus the provincial centre)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True, description="Official unit code")
    name_vi = fields.CharField(max_length=200)
    name_folded = fields.CharField(max_length=200, description="Name without diacritics, for search")
    kind = fields.CharEnumField(CentreKind, max_length=16, db_index=True)
    former_area = fields.CharField(max_length=200, default="")
    address = fields.CharField(max_length=300, default="")
    latitude = fields.FloatField()
    longitude = fields.FloatField()
    is_island = fields.BooleanField(default=False)
    phone = fields.CharField(max_length=20, default="")
    opening_hours = fields.JSONField(description="Weekday (0=Monday) to a list of [start, end] 'HH:MM' pairs")
    counters = fields.SmallIntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "centre"
        ordering = ["id"]


def localised_name(name_vi: str, name_en: str, locale: str) -> str:
    """The English name when English is asked for and a translation exists, else the Vietnamese one."""
    return name_en if locale == "en" and name_en else name_vi


def names_by_locale(name_vi: str, name_en: str) -> dict[str, str]:
    """{"vi": ..., "en": ...}: a name for a text that follows its reader's language."""
    return {locale: localised_name(name_vi, name_en, locale) for locale in ("vi", "en")}


class Procedure(Model):
    """An administrative procedure from the national catalogue."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True, description="National procedure code, e.g. 1.001193")
    name_vi = fields.CharField(max_length=500)
    name_en = fields.CharField(max_length=500, default="")
    sector = fields.CharField(max_length=200, db_index=True)
    sector_code = fields.CharField(max_length=32, default="", description="National sector code (MALINHVUC)")
    agency = fields.CharField(max_length=500, default="", description="Deciding agencies, as the portal names them")
    level = fields.CharEnumField(ProcedureLevel, max_length=16, db_index=True)
    fee_vnd = fields.BigIntField(null=True, description="Fee in dong, NULL when unknown (never read as free)")
    processing_days = fields.SmallIntField(null=True, description="Statutory working days, NULL when unknown")
    fees = fields.JSONField(default=list, description="Every fee the portal lists, per channel, in dong")
    borderless = fields.BooleanField(default=False, db_index=True)
    required_documents = fields.JSONField(default=list)
    forms = fields.JSONField(default=list, description="Form templates to fill in: name and address")
    withdrawn_at = fields.DatetimeField(
        null=True, description="When the national catalogue stopped publishing it (hidden from search)"
    )
    form_fields = fields.JSONField(default=list, description="Questions of the online form (see catalogue.forms)")
    delegation = fields.CharEnumField(
        DelegationRule,
        max_length=24,
        default=DelegationRule.ALLOWED,
        db_default=DelegationRule.ALLOWED.value,  # procedures stored before this column existed
        description="Whether a delegate may do it (catalogue/data/delegation_rules.json)",
    )
    delegation_reason = fields.JSONField(
        default=dict, db_default={}, description="Why delegation is restricted, as {vi, en}, empty when allowed"
    )
    search_text = fields.TextField(description="Folded code, names and sector, for accent-insensitive search")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(null=True, description="When an import last changed it")

    class Meta:
        table = "procedure"
        ordering = ["id"]
