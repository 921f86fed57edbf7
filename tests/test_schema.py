"""The contract with the mobile team: the committed schema.graphql matches the code and is fully documented,
the app's operation documents under graphql/ are valid and run, and every error code reads well in both languages."""

from __future__ import annotations

import ast
import difflib
import string
from collections import defaultdict
from pathlib import Path

import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    NoDeprecatedCustomRule,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    is_specified_scalar_type,
    parse,
    specified_rules,
    specified_scalar_types,
    validate,
    visit,
)
from graphql import build_schema as build_sdl_schema
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from app.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from app.api.operations import app_operations, definitions, reached_fragments
from app.api.schema import MAX_ALIASES, MAX_TOKENS, build_schema
from app.errors import DEFAULT_LOCALE, LOCALES, MESSAGES, DomainError, ErrorCode
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema.graphql"
DOCUMENTS = sorted((ROOT / "graphql").glob("*.graphql"))
USER_ERROR_FIELDS = {"code", "field", "message"}


@pytest.fixture(scope="module")
def code_schema():
    return build_schema(Settings(app_env="test"))


@pytest.fixture(scope="module")
def committed_schema() -> GraphQLSchema:
    return build_sdl_schema(SCHEMA_FILE.read_text(encoding="utf-8"))


# --- schema.graphql -------------------------------------------------------------------------------------------


def test_committed_schema_matches_the_code(code_schema):
    expected = code_schema.as_str() + "\n"
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    if committed != expected:
        diff = difflib.unified_diff(
            committed.splitlines(), expected.splitlines(), "schema.graphql (committed)", "schema from code", lineterm=""
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"schema.graphql is out of date: run `python -m app export-schema` and commit it.\n{shown}")


