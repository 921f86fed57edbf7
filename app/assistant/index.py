"""BM25 retrieval (bm25s) over the catalogue: names, sector, required documents and form questions.

A match is trusted only when it covers the question: each unit of meaning weighs as much as its rarest word the
catalogue knows (inverse document frequency), words the catalogue never uses weigh nothing ("bé nhà em"). The match
must also hold enough evidence (the weight it covers, at least a quarter of a word no procedure uses), so a question
of only very common words finds nothing. A question about a matter listed as handled elsewhere ("hộ chiếu", "căn
cước") finds nothing: the answer names who handles it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import bm25s
import numpy as np

from app.assistant.question import Unit, search_tokens, unit_tokens, units_of, with_bigrams
from app.assistant.spelling import Speller
from app.assistant.text import terms
from app.assistant.vocabulary import vocabulary

MIN_COVERAGE = 0.3
MIN_EVIDENCE = 0.25  # times the weight of a word no procedure uses: grows with the catalogue like every weight
CANDIDATES_PER_ANSWER = 3  # BM25's best `limit` times this are re-ordered so plain procedures precede variants
NAME_WEIGHT = 2  # the name counts twice: it says what the procedure is, documents say what it needs


@dataclass(frozen=True)
class CatalogueEntry:
    """What the index reads of one procedure."""

    id: int
    code: str
    name_vi: str
    name_en: str
    sector: str
    documents: tuple[str, ...]
    form_questions: tuple[str, ...]

    def tokens(self) -> list[str]:
        fields = [self.name_vi] * NAME_WEIGHT + [self.name_en, self.sector, *self.documents, *self.form_questions]
        return [token for field in fields for token in with_bigrams(terms(field))]


@dataclass(frozen=True)
class Match:
    """A procedure found for a question, with the units of the question it covers."""

    code: str
    score: float
    coverage: float
    matched: tuple[Unit, ...]


@dataclass(frozen=True)
class Retrieval:
    """What the question was read as, and the best matches (empty when none covers it well enough)."""

    units: tuple[Unit, ...]
    matches: tuple[Match, ...]


class ProcedureIndex:
    """An immutable index of one catalogue snapshot; build a new one when the catalogue changes."""

    def __init__(self, entries: Iterable[CatalogueEntry]) -> None:
        self._entries = list(entries)
        documents = [entry.tokens() for entry in self._entries]
        self._token_sets = [frozenset(tokens) for tokens in documents]
        self._name_words = [frozenset(terms(entry.name_vi)) for entry in self._entries]
        frequencies = Counter(token for tokens in self._token_sets for token in tokens)
        total = len(documents)
        self._idf = {token: _idf(total, count) for token, count in frequencies.items()}
        self._unknown_idf = _idf(total, 0)
        self._bm25 = bm25s.BM25()
        if documents:
            self._bm25.index(documents, show_progress=False)
        lists = vocabulary()
        known = {**dict.fromkeys(lists.known, 0), **{t: c for t, c in frequencies.items() if "_" not in t}}
        pairs = {t for t in frequencies if "_" in t} | {p for key in lists.phrases for p in with_bigrams(key)}
        self._spell = Speller(known, pairs)

    def search(self, question: str, limit: int = 3) -> Retrieval:
        """The procedures that answer `question`, best first, at most `limit`; none when not confident."""
        units = tuple(units_of(terms(question), vocabulary(), self._spell.correct))
        if not units or not self._entries or any(unit.elsewhere for unit in units):
            return Retrieval(units, ())
        scores = self._bm25.get_scores(search_tokens(list(units)))
        count = min(limit * CANDIDATES_PER_ANSWER, len(scores))
        best = [i for i in np.argpartition(-scores, count - 1)[:count] if scores[i] > 0]
        asked = {token for unit in units for token in unit_tokens(unit)[0]}
        matches = []
        ranked = sorted(best, key=lambda i: (self._unasked_variant(i, best, asked), -scores[i], self._entries[i].id))
        for position in ranked:
            if len(matches) == limit:
                break
            coverage, evidence, matched = self._coverage(units, self._token_sets[position])
            if coverage >= MIN_COVERAGE and evidence >= MIN_EVIDENCE * self._unknown_idf:
                entry = self._entries[position]
                matches.append(Match(entry.code, float(scores[position]), coverage, matched))
        return Retrieval(units, tuple(matches))

    def _unasked_variant(self, position: int, candidates: list[int], asked: set[str]) -> bool:
        """Whether the procedure is a variant of another candidate (its name that name plus words, e.g. "... lưu
        động") whose extra words the question does not use: the plain procedure answers such a question first."""
        words = self._name_words[position]
        return any(
            self._name_words[other] < words and not (words - self._name_words[other]) & asked
            for other in candidates
            if other != position
        )

    def _coverage(self, units: tuple[Unit, ...], document: frozenset[str]) -> tuple[float, float, tuple[Unit, ...]]:
        """Share of the question's weight the document holds, the weight it holds, and the units it holds."""
        total = found = 0.0
        matched = []
        for unit in units:
            tokens, weighed = unit_tokens(unit)
            weight = max((self._idf[token] for token in weighed if token in self._idf), default=0.0)
            held = [self._idf[token] for token in tokens & document]
            total += weight
            if held:
                found += min(weight, max(held))
                matched.append(unit)
        return (found / total if total else 0.0), found, tuple(matched)


def _idf(total: int, count: int) -> float:
    return math.log(1 + (total - count + 0.5) / (count + 0.5))
