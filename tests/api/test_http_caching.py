"""Public reads by `documentId` over GET carry Cache-Control and an ETag (304 on a match); answers are compressed."""

from __future__ import annotations

import json

import pytest

from app.api.trusted_documents import MANIFEST_PATH

IDS = {entry["name"]: entry["id"] for entry in json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["operations"]}
JSON = {"Accept": "application/json"}


async def get(client, name: str, variables: dict | None = None, **headers: str):
    params = {"documentId": IDS[name]}
    if variables is not None:
        params["variables"] = json.dumps(variables)
    return await client.get("/graphql", params=params, headers={**JSON, **headers})


async def test_a_public_read_is_cacheable_and_a_matching_etag_answers_304_without_a_body(client, catalogue):
    first = await get(client, "Sectors")
    assert first.status_code == 200 and first.json()["data"]["sectors"]
    assert first.headers["cache-control"] == "public, max-age=3600"
    assert first.headers["etag"].startswith('W/"') and "Accept-Language" in first.headers["vary"]
    again = await get(client, "Sectors", **{"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    other = await get(client, "Sectors", **{"If-None-Match": 'W/"stale"'})
    assert other.status_code == 200 and other.json() == first.json()


async def test_the_etag_changes_with_the_answer(client, catalogue):
    vi = await get(client, "ProcedureList", {"first": 2})
    en = await get(client, "ProcedureList", {"first": 3})
    assert vi.headers["etag"] != en.headers["etag"]


@pytest.mark.parametrize(
    ("name", "headers"),
    [
        ("Sectors", {"Authorization": "Bearer whatever"}),  # a signed-in answer may be personal
        ("Me", {}),  # not a public read
    ],
)
async def test_other_reads_are_not_cached(client, catalogue, name, headers):
    answer = await get(client, name, **headers)
    assert "etag" not in answer.headers and "cache-control" not in answer.headers


async def test_an_answer_with_errors_is_not_cached(client, catalogue):
    answer = await get(client, "ProcedureDetail", {"code": "x" * 40})  # over the argument's length limit
    assert answer.json()["errors"] and "etag" not in answer.headers


async def test_post_is_never_cached(client, catalogue):
    answer = await client.post("/graphql", json={"documentId": IDS["Sectors"]})
    assert "etag" not in answer.headers


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
async def test_answers_are_compressed_as_the_client_accepts(client, catalogue, encoding):
    answer = await get(client, "ProcedureList", {"first": 20}, **{"Accept-Encoding": encoding})
    assert answer.headers["content-encoding"] == encoding
    assert answer.json()["data"]["procedures"]["edges"]  # httpx decodes all three
    assert int(answer.headers["content-length"]) < len(answer.content) / 3


async def test_small_answers_and_clients_without_compression_get_plain_json(client, catalogue):
    small = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers and small.json() == {"data": {"__typename": "Query"}}
    plain = await get(client, "ProcedureList", {"first": 20}, **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = await get(client, "ProcedureList", {"first": 20}, **{"Accept-Encoding": "gzip"})
    assert zipped.json() == plain.json() and int(zipped.headers["content-length"]) < len(plain.content)
