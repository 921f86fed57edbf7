"""The portal's request bodies for a dossier: its record (DongBoHoSoMC) and one step of its progress
(CapNhatTienDoHoSoMC), with the portal's field names, status codes and dates (README, "Sync to the national
portal": where each name comes from)."""

from __future__ import annotations

from datetime import datetime

from app.accounts.models import StaffMember
from app.dossiers.lifecycle import PORTAL_CODES, STATUS_LABELS
from app.dossiers.models import ActorKind, Dossier, DossierEvent, DossierStatus
from app.working_days import LOCAL_TZ

RECORD = "DongBoHoSoMC"
PROGRESS = "CapNhatTienDoHoSoMC"
LOOKUP = "TraCuuHoSo"
PORTAL_TIME = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss in Asia/Ho_Chi_Minh
HANDLERS = {ActorKind.CITIZEN: "Công dân", ActorKind.SYSTEM: "Hệ thống"}


def portal_time(moment: datetime | None) -> str:
    """A moment as the portal writes it; blank when unknown."""
    return moment.astimezone(LOCAL_TZ).strftime(PORTAL_TIME) if moment is not None else ""


def dossier_record(dossier: Dossier, updating: bool) -> dict:
    """The DongBoHoSoMC body for the dossier as it stands (procedure, handling centre and citizen fetched)."""
    procedure = dossier.procedure
    returned = dossier.status is DossierStatus.RETURNED
    record = {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name_vi,
        "MaLinhVuc": procedure.sector_code,
        "TenLinhVuc": procedure.sector,
        "ChuHoSo": dossier.citizen.full_name,
        "LoaiDoiTuong": "1",
        "TrichYeuHoSo": procedure.name_vi,
        "NgayTiepNhan": portal_time(dossier.received_at or dossier.submitted_at),
        "NgayHenTra": portal_time(dossier.due_at),
        "TrangThaiHoSo": PORTAL_CODES[dossier.status],
        "NgayTra": portal_time(dossier.updated_at if returned else None),
        "HinhThuc": "0",
        "NgayKetThucXuLy": portal_time(dossier.finished_at),
        "DonViXuLy": dossier.handling_centre.name_vi,
    }
    return {"service": RECORD, "isUpdating": "True" if updating else "False", "data": [record]}


async def progress_step(dossier: Dossier, event: DossierEvent) -> dict:
    """The CapNhatTienDoHoSoMC body for one transition of the timeline."""
    handler = HANDLERS.get(event.actor_kind, "")
    if event.actor_kind is ActorKind.STAFF and event.actor_id is not None:
        staff = await StaffMember.get_or_none(id=event.actor_id)
        handler = staff.full_name or staff.email if staff else ""
    step = {
        "MaHoSo": dossier.code,
        "NguoiXuLy": handler,
        "ThoiDiemXuLy": portal_time(event.created_at),
        "NoiDungXuLy": event.note or STATUS_LABELS[event.to_status][0],
        "TrangThai": PORTAL_CODES[event.to_status],
        "NgayKetThucTheoQuyDinh": portal_time(dossier.due_at),
    }
    return {"service": PROGRESS, "data": [step]}
