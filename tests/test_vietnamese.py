"""Accent-insensitive folding of Vietnamese text and splitting it into words."""

from __future__ import annotations

import unicodedata

import pytest

from app.vietnamese import fold, words

# Each vowel with no tone and the five tone marks: ngang, huyền, sắc, hỏi, ngã, nặng.
TONED_VOWELS = {
    "a": ["aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ"],
    "e": ["eèéẻẽẹ", "êềếểễệ"],
    "i": ["iìíỉĩị"],
    "o": ["oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ"],
    "u": ["uùúủũụ", "ưừứửữự"],
    "y": ["yỳýỷỹỵ"],
}


def test_fold_turns_a_vietnamese_name_into_plain_lower_case():
    assert fold("Thủ tục Đăng ký khai sinh") == "thu tuc dang ky khai sinh"


@pytest.mark.parametrize("text", ["đ", "Đ", "ĐƯỜNG", "đường"])
def test_d_with_stroke_folds_to_d(text):
    assert fold(text).startswith("d")
    assert "đ" not in fold(text) and "Đ" not in fold(text)


def test_d_with_stroke_inside_words():
    assert fold("Đất đai, Đặc khu Vân Đồn") == "dat dai, dac khu van don"


@pytest.mark.parametrize(("plain", "series"), [(plain, s) for plain, group in TONED_VOWELS.items() for s in group])
def test_every_tone_mark_and_vowel_mark_is_removed(plain, series):
    assert len(series) == 6
    assert fold(series) == plain * 6
    assert fold(series.upper()) == plain * 6


def test_decomposed_text_folds_like_composed_text():
    text = "Hòa giải tranh chấp đất đai"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert fold(decomposed) == fold(text) == "hoa giai tranh chap dat dai"


def test_old_and_new_tone_placement_fold_the_same():
    assert fold("Hải Hoà") == fold("Hải Hòa") == "hai hoa"
    assert fold("thuỷ") == fold("thủy") == "thuy"


def test_fold_keeps_digits_and_punctuation():
    assert fold("1.001193") == "1.001193"
    assert fold("Cấp, cấp lại (địa phương)") == "cap, cap lai (dia phuong)"


def test_words_splits_on_spaces_and_punctuation():
    assert words("Cấp, cấp lại Giấy phép (địa phương); land-use/ownership") == [
        "cap",
        "cap",
        "lai",
        "giay",
        "phep",
        "dia",
        "phuong",
        "land",
        "use",
        "ownership",
    ]


def test_words_keeps_the_dots_inside_procedure_codes():
    assert words("1.001193") == ["1.001193"]
    assert words("Mã thủ tục: 1.001193.") == ["ma", "thu", "tuc", "1.001193"]
    assert words("2.000635, 1.004222") == ["2.000635", "1.004222"]


def test_words_keeps_numbers():
    assert words("trước ngày 01 tháng 7 năm 2004") == ["truoc", "ngay", "01", "thang", "7", "nam", "2004"]


@pytest.mark.parametrize("text", ["", "   ", "!!!", "... ; ,", "—–"])
def test_words_of_text_without_letters_or_digits_is_empty(text):
    assert words(text) == []


def test_words_are_folded_and_collapse_extra_spaces():
    assert words("  ĐĂNG   KÝ\tKẾT\nHÔN  ") == ["dang", "ky", "ket", "hon"]
