"""Input limits: string lengths, search size, fragment nesting, body sizes, and the error contract for what escapes."""

from __future__ import annotations

import dataclasses
import logging

import httpx
import pytest
from strawberry import relay

from app.accounts.models import Citizen
from app.api.argument_limits import DEFAULT_MAX_LENGTH
from app.api.schema import MAX_FRAGMENT_NESTING
from app.catalogue.models import Centre
from app.catalogue.search import MAX_SEARCH_WORDS
from app.main import create_app
from tests.api.test_guard_rails import execute, production_settings

SEARCH = "query($s: String) { procedures(search: $s, first: 3) { totalCount edges { node { code } } } }"
RATE = "mutation($input: RateDossierInput!) { rateDossier(input: $input) { errors { code } } }"
PROFILE = "mutation($name: String) { updateMyProfile(input: {fullName: $name}) { errors { code } } }"
SUBMIT = "mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { errors { code } } }"


def bad_input_argument(result: dict) -> str:
    """The argument a BAD_USER_INPUT answer names; fails on any other answer."""
    assert result["data"] is None, result
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error["extensions"]["argument"]


def chained_fragments(count: int) -> str:
    """An operation spreading F1, which spreads F2, ... up to F<count>."""
    fragments = "".join(f"fragment F{i} on Query {{ ...F{i + 1} }}\n" for i in range(1, count))
    return f"query {{ ...F1 }}\n{fragments}fragment F{count} on Query {{ __typename }}\n"


async def test_a_search_with_too_many_words_is_bad_input_and_1000_words_are_not_a_crash(gql, catalogue):
    # 1,000 words used to overflow the stack while building one nested SQL filter per word.
    for text in (" ".join(["khai"] * 1000), "a " * (MAX_SEARCH_WORDS + 1)):
        result = await gql(SEARCH, {"s": text})
        assert bad_input_argument(result) == "procedures.search"
    assert f"more than {MAX_SEARCH_WORDS} words" in result["errors"][0]["message"]


