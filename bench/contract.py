"""Benchmark of the mobile contract, on a throwaway SQLite database with the demo catalogue.

1. A small query (`Me`, anonymous: no database work) sent as text and by `documentId`, in the same run, straight
   into the ASGI app (no HTTP client in the way): the text with the server's caches warm (the same text each
   time), the text cold (a new text each time, e.g. app builds differing in whitespace), and by id (the document
   parsed and validated once, at startup). Reported as microseconds per request and as ratios to the warm text.
2. The document stage alone (what a trusted document skips): parse and validate a new text, the caches' lookups
   for a known text, and the manifest lookup, in microseconds per call.
3. Bytes on the wire for five of the app's most used screens: the request (query text against `documentId`) and
   the answer uncompressed and with gzip, brotli and zstd.

Run: .venv/bin/python bench/contract.py [--requests 3000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

import httpx
from graphql import parse, validate
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from app.api.schema import CACHE_SIZE, build_schema
from app.api.trusted_documents import MANIFEST_PATH
from app.db import apply_migrations
from app.main import create_app
from app.seeding.demo import load_demo
from app.settings import Settings

MANIFEST = {entry["name"]: entry for entry in json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["operations"]}
SMALL = "Me"


async def asgi_post(app, body: bytes) -> int:
    """POST /graphql straight into the ASGI app; the response status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def per_request_us(app, bodies, requests: int) -> float:
    begin = time.perf_counter()
    for i in range(requests):
        assert await asgi_post(app, bodies(i)) == 200
    return (time.perf_counter() - begin) / requests * 1e6


async def text_against_id(app, requests: int, rounds: int) -> None:
    text = MANIFEST[SMALL]["body"]
    warm = json.dumps({"query": text}).encode()
    by_id = json.dumps({"documentId": MANIFEST[SMALL]["id"]}).encode()
    fresh = itertools.count()  # never repeats across rounds: the server's caches hold 1,024 texts
    cases = {
        "text, caches warm": lambda i: warm,
        "text, caches cold (a new text each time)": lambda i: json.dumps(
            {"query": f"{text}\n# {next(fresh)}"}
        ).encode(),
        "documentId": lambda i: by_id,
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for bodies in cases.values():  # warm-up
        await per_request_us(app, bodies, 200)
    for _ in range(rounds):  # interleaved, so drift hits every case alike
        for name, bodies in cases.items():
            samples[name].append(await per_request_us(app, bodies, requests))
    base = statistics.median(samples["text, caches warm"])
    print(f"1. `{SMALL}` ({len(text)} characters), {requests} requests x {rounds} rounds, median per request:")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"   {name:44} {median:8.1f} us   {median / base:5.2f}x the warm text")


def document_stage(settings: Settings, calls: int, rounds: int) -> None:
    schema = build_schema(settings)
    trusted = schema.trusted_documents
    rules = trusted.rules
    text, id_ = MANIFEST[SMALL]["body"], MANIFEST[SMALL]["id"]
    parse_cached, validate_cached = _get_parse_cache(CACHE_SIZE), _get_validate_cache(CACHE_SIZE)

    def cold(i: int) -> None:
        validate(schema._schema, parse(f"{text}\n# {i}"), rules)

    def warm(i: int) -> None:
        validate_cached(schema._schema, parse_cached(text), rules)

    def by_id(i: int) -> None:
        trusted.get(id_)

    steps = {"parse + validate a new text": cold, "known text: cache lookups": warm, "by id": by_id}
    print(f"2. the document stage of `{SMALL}`, {rounds} rounds of {calls} calls each, median per call:")
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for round_ in range(rounds):  # interleaved, like 1.
        for name, step in steps.items():
            step(-1)
            begin = time.perf_counter()
            for i in range(calls):
                step(round_ * calls + i)
            samples[name].append((time.perf_counter() - begin) / calls * 1e6)
    timings = {name: statistics.median(values) for name, values in samples.items()}
    base = timings["known text: cache lookups"]
    for name, micros in timings.items():
        print(f"   {name:44} {micros:8.2f} us   {micros / base:6.3f}x the cached text")


async def wire_bytes(app) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://bench") as http:
        procedure = await http.post("/graphql", json={"query": "{ procedures(first: 1) { edges { node { code } } } }"})
        code = procedure.json()["data"]["procedures"]["edges"][0]["node"]["code"]
        screens = {
            "ProcedureList": {"first": 20},
            "ProcedureDetail": {"code": code},
            "CentreList": {"first": 20},
            "NearestCentres": {
                "near": {"coordinates": {"latitude": 20.95, "longitude": 107.07}},
                "procedureCode": code,
            },
            "ServiceQuality": {},
        }
        print("3. bytes on the wire (request: POST body; answer: body as sent, with Accept-Encoding as shown)")
        print(f"   {'operation':16} {'req text':>9} {'req id':>7} {'answer':>8} {'gzip':>7} {'br':>7} {'zstd':>7}")
        for name, variables in screens.items():
            as_text = json.dumps({"query": MANIFEST[name]["body"], "variables": variables})
            as_id = json.dumps({"documentId": MANIFEST[name]["id"], "variables": variables})
            sizes = []
            for encoding in ("identity", "gzip", "br", "zstd"):
                answer = await http.post(
                    "/graphql", content=as_id, headers={"Content-Type": "application/json", "Accept-Encoding": encoding}
                )
                assert answer.status_code == 200 and "errors" not in answer.json(), (name, answer.text[:300])
                sizes.append(int(answer.headers["content-length"]))
            plain = sizes[0]
            cells = " ".join(f"{size:>7}" for size in sizes[1:])
            ratios = " ".join(f"{size / plain:.2f}" for size in sizes[1:])
            print(f"   {name:16} {len(as_text):>9} {len(as_id):>7} {plain:>8} {cells}   (x {ratios})")


async def main(requests: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(app_env="test", database_url=f"sqlite://{scratch}/bench.sqlite3", run_scheduler=False)
        await apply_migrations(settings)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            await load_demo()
            await text_against_id(app, requests, rounds)
            document_stage(settings, requests // 10, rounds)
            await wire_bytes(app)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.rounds))
