"""The 12-digit personal identification number (số định danh cá nhân, printed on the CCCD card).

Its digits are a province code (3), a century-and-sex code (1), the last two digits of the birth year (2) and a
random serial (6), so a number can be checked on its own and against a date of birth and sex.
"""

from __future__ import annotations

import re
from datetime import date

_SHAPE = re.compile(r"^\d{12}$")
# Province (and centrally governed city) codes of the birth registration place, as issued since 2016.
_PROVINCE_DIGITS = (
    "001002004006008010011012014015017019020022024025026027030031033034035036037038040042044045046048049051052"
    "054056058060062064066067068070072074075077079080082083084086087089091092093094095096"
)
PROVINCE_CODES = frozenset(_PROVINCE_DIGITS[i : i + 3] for i in range(0, len(_PROVINCE_DIGITS), 3))
FIRST_CENTURY = 1900  # code 0 (male) and 1 (female) mean the 1900s, 2 and 3 the 2000s, and so on


def is_valid_citizen_id(number: str) -> bool:
    """Twelve digits starting with a known province code."""
    return bool(_SHAPE.match(number)) and number[:3] in PROVINCE_CODES


def birth_year_and_sex(number: str) -> tuple[int, str]:
    """The birth year and sex ("male" or "female") a valid number encodes."""
    code = int(number[3])
    return FIRST_CENTURY + 100 * (code // 2) + int(number[4:6]), ("male", "female")[code % 2]


def agrees_with(number: str, birth: date | None, sex: str | None) -> bool:
    """The number encodes this birth year and sex (each checked only when known)."""
    year, encoded_sex = birth_year_and_sex(number)
    return (birth is None or birth.year == year) and (sex is None or sex == encoded_sex)
