"""The assistant's words: folded (app.vietnamese) with the "i"/"y" spelling variants made one ("ký" = "kí")."""

from __future__ import annotations

import re

from app.vietnamese import words

_CONSONANTS_THEN_Y = re.compile(r"^([bcdghklmnpqrstvx]+)y$")


def terms(text: str) -> list[str]:
    """The folded words of `text`, with a final "y" after consonants read as "i": "ky"/"ki", "ly"/"li"."""
    return [_CONSONANTS_THEN_Y.sub(r"\1i", word) for word in words(text)]
