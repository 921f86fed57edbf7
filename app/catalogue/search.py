"""Accent-insensitive procedure search, ranked by relevance."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from app.catalogue.models import Procedure
from app.vietnamese import fold, words


def procedure_search_text(code: str, name_vi: str, name_en: str, sector: str) -> str:
    """The folded text a procedure is searched by."""
    return " ".join(words(f"{code} {name_vi} {name_en} {sector}"))


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
    score += 10 * sum(1 for word in query_words if word in name_words)
    return (-score, len(name_words))


async def ranked_procedure_ids(queryset: QuerySet[Procedure], search: str) -> list[int]:
    """Ids of the procedures in `queryset` whose text holds every word of `search`, best match first."""
    query_words = words(search)
    for word in query_words:
        queryset = queryset.filter(search_text__contains=word)
    rows = await queryset.values_list("id", "code", "name_vi")
    rows.sort(key=lambda row: (*relevance(query_words, row[1], row[2]), row[0]))
    return [row[0] for row in rows]
