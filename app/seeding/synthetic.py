"""Synthetic volume for benchmarks: procedures and citizens that look real, made in bulk and reproducibly."""

from __future__ import annotations

import random

from app.accounts.models import Citizen, Locale
from app.catalogue.forms import APPLICANT_FIELDS
from app.catalogue.models import Centre, Procedure, ProcedureLevel
from app.catalogue.search import procedure_search_text

BATCH = 2000
SYNTHETIC_CODE_PREFIX = "9."
SECTORS = ["Hộ tịch", "Chứng thực", "Cư trú", "Đất đai", "Xây dựng", "Hộ kinh doanh", "Bảo trợ xã hội", "Giáo dục"]
ACTIONS = ["Cấp", "Cấp lại", "Đăng ký", "Điều chỉnh", "Gia hạn", "Xác nhận", "Thu hồi", "Chuyển đổi"]
OBJECTS = [
    "giấy phép kinh doanh",
    "giấy chứng nhận",
    "sổ hộ khẩu điện tử",
    "giấy phép xây dựng",
    "trợ cấp xã hội",
    "bản sao trích lục",
    "thông tin cư trú",
    "hợp đồng",
    "văn bằng",
    "giấy phép hoạt động",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Anh"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phương"]


async def create_synthetic_procedures(total: int, rng: random.Random) -> int:
    """Add synthetic procedures until the catalogue holds `total`; codes start with '9.' so they never clash."""
    existing = await Procedure.all().count()
    batch: list[Procedure] = []
    for number in range(existing, total):
        code = f"{SYNTHETIC_CODE_PREFIX}{number:06d}"
        name = f"Thủ tục {rng.choice(ACTIONS).lower()} {rng.choice(OBJECTS)} (mẫu {number})"
        sector = rng.choice(SECTORS)
        batch.append(
            Procedure(
                code=code,
                name_vi=name,
                name_en=f"Synthetic procedure {number}",
                sector=sector,
                level=ProcedureLevel.COMMUNE if rng.random() < 0.8 else ProcedureLevel.PROVINCIAL,
                fee_vnd=rng.choice([None, 0, 10000, 25000, 50000, 100000]),
                processing_days=rng.choice([None, 0, 1, 3, 5, 7, 10, 15]),
                borderless=rng.random() < 0.9,
                required_documents=["Tờ khai", "Giấy tờ tùy thân"],
                search_text=procedure_search_text(code, name, "", sector),
                form_fields=[field.as_json() for field in APPLICANT_FIELDS],
            )
        )
        if len(batch) >= BATCH:
            await Procedure.bulk_create(batch)
            batch.clear()
    if batch:
        await Procedure.bulk_create(batch)
    return max(0, total - existing)


async def create_synthetic_citizens(total: int, rng: random.Random) -> int:
    """Add `total` citizens with unique phones in the +84988xxxxxx range, resident at random centres."""
    centre_ids = await Centre.all().values_list("id", flat=True)
    start = await Citizen.filter(phone__startswith="+84988").count()
    batch: list[Citizen] = []
    for number in range(start, start + total):
        batch.append(
            Citizen(
                phone=f"+84988{number:06d}",
                full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                locale=Locale.VI if rng.random() < 0.97 else Locale.EN,
                residence_centre_id=rng.choice(centre_ids) if centre_ids else None,
            )
        )
        if len(batch) >= BATCH:
            await Citizen.bulk_create(batch)
            batch.clear()
    if batch:
        await Citizen.bulk_create(batch)
    return total
