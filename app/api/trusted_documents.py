"""Trusted documents: the manifest of the app's operations, and the lookup that runs them without parsing or
validating them again.

The manifest (`contract/trusted-documents.json`) is built from `graphql/*.graphql` by `python -m app export-schema`;
each operation's id is `sha256:<hex>` of its self-contained document (GraphQL over HTTP, persisted operations).
The server parses and validates every manifest document once, when the schema is built.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
)
from graphql.validation import ASTValidationRule

from app.api.operations import app_operations, reached_fragments
from app.settings import PROJECT_ROOT

MANIFEST_PATH = PROJECT_ROOT / "contract" / "trusted-documents.json"
MANIFEST_FORMAT = "apollo-persisted-query-manifest"
EMPTY_MANIFEST = '{"operations": []}'


@functools.lru_cache(maxsize=1024)
def canonical_id(text: str) -> str | None:
    """The id `text` has in a manifest whatever its layout (whitespace, comments, fragment order): its one
    operation with the fragments it reaches, printed canonically; None when it is not one valid operation."""
    try:
        definitions = parse(text).definitions
    except GraphQLError:
        return None
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return None
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    reached = reached_fragments(operations[0], fragments)
    return document_id(print_ast(DocumentNode(definitions=(operations[0], *reached))))


def document_id(text: str) -> str:
    """The id of a document: `sha256:` and the hex digest of its UTF-8 text."""
    return f"sha256:{sha256_hex(text)}"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_text(operations: Mapping[str, str] | None = None) -> str:
    """The manifest's JSON text for `operations` (name -> document; the app's by default), in name order."""
    operations = app_operations() if operations is None else operations
    entries = []
    for name in sorted(operations):
        body = operations[name]
        operation = next(d for d in parse(body).definitions if isinstance(d, OperationDefinitionNode))
        entries.append({"id": document_id(body), "name": name, "type": operation.operation.value, "body": body})
    manifest = {"format": MANIFEST_FORMAT, "version": 1, "operations": entries}
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


@dataclass
class TrustedDocument:
    """A manifest operation, parsed once and validated at its first use (`errors`: normally none)."""

    id: str
    name: str
    body: str
    document: DocumentNode
    errors: tuple[GraphQLError, ...] | None = None


class TrustedDocuments:
    """The manifest's documents by id, checked against the served schema and its guard rails."""

    def __init__(self, manifest: str, schema: GraphQLSchema, rules: tuple[type[ASTValidationRule], ...]) -> None:
        self.schema = schema
        self.rules = rules
        self.by_id = {
            entry["id"]: TrustedDocument(entry["id"], entry["name"], entry["body"], parse(entry["body"]))
            for entry in json.loads(manifest)["operations"]
        }

    def get(self, id_: str) -> TrustedDocument | None:
        """The document with this id, validated (once: e.g. deeper than a lowered MAX_QUERY_DEPTH), or None."""
        document = self.by_id.get(id_)
        if document is not None and document.errors is None:
            document.errors = tuple(validate(self.schema, document.document, self.rules))
        return document
