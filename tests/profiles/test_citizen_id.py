"""The personal identification number: shape, province code, and agreement with birth year and sex."""

from datetime import date

import pytest

from app.errors import DomainError, ErrorCode
from app.profiles.attributes import check_consistency, clean_value
from app.profiles.citizen_id import agrees_with, birth_year_and_sex, is_valid_citizen_id
from app.profiles.models import AttributeName

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("022190001234", True),  # Quảng Ninh
        ("001203004567", True),  # Hà Nội, a man of the 2000s
        ("003190001234", False),  # no province 003
        ("02219000123", False),  # 11 digits
        ("02219000123A", False),
        ("０２２１９０００１２３４", False),  # full-width digits are not ASCII digits
    ],
)
def test_shape_and_province(number, valid):
    assert is_valid_citizen_id(number) is valid


def test_century_and_sex_digit():
    assert birth_year_and_sex("022190001234") == (1990, "female")
    assert birth_year_and_sex("022205001234") == (2005, "male")
    assert agrees_with("022190001234", date(1990, 4, 12), "female")
    assert not agrees_with("022190001234", date(1991, 4, 12), None)
    assert not agrees_with("022190001234", None, "male")


def test_a_number_contradicting_the_birth_date_is_refused():
    values = {AttributeName.CITIZEN_ID: "022190001234", AttributeName.DATE_OF_BIRTH: "2001-01-01"}
    with pytest.raises(DomainError) as caught:
        check_consistency(values)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID_CITIZEN_ID, "attributes.citizenId")


@pytest.mark.parametrize(
    ("name", "raw", "cleaned"),
    [
        (AttributeName.FULL_NAME, "  Nguyễn   Thị  Hoa ", "Nguyễn Thị Hoa"),
        (AttributeName.SEX, "Female", "female"),
        (AttributeName.DATE_OF_BIRTH, "1990-04-12", "1990-04-12"),
    ],
)
def test_values_are_cleaned(name, raw, cleaned):
    assert clean_value(name, raw, TODAY) == cleaned


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        (AttributeName.FULL_NAME, "   "),
        (AttributeName.SEX, "other"),
        (AttributeName.DATE_OF_BIRTH, "12/04/1990"),
        (AttributeName.DATE_OF_BIRTH, "2026-11-26"),  # tomorrow
        (AttributeName.PERMANENT_ADDRESS, "x" * 501),
    ],
)
def test_bad_values_are_refused_naming_the_attribute(name, raw):
    with pytest.raises(DomainError) as caught:
        clean_value(name, raw, TODAY)
    assert caught.value.code is ErrorCode.INVALID_PROFILE_VALUE and caught.value.field.startswith("attributes.")
