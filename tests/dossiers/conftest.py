"""Fixtures for dossier tests: a citizen of Phường Hạ Long, staff there and elsewhere, and a submitted dossier."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.accounts.models import Citizen, StaffMember, StaffRole
from app.catalogue.models import Centre
from app.dossiers.models import Dossier

HA_LONG = "06688"
BAI_CHAY = "06673"
BORDERLESS_5_DAYS = "1.004746"  # Thủ tục đăng ký lại kết hôn: borderless, 5 working days
RESIDENCE_BOUND = "1.001193"  # Thủ tục đăng ký khai sinh: residence-bound, same day
APPLICANT = {
    "applicantName": "Nguyễn Thị Hoa",
    "citizenId": "022190001234",
    "contactPhone": "0912345678",
    "address": "Phường Hạ Long, Quảng Ninh",
}


@dataclass
class Cast:
    citizen: Citizen
    officer: StaffMember
    other_centre_officer: StaffMember
    ha_long: Centre
    bai_chay: Centre


@pytest.fixture
async def cast(catalogue) -> Cast:
    ha_long = await Centre.get(code=HA_LONG)
    bai_chay = await Centre.get(code=BAI_CHAY)
    citizen = await Citizen.create(phone="+84912345678", full_name="Nguyễn Thị Hoa", residence_centre=ha_long)
    officer = await StaffMember.create(email="o@halong.vn", password_hash="x", role=StaffRole.OFFICER, centre=ha_long)
    other = await StaffMember.create(email="o@baichay.vn", password_hash="x", role=StaffRole.OFFICER, centre=bai_chay)
    return Cast(citizen, officer, other, ha_long, bai_chay)


@pytest.fixture
async def dossier(app, cast: Cast) -> Dossier:
    """A borderless dossier filed online at Phường Hạ Long, awaiting intake."""
    service = app.state.services.dossiers
    return await service.submit(cast.citizen.id, BORDERLESS_5_DAYS, cast.ha_long.id, APPLICANT)
