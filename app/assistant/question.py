"""Reading a question into units of meaning: listed phrases (with their administrative words) and single words."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from app.assistant.vocabulary import Vocabulary


@dataclass(frozen=True)
class Unit:
    """One thing the citizen said: `said` as typed (folded, spelling fixed), and for an everyday phrase of the
    maintained list the administrative words it stands for (`expansion`)."""

    said: tuple[str, ...]
    expansion: tuple[str, ...] = ()
    elsewhere: tuple[str, str] | None = None

    @property
    def means(self) -> tuple[str, ...]:
        """The words searched for."""
        return (*self.expansion, *self.said)

    @property
    def weighed(self) -> tuple[str, ...]:
        """The words whose rarity gives the unit its weight: the administrative ones when listed."""
        return self.expansion or self.said


def with_bigrams(sequence: list[str] | tuple[str, ...]) -> list[str]:
    """The words and each pair of neighbours ("khai_sinh"): Vietnamese terms are mostly two syllables."""
    return [*sequence, *(f"{a}_{b}" for a, b in itertools.pairwise(sequence))]


def units_of(folded: list[str], vocabulary: Vocabulary, spell: Callable[[list[str]], list[str]]) -> list[Unit]:
    """The content units of a question's folded words (spelling fixed by `spell`); question words are dropped."""
    known = spell(folded)
    units: list[Unit] = []
    start = 0
    while start < len(known):
        for length in range(min(vocabulary.longest, len(known) - start), 0, -1):
            phrase = vocabulary.phrases.get(tuple(known[start : start + length]))
            if phrase is not None:
                if phrase.expansion or phrase.elsewhere:
                    units.append(Unit(phrase.words, phrase.expansion, phrase.elsewhere))
                start += length
                break
        else:
            units.append(Unit((known[start],)))
            start += 1
    return units


def search_tokens(units: list[Unit]) -> list[str]:
    """What BM25 looks up: every searched word, and the pairs within and across neighbouring units."""
    return with_bigrams([word for unit in units for word in unit.means])


def unit_tokens(unit: Unit) -> tuple[set[str], set[str]]:
    """The tokens that show a procedure matches this unit, and those that weigh it."""
    return set(with_bigrams(unit.means)), set(with_bigrams(unit.weighed))