def undocumented(schema: GraphQLSchema) -> list[str]:
    """Every type, field, argument and enum value of `schema` without a description."""
    missing: list[str] = []

    def check(description: str | None, where: str) -> None:
        if not (description and description.strip()):
            missing.append(where)

    for name, kind in sorted(schema.type_map.items()):
        if name.startswith("__") or name in specified_scalar_types:
            continue
        check(kind.description, f"type {name}")
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                check(field.description, f"field {name}.{field_name}")
                for arg_name, arg in field.args.items():
                    check(arg.description, f"argument {name}.{field_name}({arg_name})")
        elif isinstance(kind, GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                check(field.description, f"input field {name}.{field_name}")
        elif isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                check(value.description, f"enum value {name}.{value_name}")
    return missing


def test_every_type_field_argument_and_enum_value_is_documented(code_schema):
    missing = undocumented(code_schema._schema)
    assert not missing, "Add a description to:\n  " + "\n  ".join(missing)


def test_the_documentation_check_notices_a_missing_description():
    schema = build_sdl_schema('"""Root."""\ntype Query {\n  """Documented."""\n  a(x: Int): Int\n  b: Int\n}')
    assert undocumented(schema) == ["argument Query.a(x)", "field Query.b"]


# --- operation documents of the app ---------------------------------------------------------------------------


def test_the_app_has_operation_documents():
    assert DOCUMENTS, "graphql/ holds no .graphql operation documents"
    assert not list((ROOT / "graphql").glob("*.py")), "no Python in graphql/: it would shadow graphql-core"


def merged_selections(selection_set: SelectionSetNode | None, fragments: dict) -> dict[str, set[str]]:
    """Field name -> names selected under it, through fragment spreads and inline fragments."""
    selected: dict[str, set[str]] = {}
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            below = selected.setdefault(selection.name.value, set())
            below.update(merged_selections(selection.selection_set, fragments))
            continue
        if isinstance(selection, FragmentSpreadNode):
            nested = merged_selections(fragments[selection.name.value].selection_set, fragments)
        else:
            assert isinstance(selection, InlineFragmentNode)
            nested = merged_selections(selection.selection_set, fragments)
        for name, below in nested.items():
            selected.setdefault(name, set()).update(below)
    return selected


def payloads_without_errors(schema: GraphQLSchema, document) -> list[str]:
    """Payload fields (types with `errors: [UserError!]!`) whose selection lacks `errors { code field message }`."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    type_info = TypeInfo(schema)
    found: list[str] = []

    class PayloadCheck(Visitor):
        def enter_field(self, node: FieldNode, *_args) -> None:
            payload = get_named_type(type_info.get_type())
            if not isinstance(payload, GraphQLObjectType) or "errors" not in payload.fields:
                return
            errors_field = payload.fields["errors"]
            if get_named_type(errors_field.type).name != "UserError" or errors_field.deprecation_reason:
                return
            errors = merged_selections(node.selection_set, fragments).get("errors")
            if errors is None or not errors >= USER_ERROR_FIELDS:
                found.append(f"{node.name.value} ({payload.name})")

    visit(document, TypeInfoVisitor(type_info, PayloadCheck()))
    return found


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_document_names_every_operation(path: Path):
    document = parse(path.read_text(encoding="utf-8"))
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    assert operations or fragments, f"{path.name} defines nothing"
    assert all(op.name for op in operations), f"{path.name} has an anonymous operation: name every operation"


def app_operation_params() -> list:
    return [pytest.param(name, document, id=name) for name, document in app_operations().items()]


@pytest.mark.parametrize(("operation", "text"), app_operation_params())
def test_operation_is_valid_against_the_committed_schema(operation: str, text: str, committed_schema):
    # Each operation with the fragments it reaches in any file: what the app sends, and what the manifest holds.
    document = parse(text)
    errors = validate(committed_schema, document)
    assert not errors, f"{operation}:\n" + "\n".join(str(error) for error in errors)
    missing = payloads_without_errors(committed_schema, document)
    assert not missing, f"{operation}: select `errors {{ code field message }}` on {', '.join(missing)}"
    deprecated = validate(committed_schema, document, [NoDeprecatedCustomRule])
    assert not deprecated, f"{operation} uses deprecated names:\n" + "\n".join(str(error) for error in deprecated)


def test_every_fragment_is_used_by_an_operation():
    operations, fragments = definitions()
    used = {fragment.name.value for operation in operations for fragment in reached_fragments(operation, fragments)}
    assert set(fragments) <= used, f"unused fragments: {sorted(set(fragments) - used)}"


def definition_names(kind: type) -> list[tuple[str, str]]:
    return [
        (definition.name.value, path.name)
        for path in DOCUMENTS
        for definition in parse(path.read_text(encoding="utf-8")).definitions
        if isinstance(definition, kind) and definition.name
    ]


@pytest.mark.parametrize("kind", [OperationDefinitionNode, FragmentDefinitionNode], ids=["operations", "fragments"])
def test_operation_and_fragment_names_are_unique_across_documents(kind):
    # Code generators merge every document into one namespace, so a name may be defined only once.
    files: dict[str, list[str]] = defaultdict(list)
    for name, file in definition_names(kind):
        files[name].append(file)
    duplicated = {name: found for name, found in files.items() if len(found) > 1}
    assert not duplicated, f"defined more than once: {duplicated}"


def test_the_validity_check_notices_a_wrong_field_and_a_missing_errors_selection(committed_schema):
    wrong = parse("query Broken { procedures { edges { node { feeInDong } } } }")
    assert validate(committed_schema, wrong)
    careless = parse("mutation Careless($input: SignOutInput!) { signOut(input: $input) { signedOut } }")
    assert not validate(committed_schema, careless)
    assert payloads_without_errors(committed_schema, careless) == ["signOut (SignOutPayload)"]


@pytest.mark.parametrize(("operation", "document"), app_operation_params())
def test_operation_passes_the_server_guard_rails(operation: str, document: str):
    """The server refuses documents deeper, longer or with more aliases than its limits: the app's must pass."""
    settings = Settings(app_env="test")
    rules = [
        *specified_rules,
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    parsed = parse(document, max_tokens=MAX_TOKENS)
    errors = validate(build_schema(settings)._schema, parsed, rules)
    assert not errors, f"{operation}: {[error.message for error in errors]}"


# --- error messages -------------------------------------------------------------------------------------------

# Message parameters these codes are known to be raised with.
KNOWN_PARAMS: dict[ErrorCode, set[str]] = {
    ErrorCode.SIGN_IN_CODE_RATE_LIMITED: {"retry_after"},
    ErrorCode.WEAK_PASSWORD: {"min_length"},
}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def raised_params() -> dict[ErrorCode, list[tuple[str, set[str]]]]:
    """For each code, where app/ constructs a DomainError with it and the message parameters it passes."""
    found: dict[ErrorCode, list[tuple[str, set[str]]]] = defaultdict(list)
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "DomainError" and node.args):
                continue
            code = node.args[0]
            if not (isinstance(code, ast.Attribute) and getattr(code.value, "id", None) == "ErrorCode"):
                continue
            if any(keyword.arg is None for keyword in node.keywords):
                continue  # **params: cannot be read statically
            names = {keyword.arg for keyword in node.keywords if keyword.arg != "field"}
            found[ErrorCode[code.attr]].append((f"{path.relative_to(ROOT)}:{node.lineno}", names))
    return found


def test_every_error_code_has_messages_and_nothing_else_does():
    assert set(MESSAGES) == set(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode), ids=str)
