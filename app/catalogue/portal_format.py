"""One procedure record in the national portal's published format (the `LayThuTuc` answer), read into our values.

The field names are the portal's (README, "Catalogue import": where each comes from and which we had to choose).
`procedure_values` raises RecordRejected with a reason a person can act on; nothing here touches the database.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from app.catalogue.delegation_rules import delegation_values
from app.catalogue.document_requirements import MAX_KEY_LENGTH, summary_key, summary_requirement
from app.catalogue.forms import APPLICANT_FIELDS, BIRTH_FIELDS
from app.catalogue.models import ProcedureLevel
from app.catalogue.search import procedure_search_text
from app.vietnamese import fold

CODE = re.compile(r"^[0-9]\.[0-9]{6}$")
MAX_NAME = 500
MAX_SECTOR = 200
# Channels (KENH) as the portal numbers them: 1 direct, 2 online, 3 by post.
DIRECT_CHANNEL = 1
CHANNEL_NAMES = {1: "direct", 2: "online", 3: "post"}
DAY_UNITS = {"ngay", "ngay lam viec"}
PUBLISHED = 1  # TRANGTHAI: 1 published, anything else withdrawn
LEVELS = {"cap xa": ProcedureLevel.COMMUNE, "cap tinh": ProcedureLevel.PROVINCIAL}

# What a document entry gets when the portal record does not say (documented in the README).


class RecordRejected(ValueError):
    """The record cannot be imported; the message says why."""


@dataclass(frozen=True)
class PortalProcedure:
    """A record read: its national code, whether the portal still publishes it, and the values we store."""

    code: str
    published: bool
    values: dict


def _text(record: dict, name: str, limit: int, required: bool = True) -> str:
    value = record.get(name, "")
    if not isinstance(value, str):
        raise RecordRejected(f"{name} must be text")
    value = " ".join(value.split())
    if required and not value:
        raise RecordRejected(f"{name} is missing")
    if len(value) > limit:
        raise RecordRejected(f"{name} is longer than {limit} characters")
    return value


def _objects(record: dict, name: str) -> list[dict]:
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise RecordRejected(f"{name} must be a list of objects")
    return value


def _level(record: dict) -> ProcedureLevel:
    raw = record.get("CAPTHUCHIEN")
    names = raw if isinstance(raw, list) else [raw]
    levels = {LEVELS.get(fold(str(name)).strip()) for name in names if name}
    levels.discard(None)
    if not levels:
        raise RecordRejected(f"CAPTHUCHIEN {raw!r} is neither 'Cấp Xã' nor 'Cấp Tỉnh'")
    # A procedure both levels decide is offered at the commune centres.
    return ProcedureLevel.COMMUNE if ProcedureLevel.COMMUNE in levels else ProcedureLevel.PROVINCIAL


def _channels(record: dict) -> list[dict]:
    """CACHTHUCTHUCHIEN, the direct channel first."""
    channels = _objects(record, "CACHTHUCTHUCHIEN")
    for channel in channels:
        if channel.get("KENH") not in CHANNEL_NAMES:
            raise RecordRejected(f"CACHTHUCTHUCHIEN.KENH {channel.get('KENH')!r} is not 1, 2 or 3")
        _objects(channel, "THOIGIAN")
    return sorted(channels, key=lambda channel: channel["KENH"] != DIRECT_CHANNEL)


def _amount(fee: dict) -> int:
    amount = fee.get("SOTIEN")
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0 or amount != int(amount):
        raise RecordRejected(f"PHILEPHI.SOTIEN {amount!r} is not a whole number of dong")
    return int(amount)


def _fees(channels: list[dict]) -> list[dict]:
    return [
        {
            "channel": CHANNEL_NAMES[channel["KENH"]],
            "code": str(fee.get("MAPHILEPHI", "")),
            "amount_vnd": _amount(fee),
            "description": str(fee.get("MOTA", "")),
        }
        for channel in channels
        for timing in channel["THOIGIAN"]
        for fee in _objects(timing, "PHILEPHI")
    ]


def _fee_vnd(fees: list[dict]) -> int | None:
    """What one pays at the counter: the direct channel's fees added up (else the first channel's); unknown when the
    portal lists none, never read as free."""
    if not fees:
        return None
    channel = fees[0]["channel"]
    return sum(fee["amount_vnd"] for fee in fees if fee["channel"] == channel)


def _processing_days(channels: list[dict]) -> int | None:
    """The first statutory time of the direct channel (else the first channel) when counted in days."""
    for channel in channels:
        for timing in channel["THOIGIAN"]:
            days = timing.get("THOIGIANGIAIQUYET")
            unit = fold(str(timing.get("DONVITINH", ""))).strip()
            if days is None:
                return None
            if isinstance(days, bool) or not isinstance(days, int | float) or days < 0:
                raise RecordRejected(f"THOIGIAN.THOIGIANGIAIQUYET {days!r} is not a number of days")
            return int(days) if unit in DAY_UNITS and days == int(days) else None
    return None


def document_key(name: str, taken: set[str]) -> str:
    """A stable key from the document's name (`summary_key`), numbered when two names fold alike."""
    base = summary_key(name) or "giay_to"
    key, number = base, 2
    while key in taken:
        key, number = f"{base[: MAX_KEY_LENGTH - 3]}_{number}", number + 1
    taken.add(key)
    return key


