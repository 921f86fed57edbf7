"""Demo data: the province's real centres and procedures, demo staff and demo citizens."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import Citizen, StaffMember, StaffRole
from app.accounts.passwords import hash_password
from app.catalogue.demo_data import load_centres, load_procedures
from app.catalogue.models import Centre

DEMO_PASSWORD = "demo-password-2026"
PROVINCIAL_CENTRE = "QN-TTPVHCC-TINH"
# (email, full name, role, centre code); Hạ Long, Bãi Cháy and the Cô Tô special zone, plus a provincial admin.
DEMO_STAFF = [
    ("admin@demo.quangninh.gov.vn", "Nguyễn Văn Quản", StaffRole.ADMIN, None),
    ("manager.tinh@demo.quangninh.gov.vn", "Trần Thị Lan", StaffRole.MANAGER, PROVINCIAL_CENTRE),
    ("officer.tinh@demo.quangninh.gov.vn", "Lê Minh Đức", StaffRole.OFFICER, PROVINCIAL_CENTRE),
    ("manager.halong@demo.quangninh.gov.vn", "Phạm Thu Hà", StaffRole.MANAGER, "06688"),
    ("officer.halong@demo.quangninh.gov.vn", "Vũ Đình Nam", StaffRole.OFFICER, "06688"),
    ("officer.baichay@demo.quangninh.gov.vn", "Hoàng Thị Mai", StaffRole.OFFICER, "06673"),
    ("officer.coto@demo.quangninh.gov.vn", "Đặng Văn Hải", StaffRole.OFFICER, "07192"),
]
# (phone, full name, locale, centre code of registered residence)
DEMO_CITIZENS = [
    ("+84912000001", "Nguyễn Thị Hoa", "vi", "06688"),
    ("+84912000002", "Trần Văn Bình", "vi", "06673"),
    ("+84912000003", "Lê Anh Tuấn", "en", "07192"),
]


@dataclass(frozen=True)
class DemoSummary:
    """What was loaded and how to sign in with it."""

    centres: int
    procedures: int
    staff: list[tuple[str, str, str]]
    citizens: list[tuple[str, str]]


async def load_demo() -> DemoSummary:
    """Idempotently load the real catalogue and the demo accounts."""
    centres = await load_centres()
    procedures = await load_procedures()
    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role, centre_code in DEMO_STAFF:
        centre = await Centre.get(code=centre_code) if centre_code else None
        await StaffMember.update_or_create(
            email=email,
            defaults={"full_name": name, "role": role, "centre": centre, "password_hash": password_hash},
        )
    for phone, name, locale, centre_code in DEMO_CITIZENS:
        centre = await Centre.get(code=centre_code)
        await Citizen.update_or_create(
            phone=phone, defaults={"full_name": name, "locale": locale, "residence_centre": centre}
        )
    return DemoSummary(
        centres=centres,
        procedures=procedures,
        staff=[(email, role.value, centre or "province") for email, _, role, centre in DEMO_STAFF],
        citizens=[(phone, name) for phone, name, _, _ in DEMO_CITIZENS],
    )
