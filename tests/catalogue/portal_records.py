"""Procedure records in the national portal's format (the `LayThuTuc` answer), synthetic, for import tests."""

from __future__ import annotations

import json
from pathlib import Path

SECTORS = [("G01", "Hộ tịch"), ("G02", "Chứng thực"), ("G03", "Đất đai"), ("G04", "Hộ kinh doanh")]


def portal_record(number: int, **overrides: object) -> dict:
    """A valid record with the national code 9.<number>, varied in level, fee and documents."""
    sector_code, sector = SECTORS[number % len(SECTORS)]
    record = {
        "MATTHC": f"9.{number:06d}",
        "TENTTHC": f"Thủ tục tổng hợp số {number}",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": sector_code, "TENLINHVUC": sector}],
        "CAPTHUCHIEN": "Cấp Xã" if number % 3 else "Cấp Tỉnh",
        "COQUANTHUCHIEN": [{"MADONVI": "000.00.00.H46", "TENDONVI": "Ủy ban nhân dân cấp xã"}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": 2,
                "THOIGIAN": [{"THOIGIANGIAIQUYET": 3, "DONVITINH": "Ngày làm việc", "MOTA": "", "PHILEPHI": []}],
            },
            {
                "KENH": 1,
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": 5,
                        "DONVITINH": "Ngày làm việc",
                        "MOTA": "",
                        "PHILEPHI": [{"MAPHILEPHI": "LP", "SOTIEN": 1000 * (number % 7), "DONVI": "Đồng", "MOTA": ""}],
                    }
                ],
            },
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {
                        "MAGIAYTO": "TK",
                        "TENGIAYTO": "Tờ khai (theo mẫu)",
                        "TENMAUDON": "Mẫu tờ khai",
                        "URL": "https://x",
                    },
                    {"MAGIAYTO": "CC", "TENGIAYTO": "Giấy tờ tùy thân", "TENMAUDON": "", "URL": ""},
                ],
            }
        ],
        "PHIDIAGIOI": number % 2 == 0,
        "TRANGTHAI": 1,
    }
    record.update(overrides)
    return record


def write_jsonl(path: Path, lines: list[object]) -> Path:
    """One record a line; a str is written as the raw line (to make broken lines)."""
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path