def test_error_code_has_a_vietnamese_and_an_english_message_that_formats(code: ErrorCode):
    templates = MESSAGES[code]
    assert set(templates) == set(LOCALES) == {"vi", "en"}
    assert templates["vi"].strip() and templates["en"].strip()
    assert templates["vi"] != templates["en"], "the Vietnamese message is not translated"
    names = placeholders(templates[DEFAULT_LOCALE])
    assert placeholders(templates["en"]) == names, "vi and en messages use different parameters"
    assert names == KNOWN_PARAMS.get(code, names)
    params = {name: f"<{name} 42>" for name in names}
    error = DomainError(code, "field", **params)
    for locale in LOCALES:
        message = error.message(locale)
        assert "{" not in message and "}" not in message
        assert all(value in message for value in params.values())
    assert error.message("fr") == error.message(DEFAULT_LOCALE)


def test_every_domain_error_raised_passes_the_parameters_its_messages_use():
    sites = raised_params()
    assert set(KNOWN_PARAMS) <= set(sites), "the scan of app/ no longer finds these errors being raised"
    wrong = [
        f"{where}: {code} passes {sorted(names)}, its messages use {sorted(expected)}"
        for code, found in sites.items()
        for where, names in found
        if names != (expected := placeholders(MESSAGES[code][DEFAULT_LOCALE]))
    ]
    assert not wrong, "\n".join(wrong)


def test_a_weak_password_message_names_the_minimum_length():
    with pytest.raises(DomainError) as refused:
        hash_password("short")
    assert refused.value.code is ErrorCode.WEAK_PASSWORD
    assert refused.value.params == {"min_length": MIN_PASSWORD_LENGTH}
    assert f"at least {MIN_PASSWORD_LENGTH} characters" in refused.value.message("en")
    assert f"ít nhất {MIN_PASSWORD_LENGTH} ký tự" in refused.value.message("vi")


def test_every_custom_scalar_has_a_description_and_a_specification(committed_schema):
    # Code generators map a custom scalar to a type through its @specifiedBy URL.
    types = committed_schema.type_map.values()
    custom = [t for t in types if isinstance(t, GraphQLScalarType) and not is_specified_scalar_type(t)]
    assert {t.name for t in custom} >= {"Date", "DateTime", "JSON"}
    for scalar in custom:
        assert scalar.description and scalar.specified_by_url, scalar.name
