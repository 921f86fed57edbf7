"""Loading the province's real centres and procedures from the CSV files shipped with the package."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.catalogue.document_requirements import apply_document_requirements
from app.catalogue.forms import APPLICANT_FIELDS, BIRTH_FIELDS
from app.catalogue.models import Centre, CentreKind, Procedure, ProcedureLevel
from app.catalogue.search import procedure_search_text
from app.vietnamese import fold

M = TypeVar("M", bound=Model)
MORNING = ["07:30", "11:30"]
AFTERNOON = ["13:30", "17:00"]
WEEKDAYS = {str(day): [MORNING, AFTERNOON] for day in range(5)}
# Estimates for the demo: the provincial centre also opens on Saturday mornings and has more counters.
OPENING_HOURS = {CentreKind.PROVINCE: {**WEEKDAYS, "5": [["08:00", "11:30"]]}}
COUNTERS = {CentreKind.PROVINCE: 20, CentreKind.WARD: 4, CentreKind.COMMUNE: 3, CentreKind.SPECIAL_ZONE: 3}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("app.catalogue").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _optional_int(value: str) -> int | None:
    """A blank cell means unknown, never zero."""
    return int(value) if value.strip() else None


def form_for(name_vi: str) -> list:
    """The applicant's questions, plus the child's for birth registrations."""
    return APPLICANT_FIELDS + (BIRTH_FIELDS if "khai sinh" in name_vi else [])


async def _upsert_by_code(model: type[M], rows: dict[str, dict]) -> int:
    """Insert the rows whose code is new in one statement, update the others; returns how many rows."""
    existing = dict(await model.filter(code__in=list(rows)).values_list("code", "id"))
    async with in_transaction():
        await model.bulk_create([model(code=code, **values) for code, values in rows.items() if code not in existing])
        for code, row_id in existing.items():
            await model.filter(id=row_id).update(**rows[code])
    return len(rows)


def _centre_values(row: dict[str, str]) -> dict:
    kind = CentreKind(row["kind"])
    name = row["name_vi"]
    centre_name = name if kind is CentreKind.PROVINCE else f"Trung tâm Phục vụ hành chính công {name}"
    return {
        "name_vi": name,
        "name_folded": fold(name),
        "kind": kind,
        "former_area": row["former_area"],
        "address": f"{centre_name}, tỉnh Quảng Ninh",
        "latitude": float(row["latitude"]),
        "longitude": float(row["longitude"]),
        "is_island": row["island"] == "true",
        "opening_hours": OPENING_HOURS.get(kind, WEEKDAYS),
        "counters": COUNTERS[kind],
    }


def _procedure_values(row: dict[str, str]) -> dict:
    return {
        "name_vi": row["name_vi"],
        "name_en": row["name_en"],
        "sector": row["sector"],
        "level": ProcedureLevel(row["level"]),
        "fee_vnd": _optional_int(row["fee_vnd"]),
        "processing_days": _optional_int(row["processing_days"]),
        "borderless": row["borderless"] == "true",
        "required_documents": [d.strip() for d in row["required_documents"].split(";") if d.strip()],
        "search_text": procedure_search_text(row["code"], row["name_vi"], row["name_en"], row["sector"]),
        "form_fields": [field.as_json() for field in form_for(row["name_vi"])],
    }


async def load_centres() -> int:
    """Insert or update the 54 commune-level centres and the provincial centre; returns how many."""
    rows = _rows("quang_ninh_units.csv")
    return await _upsert_by_code(Centre, {row["code"]: _centre_values(row) for row in rows})


async def load_procedures() -> int:
    """Insert or update the real procedures with national codes; returns how many."""
    rows = _rows("procedures_sample.csv")
    loaded = await _upsert_by_code(Procedure, {row["code"]: _procedure_values(row) for row in rows})
    await apply_document_requirements()
    return loaded