async def test_a_search_at_the_limits_still_finds_what_it_names(gql, catalogue):
    # The longest real name, pasted whole, with its words repeated up to the word limit.
    name = "Đăng ký khai sinh"
    padded = " ".join([name] * (MAX_SEARCH_WORDS // 4))
    found = (await gql(SEARCH, {"s": padded}))["data"]["procedures"]
    assert found["totalCount"] >= 1 and found["edges"][0]["node"]["code"] == "1.001193"


async def test_a_search_longer_than_its_limit_is_bad_input(gql):
    assert bad_input_argument(await gql(SEARCH, {"s": "khai sinh " * 31})) == "procedures.search"


async def test_a_procedure_code_longer_than_the_column_is_bad_input_without_echoing_it(gql):
    code = "9" * 33
    result = await gql(f'{{ p: procedure(code: "{code}") {{ code }} }}')
    assert bad_input_argument(result) == "p.code"
    assert code not in result["errors"][0]["message"]
    assert (await gql(f'{{ procedure(code: "{code[:32]}") {{ code }} }}')) == {"data": {"procedure": None}}


async def test_every_string_argument_has_the_default_limit(gql):
    result = await gql("query($t: String!) { __type(name: $t) { name } }", {"t": "x" * (DEFAULT_MAX_LENGTH + 1)})
    assert bad_input_argument(result) == "__type.name"
    assert (await gql('{ centre(id: "' + "x" * (DEFAULT_MAX_LENGTH + 1) + '") { code } }'))["errors"][0]["extensions"][
        "argument"
    ] == "centre.id"


async def test_lengths_are_checked_before_anything_else_in_variables_and_literals(gql):
    # Anonymous: the limit answers before the resolver could say UNAUTHENTICATED.
    too_long = {"code": "2611-4827-3913", "level": "SATISFIED", "comment": "x" * 2001}
    assert bad_input_argument(await gql(RATE, {"input": too_long})) == "rateDossier.input.comment"
    at_limit = await gql(RATE, {"input": {**too_long, "comment": "x" * 2000}})
    assert at_limit["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    literal = (
        'mutation { requestSupplement(input: {code: "1", items: ["ok", "%s"], deadline: "2030-01-01T00:00:00Z"}) \
{ errors { code } } }'
        % ("x" * 301)
    )
    assert bad_input_argument(await gql(literal)) == "requestSupplement.input.items.1"


async def test_strings_inside_form_answers_are_bounded(gql):
    answers = {"fullName": "x" * 501, "nested": [[{"deep": "y"}]]}
    variables = {"input": {"procedureCode": "1.001193", "centreId": "Q2VudHJlOjE=", "formFields": answers}}
    assert bad_input_argument(await gql(SUBMIT, variables)) == "submitDossier.input.formFields.fullName"


async def test_a_too_long_name_changes_nothing(gql, sign_in_citizen):
    session = await sign_in_citizen()
    assert bad_input_argument(await gql(PROFILE, {"name": "Hoa" * 100}, session["accessToken"]))
    assert (await Citizen.get(phone="+84912345678")).full_name == ""


async def test_chained_fragments_are_refused_with_a_code_even_in_production(gql):
    # 300 chained fragments used to answer "maximum recursion depth exceeded" without any code.
    for result in (await gql(chained_fragments(300)), (await execute(production_settings(), chained_fragments(300)))):
        errors = result["errors"] if isinstance(result, dict) else [e.formatted for e in result.errors]
        assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert f"more than {MAX_FRAGMENT_NESTING}" in errors[0]["message"]
    assert (await gql(chained_fragments(MAX_FRAGMENT_NESTING)))["data"] == {"__typename": "Query"}


async def test_fragments_count_towards_the_operation_depth(gql):
    three_deep = "query { me { ...A } } fragment A on Citizen { residenceCentre { ...B } } \
fragment B on Centre { openingHours { weekday } }"
    assert "errors" not in await gql(three_deep)
    result = await execute(dataclasses.replace(production_settings(), max_query_depth=2), three_deep)
    assert "exceeds maximum operation depth of 2" in result.errors[0].message


async def test_an_exception_escaping_the_hooks_follows_the_error_contract(monkeypatch, caplog):
    def overflow(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("app.api.document_limits.own_depth", overflow)
    with caplog.at_level(logging.ERROR, logger="app.api"):
        result = await execute(production_settings(), "{ __typename }")
    (error,) = result.errors
    assert error.message == "Unexpected error."
    assert error.extensions["code"] == "INTERNAL_SERVER_ERROR" and error.extensions["requestId"]
    assert "maximum recursion depth" in caplog.text  # the traceback is in the log


@pytest.fixture
async def small_limits_client(settings, app):
    small = dataclasses.replace(settings, max_graphql_body_bytes=1000, max_webhook_body_bytes=2000)
    limited = create_app(small, app.state.services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(limited), base_url="http://testserver") as http:
        yield http


@pytest.mark.parametrize(("path", "limit"), [("/graphql", 1000), ("/webhooks/stripe", 2000)])
async def test_bodies_over_the_limit_get_413_in_json_with_the_request_id(small_limits_client, path, limit):
    body = b'{"query": "{ __typename }", "padding": "' + b"x" * limit + b'"}'

    async def chunks():
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    for content in (body, chunks()):  # told by Content-Length, and counted while chunks arrive
        response = await small_limits_client.post(
            path, content=content, headers={"content-type": "application/json", "x-request-id": "req-413"}
        )
        assert response.status_code == 413
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "REQUEST_TOO_LARGE", "requestId": "req-413"}
        assert str(limit) in error["message"]


async def test_bodies_within_the_limit_are_served(small_limits_client):
    response = await small_limits_client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}


async def test_the_default_graphql_body_limit(client):
    response = await client.post("/graphql", json={"query": "{ __typename }", "variables": {"x": "y" * 300_000}})
    assert response.status_code == 413


async def test_strings_longer_than_their_column_never_reach_the_database(gql, sign_in_citizen, sign_in_staff):
    # Found by the fuzz test: each of these answered INTERNAL_SERVER_ERROR, echoing the input.
    citizen = (await sign_in_citizen())["accessToken"]
    result = await gql('{ receipt(number: "%s") { number } }' % ("R" * 33), token=citizen)
    assert bad_input_argument(result) == "receipt.number"

    officer = (await sign_in_staff())["accessToken"]
    centre_id = str(relay.GlobalID("Centre", str((await Centre.get(code="06688")).id)))
    check_in = (
        "mutation($c: ID!, $t: String!) { checkInAppointment(input: {centreId: $c, ticket: $t}) { errors { code } } }"
    )
    result = await gql(check_in, {"c": centre_id, "t": "QNDVC:APPT:ABCDEFGHJ"}, token=officer)
    assert result["data"]["checkInAppointment"]["errors"] == [{"code": "APPOINTMENT_NOT_FOUND"}]
