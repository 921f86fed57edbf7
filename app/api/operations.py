"""The app's operations: `graphql/*.graphql`, each operation made self-contained with the fragments it spreads.

Fragments are shared across files (`graphql/fragments.graphql` holds the centre and procedure selections), as code
generators merge every document into one namespace; an operation's document is the operation followed by the
fragments it reaches, in name order, printed canonically so its hash does not depend on the file's layout.
"""

from __future__ import annotations

from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    Node,
    OperationDefinitionNode,
    parse,
    print_ast,
)

from app.settings import PROJECT_ROOT

OPERATIONS_DIR = PROJECT_ROOT / "graphql"


def definitions(
    directory: Path = OPERATIONS_DIR,
) -> tuple[list[OperationDefinitionNode], dict[str, FragmentDefinitionNode]]:
    """Every named operation and fragment under `directory`, files in name order."""
    operations: list[OperationDefinitionNode] = []
    fragments: dict[str, FragmentDefinitionNode] = {}
    for path in sorted(directory.glob("*.graphql")):
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            if isinstance(definition, OperationDefinitionNode):
                operations.append(definition)
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
    return operations, fragments


def spread_names(node: Node) -> set[str]:
    """Names of the fragments spread directly inside `node`."""
    names: set[str] = set()
    pending: list = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, FragmentSpreadNode):
            names.add(current.name.value)
        selection_set = getattr(current, "selection_set", None)
        if selection_set is not None:
            pending.extend(selection_set.selections)
    return names


def reached_fragments(operation: Node, fragments: dict[str, FragmentDefinitionNode]) -> list[FragmentDefinitionNode]:
    """The fragments `operation` spreads, directly or through other fragments, in name order (unknown ones left out:
    validation reports them)."""
    reached: set[str] = set()
    pending = list(spread_names(operation))
    while pending:
        name = pending.pop()
        if name in reached or name not in fragments:
            continue
        reached.add(name)
        pending.extend(spread_names(fragments[name]))
    return [fragments[name] for name in sorted(reached)]


def app_operations(directory: Path = OPERATIONS_DIR) -> dict[str, str]:
    """Operation name -> its self-contained document text."""
    operations, fragments = definitions(directory)
    return {
        operation.name.value: print_ast(DocumentNode(definitions=(operation, *reached_fragments(operation, fragments))))
        for operation in operations
        if operation.name is not None
    }
