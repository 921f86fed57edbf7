"""Property-based fuzzing: operations generated from schema.graphql never crash the service, whoever sends them.

hypothesis-graphql builds valid queries and mutations with arbitrary arguments; about half of them get every string
stretched to the default length limit (where column widths and parsers break). Any 5xx, any error without
`extensions.code` and any INTERNAL_SERVER_ERROR fails the test. Derandomized and bounded, so CI never flakes.
"""

from __future__ import annotations

from datetime import timedelta

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from app.accounts.models import StaffRole
from app.api.argument_limits import DEFAULT_MAX_LENGTH
from app.settings import PROJECT_ROOT

SCHEMA = graphql.build_schema((PROJECT_ROOT / "schema.graphql").read_text())
NAMES = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,10}", fullmatch=True)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**31), max_value=2**31 - 1) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
    max_leaves=8,
)
CUSTOM_SCALARS = {
    "Date": st.dates().map(nodes.String),
    "DateTime": st.datetimes(timezones=st.none() | st.timezones()).map(lambda moment: nodes.String(moment.isoformat())),
    "JSON": st.dictionaries(NAMES, JSON_VALUES, max_size=4).map(lambda answers: json_node(answers)),
}
OPERATIONS = st.one_of(
    queries(SCHEMA, custom_scalars=CUSTOM_SCALARS, print_ast=lambda document: document),
    mutations(SCHEMA, custom_scalars=CUSTOM_SCALARS, print_ast=lambda document: document),
)


def json_node(value: object) -> graphql.ValueNode:
    """A GraphQL literal for a JSON value."""
    if isinstance(value, dict):
        fields = [graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=json_node(v)) for k, v in value.items()]
        return graphql.ObjectValueNode(fields=tuple(fields))
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(json_node(item) for item in value))
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return nodes.Int(value)
    return nodes.String(value)


class StretchStrings(graphql.Visitor):
    """Make every string literal exactly DEFAULT_MAX_LENGTH characters long, by repeating it."""

    def enter_string_value(self, node: graphql.StringValueNode, *_args: object) -> graphql.StringValueNode:
        seed = node.value or "9"
        return graphql.StringValueNode(value=(seed * DEFAULT_MAX_LENGTH)[:DEFAULT_MAX_LENGTH])


def printed(document: graphql.DocumentNode, stretch: bool) -> str:
    return graphql.print_ast(graphql.visit(document, StretchStrings()) if stretch else document)


def contract_breaches(response: httpx.Response) -> list[object]:
    """What in this answer breaks the error contract: a 5xx, or errors uncoded or internal."""
    if response.status_code >= 500:
        return [response.status_code, response.text]
    errors = response.json().get("errors") or []
    return [error for error in errors if (error.get("extensions") or {}).get("code") in (None, "INTERNAL_SERVER_ERROR")]


@pytest.fixture
async def tokens(sign_in_citizen, sign_in_staff) -> dict[str, str | None]:
    """An access token for each kind of caller (the real catalogue loaded)."""
    citizen = await sign_in_citizen()
    admin = await sign_in_staff("admin@test.vn", StaffRole.ADMIN)
    officer = await sign_in_staff()
    return {
        "anonymous": None,
        "citizen": citizen["accessToken"],
        "officer": officer["accessToken"],
        "admin": admin["accessToken"],
    }


@pytest.mark.parametrize("caller", ["anonymous", "citizen", "officer", "admin"])
@settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=OPERATIONS, stretch=st.booleans())
async def test_generated_operations_follow_the_error_contract(client, tokens, caller, document, stretch):
    token = tokens[caller]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    query = printed(document, stretch)
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert contract_breaches(response) == [], query
