"""Accent-insensitive procedure search, ranked by relevance."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.catalogue.models import Procedure
from app.vietnamese import fold, words

MAX_SEARCH_WORDS = 64  # the longest procedure name has 59 words: pasting any name still works


class TooManySearchWords(ValueError):
    """The search has more than MAX_SEARCH_WORDS words."""


def published_procedures() -> QuerySet[Procedure]:
    """The procedures the national catalogue still publishes: withdrawn ones stay for their dossiers, unlisted."""
    return Procedure.filter(withdrawn_at__isnull=True)


def procedure_search_text(code: str, name_vi: str, name_en: str, sector: str) -> str:
    """The folded text a procedure is searched by."""
    return " ".join(words(f"{code} {name_vi} {name_en} {sector}"))


def search_words(search: str) -> list[str]:
    """The folded words of `search`; TooManySearchWords beyond MAX_SEARCH_WORDS words."""
    found = words(search)
    if len(found) > MAX_SEARCH_WORDS:
        raise TooManySearchWords(f"more than {MAX_SEARCH_WORDS} words")
    return found


def relevance(query_words: list[str], code: str, name_vi: str) -> tuple[int, int]:
    """Sort key, best first: exact code, whole phrase in the name, most query words in the name, shorter name."""
    name_words = words(name_vi)
    phrase = " ".join(query_words)
    folded_name = " ".join(name_words)
    score = 0
    if fold(code) == phrase:
        score += 1000
    if f" {phrase} " in f" {folded_name} ":
        score += 100
        if folded_name.removeprefix("thu tuc ").startswith(phrase):
            score += 50
    score += 10 * len(set(query_words).intersection(name_words))
    return (-score, len(name_words))


async def ranked_procedure_ids(queryset: QuerySet[Procedure], query_words: list[str]) -> list[int]:
    """Ids of the procedures in `queryset` whose text holds every one of `query_words`, best match first.

    One flat condition (one `LIKE` per distinct word, in a single filter), so the cost grows with the number of
    words, not with its square.
    """
    every_word = Q(*(Q(search_text__contains=word) for word in dict.fromkeys(query_words)))
    rows = await queryset.filter(every_word).values_list("id", "code", "name_vi")
    rows.sort(key=lambda row: (*relevance(query_words, row[1], row[2]), row[0]))
    return [row[0] for row in rows]
