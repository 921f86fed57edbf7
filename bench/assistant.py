"""Benchmark and evaluation: the assistant's retrieval against the catalogue's plain name search, in the same run.

The questions (bench/assistant_questions.csv) are written as citizens write them: with and without diacritics,
typos, colloquial words, English. Each names the procedure codes a good answer names; an empty `expected` means the
question must be declined. Every third question (rows 3, 6, 9...) is held out: the word lists were tuned on the
others only, and the held-out figures show how far that tuning carries.

Reported for the assistant (`Assistant.ask`, conversation store and all) and for the baseline
(`procedures(search:)`'s `ranked_procedure_ids`, which declines when nothing holds every word): top-1 and top-3
accuracy on answerable questions, the share of must-decline questions declined, and p95 latency per question, on the
full-size catalogue (the real procedures plus 2,069 synthetic ones).
Run: .venv/bin/python bench/assistant.py [--synthetic 2069] [--rounds 3]
Uses a throwaway SQLite database, or DATABASE_URL=postgres://... (a scratch database: it is filled with test rows).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

from tortoise import connections

from app.assistant.catalogue_index import CatalogueIndex
from app.assistant.conversations import DatabaseConversations
from app.assistant.service import Assistant
from app.catalogue.demo_data import load_procedures
from app.catalogue.models import Procedure
from app.catalogue.search import ranked_procedure_ids, search_words
from app.clock import system_clock
from app.db import apply_migrations
from app.main import create_app
from app.seeding.synthetic import create_synthetic_procedures
from app.settings import Settings

QUESTIONS = Path(__file__).with_name("assistant_questions.csv")
HELD_OUT_EVERY = 3


@dataclass(frozen=True)
class Question:
    text: str
    expected: frozenset[str]
    held_out: bool


def questions() -> list[Question]:
    with QUESTIONS.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return [
        Question(row["question"], frozenset(row["expected"].split()), position % HELD_OUT_EVERY == HELD_OUT_EVERY - 1)
        for position, row in enumerate(rows)
    ]


@dataclass
class Scores:
    top1: int = 0
    top3: int = 0
    answerable: int = 0
    declined: int = 0
    must_decline: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, question: Question, codes: list[str]) -> None:
        if question.expected:
            self.answerable += 1
            self.top1 += bool(codes) and codes[0] in question.expected
            hit = any(code in question.expected for code in codes[:3])
            self.top3 += hit
        else:
            self.must_decline += 1
            self.declined += not codes
            hit = not codes
        if not hit:
            self.misses.append(
                f"{question.text!r}: expected {' '.join(sorted(question.expected)) or 'a decline'}, "
                f"got {' '.join(codes) or 'a decline'}"
            )

    def line(self) -> str:
        return (
            f"top-1 {self.top1 / self.answerable:6.1%}  top-3 {self.top3 / self.answerable:6.1%}  "
            f"declined {self.declined}/{self.must_decline} ({self.declined / self.must_decline:.0%})"
        )


Ranker = Callable[[str], Awaitable[list[str]]]


async def evaluate(rank: Ranker, items: list[Question], rounds: int) -> tuple[dict[str, Scores], float]:
    """Scores for all, tuned and held-out questions, and the p95 latency in ms over `rounds` passes."""
    scores = {"all": Scores(), "tuned": Scores(), "held-out": Scores()}
    latencies = []
    for round_number in range(rounds):
        for question in items:
            begin = time.perf_counter()
            codes = await rank(question.text)
            latencies.append((time.perf_counter() - begin) * 1000)
            if round_number == 0:
                for name in ("all", "held-out" if question.held_out else "tuned"):
                    scores[name].add(question, codes)
    latencies.sort()
    return scores, latencies[int(0.95 * (len(latencies) - 1))]


async def run(synthetic: int, rounds: int, url: str, show_misses: bool) -> None:
    settings = Settings(app_env="test", database_url=url, run_scheduler=False)
    await apply_migrations(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        real = await load_procedures()
        await create_synthetic_procedures(real + synthetic, random.Random(18))
        if connections.get("default").capabilities.dialect == "postgres":
            await connections.get("default").execute_script("ANALYZE")
        count = await Procedure.all().count()
        assistant = Assistant(CatalogueIndex(system_clock), DatabaseConversations(), "1022", system_clock)
        build = time.perf_counter()
        await assistant.index.current()
        build_ms = (time.perf_counter() - build) * 1000

        async def ask(text: str) -> list[str]:
            answer = await assistant.ask(text, None, None, "vi")
            return [found.procedure.code for found in answer.procedures]

        async def plain_search(text: str) -> list[str]:
            ids = (await ranked_procedure_ids(Procedure.all(), search_words(text)))[:3]
            codes = dict(await Procedure.filter(id__in=ids).values_list("id", "code"))
            return [codes[i] for i in ids]

        items = questions()
        answerable = sum(bool(q.expected) for q in items)
        print(
            f"catalogue: {count} procedures ({real} real); {len(items)} questions, {answerable} answerable, "
            f"{len(items) - answerable} must be declined, {sum(q.held_out for q in items)} held out; "
            f"index built in {build_ms:.0f} ms"
        )
        results = {}
        for name, rank in (("assistant", ask), ("plain search", plain_search)):
            results[name] = await evaluate(rank, items, rounds)
            scores, p95 = results[name]
            for split, score in scores.items():
                print(f"{name:13} {split:9} {score.line()}")
            print(f"{name:13} p95 latency {p95:.1f} ms")
            if show_misses and name == "assistant":
                print("\n".join(f"  missed {miss}" for miss in scores["all"].misses))
        ours, base = results["assistant"][0]["all"], results["plain search"][0]["all"]
        print(
            f"ratio assistant/plain search: top-3 {ours.top3 / max(base.top3, 1):.1f}x, "
            f"top-1 {ours.top1 / max(base.top1, 1):.1f}x, p95 latency "
            f"{results['assistant'][1] / results['plain search'][1]:.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=2069)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--show-misses", action="store_true", help="List the questions the assistant gets wrong.")
    args = parser.parse_args()
    if url := os.environ.get("DATABASE_URL"):
        asyncio.run(run(args.synthetic, args.rounds, url, args.show_misses))
        return
    with tempfile.TemporaryDirectory(prefix="qn-bench-") as folder:
        url = f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        asyncio.run(run(args.synthetic, args.rounds, url, args.show_misses))


if __name__ == "__main__":
    main()