def _documents(record: dict) -> tuple[list[dict], list[dict]]:
    """THANHPHANHOSO's documents (every case, once each by name) and the form templates among them."""
    documents: list[dict] = []
    forms: list[dict] = []
    keys: set[str] = set()
    seen: set[str] = set()
    for case in _objects(record, "THANHPHANHOSO"):
        for paper in _objects(case, "GIAYTO"):
            name = _text(paper, "TENGIAYTO", MAX_NAME)
            if name in seen:
                continue
            seen.add(name)
            key = document_key(name, keys)
            documents.append({**summary_requirement(name).as_json(), "key": key})
            form_name = _text(paper, "TENMAUDON", MAX_NAME, required=False)
            if form_name:
                forms.append({"document_key": key, "name": form_name, "url": str(paper.get("URL", ""))})
    return documents, forms


def _agency(record: dict) -> str:
    names = [_text(agency, "TENDONVI", MAX_NAME) for agency in _objects(record, "COQUANTHUCHIEN")]
    return "; ".join(names)[:MAX_NAME]


def _borderless(record: dict) -> bool:
    value = record.get("PHIDIAGIOI", False)
    if value not in (True, False, 0, 1):
        raise RecordRejected("PHIDIAGIOI must be true or false")
    return bool(value)


@functools.cache
def _form_json(birth: bool) -> list[dict]:
    """The online form: the applicant's questions, plus the child's for birth registrations. Computed once per
    kind (thousands of records share two forms): never mutate it."""
    return [field.as_json() for field in APPLICANT_FIELDS + (BIRTH_FIELDS if birth else [])]


def procedure_values(record: object) -> PortalProcedure:
    """Read one portal record; RecordRejected says what is wrong with it."""
    if not isinstance(record, dict):
        raise RecordRejected("a record must be a JSON object")
    code = _text(record, "MATTHC", 32)
    if not CODE.match(code):
        raise RecordRejected(f"MATTHC {code!r} is not a national code such as 1.001193")
    name_vi = _text(record, "TENTTHC", MAX_NAME)
    name_en = _text(record, "TENTTHC_EN", MAX_NAME, required=False)
    sectors = _objects(record, "LINHVUCTHUCHIEN")
    if not sectors:
        raise RecordRejected("LINHVUCTHUCHIEN is missing")
    sector = _text(sectors[0], "TENLINHVUC", MAX_SECTOR)
    channels = _channels(record)
    fees = _fees(channels)
    documents, forms = _documents(record)
    values = {
        "name_vi": name_vi,
        "name_en": name_en,
        "sector": sector,
        "sector_code": _text(sectors[0], "MALINHVUC", 32, required=False),
        "agency": _agency(record),
        "level": _level(record),
        "fees": fees,
        "fee_vnd": _fee_vnd(fees),
        "processing_days": _processing_days(channels),
        "borderless": _borderless(record),
        "required_documents": documents,
        "forms": forms,
        "form_fields": _form_json("khai sinh" in name_vi),
        "search_text": procedure_search_text(code, name_vi, name_en, sector),
        **delegation_values(code),
    }
    return PortalProcedure(code=code, published=record.get("TRANGTHAI", PUBLISHED) == PUBLISHED, values=values)
