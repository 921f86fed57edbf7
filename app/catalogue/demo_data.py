"""Loading the province's real centres and procedures from the CSV files shipped with the package."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.catalogue.document_requirements import apply_document_requirements
from app.catalogue.importer import import_procedures
from app.catalogue.models import Centre, CentreKind
from app.clock import Clock, system_clock
from app.vietnamese import fold

M = TypeVar("M", bound=Model)
MORNING = ["07:30", "11:30"]
AFTERNOON = ["13:30", "17:00"]
WEEKDAYS = {str(day): [MORNING, AFTERNOON] for day in range(5)}
# Estimates for the demo: the provincial centre also opens on Saturday mornings and has more counters.
OPENING_HOURS = {CentreKind.PROVINCE: {**WEEKDAYS, "5": [["08:00", "11:30"]]}}
LEVEL_NAMES = {"commune": "Cấp Xã", "provincial": "Cấp Tỉnh"}
COUNTERS = {CentreKind.PROVINCE: 20, CentreKind.WARD: 4, CentreKind.COMMUNE: 3, CentreKind.SPECIAL_ZONE: 3}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("app.catalogue").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


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


def portal_record(row: dict[str, str]) -> dict:
    """A demo CSV row as the national portal publishes a procedure, for the same importer as the real catalogue."""
    fee = row["fee_vnd"].strip()
    days = row["processing_days"].strip()
    timing: dict = {"THOIGIANGIAIQUYET": int(days) if days else None, "DONVITINH": "Ngày làm việc" if days else ""}
    if fee:
        timing["PHILEPHI"] = [{"MAPHILEPHI": "", "SOTIEN": int(fee), "DONVI": "Đồng", "MOTA": ""}]
    documents = [{"TENGIAYTO": name.strip()} for name in row["required_documents"].split(";") if name.strip()]
    return {
        "MATTHC": row["code"],
        "TENTTHC": row["name_vi"],
        "TENTTHC_EN": row["name_en"],
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": row["sector"]}],
        "CAPTHUCHIEN": LEVEL_NAMES[row["level"]],
        "CACHTHUCTHUCHIEN": [{"KENH": 1, "THOIGIAN": [timing] if days or fee else []}],
        "THANHPHANHOSO": [{"TRUONGHOP": "", "GIAYTO": documents}],
        "PHIDIAGIOI": row["borderless"] == "true",
        "TRANGTHAI": 1,
    }


async def load_centres() -> int:
    """Insert or update the 54 commune-level centres and the provincial centre; returns how many."""
    rows = _rows("quang_ninh_units.csv")
    return await _upsert_by_code(Centre, {row["code"]: _centre_values(row) for row in rows})


async def load_procedures(clock: Clock = system_clock) -> int:
    """Insert or update the real procedures with national codes through the catalogue importer; returns how many."""
    rows = _rows("procedures_sample.csv")
    records = ((line, portal_record(row)) for line, row in enumerate(rows, start=2))
    report = await import_procedures(records, clock(), complete=False)
    if report.rejected:
        raise ValueError(f"demo procedures rejected: {report.rejected}")
    await apply_document_requirements()
    return len(rows)
