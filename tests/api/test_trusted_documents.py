"""Trusted documents by `documentId`, automatic persisted queries, and the trusted-only mode of production."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.api.operations import app_operations
from app.api.trusted_documents import MANIFEST_PATH, document_id, manifest_text
from app.container import build_services
from app.main import create_app
from app.persisted_queries import MemoryQueryStore, RedisQueryStore
from tests.servers import redis_server

MANIFEST = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
IDS = {entry["name"]: entry["id"] for entry in MANIFEST["operations"]}
BODIES = {entry["name"]: entry["body"] for entry in MANIFEST["operations"]}
AD_HOC = "{ sectors { name } }"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def apq(text: str | None, digest: str) -> dict:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if text is not None:
        body["query"] = text
    return body


def test_the_manifest_is_built_from_the_app_documents_and_up_to_date():
    assert MANIFEST_PATH.read_text(encoding="utf-8") == manifest_text(), "run `python -m app export-schema`"
    assert set(IDS) == set(app_operations())
    for entry in MANIFEST["operations"]:
        assert entry["id"] == "sha256:" + sha256(entry["body"]) == document_id(entry["body"])
        assert entry["type"] in ("query", "mutation", "subscription")


async def test_an_operation_by_document_id_answers_like_its_text(client, catalogue):
    by_text = await client.post("/graphql", json={"query": BODIES["Sectors"]})
    by_id = await client.post("/graphql", json={"documentId": IDS["Sectors"]})
    by_get = await client.get("/graphql", params={"documentId": IDS["Sectors"]})
    assert by_text.status_code == by_id.status_code == by_get.status_code == 200
    assert by_id.json() == by_get.json() == by_text.json() and by_id.json()["data"]["sectors"]


async def test_variables_and_errors_work_by_document_id(client, catalogue):
    body = {"documentId": IDS["ProcedureDetail"], "variables": {"code": "x" * 33}}
    refused = (await client.post("/graphql", json=body)).json()  # the guard rails still hold
    assert refused["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "procedure.code"}


async def test_an_unknown_document_id_is_a_coded_error(client):
    answer = (await client.post("/graphql", json={"documentId": "sha256:" + "0" * 64})).json()
    assert answer["errors"][0]["extensions"]["code"] == "TRUSTED_DOCUMENT_NOT_FOUND" and answer["data"] is None


async def test_automatic_persisted_queries_register_then_run_by_hash(client, catalogue):
    digest = sha256(AD_HOC)
    unknown = (await client.post("/graphql", json=apq(None, digest))).json()
    assert unknown["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    registered = (await client.post("/graphql", json=apq(AD_HOC, digest))).json()
    by_hash = (await client.post("/graphql", json=apq(None, digest))).json()
    assert by_hash == registered and by_hash["data"]["sectors"]
    wrong = (await client.post("/graphql", json=apq(AD_HOC, "ab" * 32))).json()
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.fixture
async def production_like(app: Any, settings, sms) -> AsyncIterator[httpx.AsyncClient]:
    """A worker with TRUSTED_DOCUMENTS_ONLY on (the production default) over the same database."""
    strict = dataclasses.replace(settings, trusted_documents_only=True)
    application = create_app(strict, build_services(strict, sms=sms))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(application), base_url="http://testserver") as http:
        yield http


async def test_trusted_only_runs_the_manifest_and_refuses_anything_else(production_like, catalogue):
    for body in (
        {"documentId": IDS["Sectors"]},
        {"query": BODIES["Sectors"]},  # the text of a manifest document is that document
        {"query": "# as a code generator prints it\nquery Sectors { sectors {\n name procedureCount } }"},
        apq(None, sha256(BODIES["Sectors"])),  # and so is its APQ hash
    ):
        assert (await production_like.post("/graphql", json=body)).json()["data"]["sectors"], body
    changed = "query Sectors { sectors { name } }"  # the same name, another selection: not the manifest's
    for body in ({"query": AD_HOC}, {"query": changed}, apq(AD_HOC, sha256(AD_HOC)), apq(None, sha256(AD_HOC))):
        refused = (await production_like.post("/graphql", json=body)).json()
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"] == {"code": "TRUSTED_DOCUMENT_REQUIRED"}, body


async def test_apq_can_be_switched_off(app, settings, sms):
    closed = dataclasses.replace(settings, automatic_persisted_queries=False)
    application = create_app(closed, build_services(closed, sms=sms))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(application), base_url="http://t") as http:
        answer = (await http.post("/graphql", json=apq(AD_HOC, sha256(AD_HOC)))).json()
    assert answer["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_the_memory_store_is_bounded_least_recently_used_first():
    store = MemoryQueryStore(entries=2)
    await store.put("a", "{ a }")
    await store.put("b", "{ b }")
    assert await store.get("a") == "{ a }"  # a is now the most recent
    await store.put("c", "{ c }")
    assert (await store.get("b"), await store.get("a"), await store.get("c")) == (None, "{ a }", "{ c }")


async def test_the_redis_store_is_shared_by_every_worker():
    with redis_server() as server:
        first, second = RedisQueryStore(server.url), RedisQueryStore(server.url)
        try:
            await first.put(sha256(AD_HOC), AD_HOC)
            assert await second.get(sha256(AD_HOC)) == AD_HOC
            assert await second.get("f" * 64) is None
        finally:
            await first.close()
            await second.close()
