"""One maximum length for every string a client sends, checked before any resolver runs.

Arguments and input fields are bounded wherever their strings come from: literals in the document, variables, or
strings nested in a `JSON` value. A position's limit is looked up by its schema coordinate (`Type.field(arg:)` for
an argument, `Input.field` for an input field); positions not listed get DEFAULT_MAX_LENGTH.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
)
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef
from strawberry.extensions import SchemaExtension

from app.api.errors import ApiError, bad_input

DEFAULT_MAX_LENGTH = 100
FREE_TEXT = 2000
PROCEDURE_CODE = 32  # the column's width

MAX_LENGTHS: Mapping[str, int] = {
    "Query.procedures(search:)": 300,  # the longest procedure name (266 characters) can be pasted whole
    "Query.procedure(code:)": PROCEDURE_CODE,
    "Query.availableSlots(procedureCode:)": PROCEDURE_CODE,
    "Query.nearestCentres(procedureCode:)": PROCEDURE_CODE,
    "Query.serviceQuality(procedureCode:)": PROCEDURE_CODE,
    "Query.bottlenecks(procedureCode:)": PROCEDURE_CODE,
    "BookAppointmentInput.procedureCode": PROCEDURE_CODE,
    "SubmitDossierInput.procedureCode": PROCEDURE_CODE,
    "Query.receipt(number:)": 32,  # the column's width
    "SubmitDossierInput.formFields": 500,  # each answer (and key) of the form
    "NearInput.address": 300,
    "SignInStaffInput.email": 254,
    "SignInStaffInput.password": 256,
    "RegisterDeviceInput.token": 512,
    "UnregisterDeviceInput.token": 512,
    "UpdateMyProfileInput.fullName": 200,
    "RequestSupplementInput.items": 300,  # each item
    "SupplyDocumentsInput.documents": 300,  # each document
    "StartUploadInput.fileName": 255,
    "ReviewDossierDocumentInput.reason": 1000,
    "AddCentreClosureInput.reason": 300,
    "RateDossierInput.comment": FREE_TEXT,
    "RespondToRatingInput.response": FREE_TEXT,
    "RecordApologyInput.reason": FREE_TEXT,
    "RequestSupplementInput.note": FREE_TEXT,
    "SupplyDocumentsInput.note": FREE_TEXT,
    "UpdateDossierStatusInput.note": FREE_TEXT,
    "WithdrawDossierInput.note": FREE_TEXT,
    "ApplyFeeExemptionInput.reason": FREE_TEXT,
    "RefundFeeInput.reason": FREE_TEXT,
    "AskAssistantInput.question": 500,  # app.assistant.service.MAX_QUESTION
    "AskAssistantInput.conversationId": 32,  # the id the previous answer gave
    "Query.formPrefill(procedureCode:)": PROCEDURE_CODE,
    "ProfileAttributeInput.value": 500,
    "SaveDossierDraftInput.procedureCode": PROCEDURE_CODE,
    "SaveDossierDraftInput.formFields": 500,  # each answer (and key) of the form
    "FileDossierAtCounterInput.procedureCode": PROCEDURE_CODE,
    "FileDossierAtCounterInput.formFields": 500,  # each answer (and key) of the form
    "DelegationTermsInput.procedureCodes": PROCEDURE_CODE,  # each code
    "FileDossierForInput.procedureCode": PROCEDURE_CODE,
    "FileDossierForInput.formFields": 500,  # each answer (and key) of the form
}


def max_length(coordinate: str) -> int:
    """The longest string accepted at `coordinate`."""
    return MAX_LENGTHS.get(coordinate, DEFAULT_MAX_LENGTH)


class ArgumentLengthLimits(SchemaExtension):
    """Refuse the operation with BAD_USER_INPUT, naming the argument, when any string in it is too long."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            error = first_too_long(
                context.schema._schema, context.graphql_document, context.operation_name, context.variables or {}
            )
            if error is not None:
                raise error
        yield


def first_too_long(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
) -> ApiError | None:
    """BAD_USER_INPUT for the first string of the operation longer than its position allows, else None.

    The document has been validated, so every field and argument it names exists.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    visited: set[str] = set()
    pending: list[tuple[Any, GraphQLNamedType]] = [(operation.selection_set, schema.get_root_type(operation.operation))]
    while pending:
        selection_set, parent = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                field = _field(schema, parent, selection.name.value)
                if field is None:
                    continue
                owner = f"{parent.name}.{selection.name.value}"
                for argument in selection.arguments or ():
                    definition = field.args.get(argument.name.value)
                    if definition is None:
                        continue
                    path = f"{(selection.alias or selection.name).value}.{argument.name.value}"
                    coordinate = f"{owner}({argument.name.value}:)"
                    error = _first_too_long_value(argument.value, definition.type, coordinate, path, variables)
                    if error is not None:
                        return error
                if selection.selection_set:
                    pending.append((selection.selection_set, get_named_type(field.type)))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in visited and name in fragments:
                    visited.add(name)
                    fragment = fragments[name]
                    pending.append((fragment.selection_set, schema.get_type(fragment.type_condition.name.value)))
            else:
                condition = selection.type_condition
                pending.append(
                    (selection.selection_set, schema.get_type(condition.name.value) if condition else parent)
                )
    return None


def _field(schema: GraphQLSchema, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
    if parent is schema.query_type and name in ("__schema", "__type"):
        return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
    return getattr(parent, "fields", {}).get(name)


def _first_too_long_value(
    value: Any, type_: GraphQLInputType, coordinate: str, path: str, variables: Mapping[str, Any]
) -> ApiError | None:
    """Walk a literal or variable value (without recursion: JSON values nest deeply) against its input type."""
    pending = [(value, type_, coordinate, path)]
    while pending:
        value, type_, coordinate, path = pending.pop()
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(value, VariableNode):
            if value.name.value in variables:
                pending.append((variables[value.name.value], type_, coordinate, path))
            continue
        text = value.value if isinstance(value, StringValueNode) else value
        if isinstance(text, str):
            limit = max_length(coordinate)
            if len(text) > limit:
                return bad_input(f"`{path}` is longer than {limit} characters.", argument=path)
            continue
        item_type = type_.of_type if isinstance(type_, GraphQLList) else type_
        if isinstance(value, ListValueNode):
            value = value.values
        if isinstance(value, list | tuple):
            pending.extend((item, item_type, coordinate, f"{path}.{i}") for i, item in enumerate(value))
            continue
        if isinstance(value, ObjectValueNode):
            value = {field.name.value: field.value for field in value.fields}
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(type_, GraphQLInputObjectType) and key in type_.fields:
                    pending.append((item, type_.fields[key].type, f"{type_.name}.{key}", f"{path}.{key}"))
                    continue
                pending.append((key, type_, coordinate, path))  # an unknown field's name, or a key of a JSON value
                if not isinstance(type_, GraphQLInputObjectType):  # a JSON value shares its position's limit
                    pending.append((item, type_, coordinate, f"{path}.{key}"))
    return None
