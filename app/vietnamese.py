"""Accent-insensitive folding of Vietnamese text, for search and matching."""

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9.]+")


def strip_diacritics(text: str) -> str:
    """Drop tone and vowel marks and map "đ"/"Đ" to "d"/"D", keeping case: "Hồ sơ Đã" -> "Ho so Da"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(text: str) -> str:
    """Lower-case and strip diacritics: "Đăng ký khai sinh" -> "dang ky khai sinh"."""
    return strip_diacritics(text.lower())


def words(text: str) -> list[str]:
    """The folded words of `text`, punctuation dropped (dots kept, for codes such as 1.001193)."""
    return [w.strip(".") for w in _WORD.findall(fold(text)) if w.strip(".")]
