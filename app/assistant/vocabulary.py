"""The maintained lists (data/): everyday words with their administrative terms, question words, and matters
handled outside the catalogue.

Both are matched as folded phrases, longest first, so "nhận con nuôi" wins over "con" and "làm lại" over "làm".
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from app.assistant.text import terms


@dataclass(frozen=True)
class Phrase:
    """A phrase of the lists: `expansion` holds the administrative words it stands for (empty for question words),
    `elsewhere` who handles a matter outside the catalogue (vi, en)."""

    words: tuple[str, ...]
    expansion: tuple[str, ...] = ()
    elsewhere: tuple[str, str] | None = None


@dataclass(frozen=True)
class Vocabulary:
    """Every listed phrase by its folded words."""

    phrases: dict[tuple[str, ...], Phrase]
    longest: int
    known: frozenset[str]


def _text(name: str) -> str:
    return resources.files("app.assistant").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def vocabulary() -> Vocabulary:
    """The lists shipped in app/assistant/data, loaded once per process."""
    phrases: dict[tuple[str, ...], Phrase] = {}
    for line in _text("question_words.txt").splitlines():
        if line.strip() and not line.startswith("#"):
            key = tuple(terms(line))
            phrases[key] = Phrase(key)
    for row in csv.DictReader(io.StringIO(_text("everyday_terms.csv"))):
        key = tuple(terms(row["everyday"]))
        phrases[key] = Phrase(key, tuple(terms(row["administrative"])))
    for row in csv.DictReader(io.StringIO(_text("elsewhere.csv"))):
        key = tuple(terms(row["topic"]))
        phrases[key] = Phrase(key, elsewhere=(row["authority_vi"], row["authority_en"]))
    known = frozenset(word for key in phrases for word in key)
    return Vocabulary(phrases, max(len(key) for key in phrases), known)
