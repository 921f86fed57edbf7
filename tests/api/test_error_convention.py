"""One error convention: each mutation declares its codes, `UserError.field` names what the client sent."""

from __future__ import annotations

import re

import pytest
import strawberry
from graphql import GraphQLObjectType

from app.api.errors import UserError, client_field, coded_mutation, errors_sentence
from app.api.schema import build_schema
from app.errors import DomainError, ErrorCode
from app.settings import Settings

WITHDRAW = """mutation($input: WithdrawDossierInput!) { withdrawDossier(input: $input) {
  dossier { status } errors { code field } } }"""
RATE = (
    """mutation($input: RateDossierInput!) { rateDossier(input: $input) { rating { level } errors { code field } } }"""
)


def mutation_fields() -> list:
    schema = build_schema(Settings(app_env="development"))  # development: simulatePayment too
    mutation = schema.get_type_by_name("Mutation")
    return [pytest.param(field, id=field.name) for field in mutation.fields]


@pytest.mark.parametrize("field", mutation_fields())
def test_every_mutation_declares_its_error_codes_in_its_description(field):
    declared = getattr(field.base_resolver.wrapped_func, "user_error_codes", None)
    assert declared is not None, (
        f"{field.name}: declare its codes with @coded_mutation(Payload, description=..., errors=[...])"
    )
    assert field.description.endswith(" " + errors_sentence(declared))
    assert len(set(declared)) == len(declared)


def test_the_errors_sentence_lists_codes_or_says_none():
    assert errors_sentence([ErrorCode.SLOT_FULL, ErrorCode.CENTRE_CLOSED]) == "Errors: `SLOT_FULL`, `CENTRE_CLOSED`."
    assert errors_sentence([]) == "Errors: none."


def test_committed_schema_lists_the_codes_of_every_mutation():
    schema = build_schema(Settings(app_env="production"))._schema
    mutation = schema.mutation_type
    assert isinstance(mutation, GraphQLObjectType)
    for name, field in mutation.fields.items():
        assert re.search(r" Errors: (none|`[A-Z_]+`(, `[A-Z_]+`)*)\.$", field.description), name


@pytest.mark.parametrize(
    ("domain_field", "renames", "client"),
    [
        ("starts_at", {}, "startsAt"),
        ("criteria.staff_attitude", {}, "criteria.staffAttitude"),
        ("dossier", {"dossier": "dossierCode"}, "dossierCode"),
        ("form_fields.ho_ten", {"form_fields": "formFields"}, "formFields.ho_ten"),  # form keys kept as they are
        ("address", {"address": "near.address"}, "near.address"),
        (None, {}, None),
    ],
)
def test_the_api_layer_names_domain_fields_as_the_client_sent_them(domain_field, renames, client):
    assert client_field(domain_field, renames) == client


async def test_a_dossier_input_answers_with_the_name_the_client_used(gql, dossier, sign_in_citizen):
    token = (await sign_in_citizen())["accessToken"]
    for name in ("dossierCode", "code"):  # `code`: app builds before the rename
        unknown = await gql(WITHDRAW, {"input": {name: "2601-0000-0000"}}, token)
        assert unknown["data"]["withdrawDossier"]["errors"] == [{"code": "DOSSIER_NOT_FOUND", "field": name}]
        too_early = await gql(RATE, {"input": {name: dossier.code, "level": "SATISFIED"}}, token)
        assert too_early["data"]["rateDossier"]["errors"] == [{"code": "RATING_NOT_OPEN", "field": name}]
    done = await gql(WITHDRAW, {"input": {"dossierCode": dossier.code}}, token)
    assert done["data"]["withdrawDossier"] == {"dossier": {"status": "WITHDRAWN"}, "errors": []}


@pytest.mark.parametrize("given", [{}, {"dossierCode": "2601-0000-0001", "code": "2601-0000-0002"}])
async def test_a_dossier_input_needs_exactly_one_code(gql, dossier, sign_in_citizen, given):
    token = (await sign_in_citizen())["accessToken"]
    result = await gql(WITHDRAW, {"input": given}, token)
    assert result["data"] is None
    assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "input.dossierCode"}


@strawberry.type
class Done:
    errors: list[UserError] = strawberry.field(default_factory=list, description="Failures.")


@strawberry.input
class StrictInput:
    code: str
    field: str


@strawberry.type
class Mutation:
    @coded_mutation(Done, description="Declares one code, raises another.", errors=[ErrorCode.INVALID_NAME])
    async def careless(self, info: strawberry.Info, input: StrictInput) -> Done:
        raise DomainError(ErrorCode(input.code), input.field)


@pytest.mark.parametrize(
    ("code", "field", "complaint"),
    [("INVALID_PHONE", "code", "not in its declared errors"), ("INVALID_NAME", "name", "not one of its inputs")],
)
async def test_an_undeclared_code_or_field_fails_the_test_that_returns_it(code, field, complaint):
    class Context:
        locale = "en"

    @strawberry.type
    class Query:
        ok: bool = True

    schema = strawberry.Schema(query=Query, mutation=Mutation)
    result = await schema.execute(
        "mutation($c: String!, $f: String!) { careless(input: {code: $c, field: $f}) { errors { code } } }",
        variable_values={"c": code, "f": field},
        context_value=Context(),
    )
    assert result.errors and complaint in result.errors[0].message
