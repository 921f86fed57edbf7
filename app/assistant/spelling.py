"""Fixing one typo per word against the words the catalogue and the lists know (symmetric delete, distance 1).

A fix is only made when it makes sense next to a neighbour: the fixed word must form a pair the catalogue or the
lists contain ("khia sinh" -> "khai sinh"), so ordinary words the catalogue lacks ("40 tuổi") stay as they are.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

MIN_LENGTH = 3  # shorter syllables have too many neighbours to guess from


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _distance_one(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or adjacent swap turns `a` into `b`."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]])
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


class Speller:
    """Fixes words unknown to `frequencies` when a known word one edit away pairs with a neighbour."""

    def __init__(self, frequencies: Mapping[str, int], pairs: Collection[str]) -> None:
        self._frequencies = frequencies
        self._pairs = pairs
        self._by_variant: dict[str, set[str]] = {}
        for word in frequencies:
            if len(word) >= MIN_LENGTH and word.isalpha():
                for variant in {word, *_deletes(word)}:
                    self._by_variant.setdefault(variant, set()).add(word)

    def correct(self, sequence: list[str]) -> list[str]:
        """`sequence` with each fixable word fixed."""
        fixed = list(sequence)
        for position, word in enumerate(sequence):
            if word in self._frequencies or len(word) < MIN_LENGTH or not word.isalpha():
                continue
            before = sequence[position - 1] if position else ""
            after = sequence[position + 1] if position + 1 < len(sequence) else ""
            fits = [
                candidate
                for candidate in self._candidates(word)
                if f"{before}_{candidate}" in self._pairs or f"{candidate}_{after}" in self._pairs
            ]
            if fits:
                fixed[position] = max(sorted(fits), key=lambda candidate: self._frequencies[candidate])
        return fixed

    def _candidates(self, word: str) -> set[str]:
        found: set[str] = set()
        for variant in {word, *_deletes(word)}:
            found |= self._by_variant.get(variant, set())
        return {candidate for candidate in found if _distance_one(word, candidate)}
