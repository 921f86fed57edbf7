"""Accent-insensitive folding of Vietnamese text, for search and matching."""

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9.]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map "đ" to "d": "Đăng ký khai sinh" -> "dang ky khai sinh"."""
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def words(text: str) -> list[str]:
    """The folded words of `text`, punctuation dropped (dots kept, for codes such as 1.001193)."""
    return [w.strip(".") for w in _WORD.findall(fold(text)) if w.strip(".")]
