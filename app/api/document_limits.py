"""How deep an operation may go, fragments included, measured without recursion.

Replaces strawberry's `QueryDepthLimiter`, whose recursive walk overflowed the stack on 300 chained fragments (an
uncoded "maximum recursion depth exceeded") and walks a fragment again at every spread (exponential for a
fragment spreading the next one twice, and so on). Here each definition is walked once, iteratively, and a
fragment's depth is reused at every spread.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

Spreads = list[tuple[str, int]]


def own_depth(selection_set: SelectionSetNode) -> tuple[int, Spreads]:
    """Nesting of object fields in a selection set, its fragment spreads aside, and each spread with its depth.

    Like strawberry's limiter, a field counts when it has a selection; introspection fields (`__schema`, ...)
    do not count.
    """
    depth, spreads = 0, []
    pending = [(selection_set, 0)]
    while pending:
        current, level = pending.pop()
        for selection in current.selections:
            if isinstance(selection, FragmentSpreadNode):
                spreads.append((selection.name.value, level))
            elif isinstance(selection, FieldNode):
                if selection.selection_set and not selection.name.value.startswith("__"):
                    depth = max(depth, level + 1)
                    pending.append((selection.selection_set, level + 1))
            elif selection.selection_set:
                pending.append((selection.selection_set, level))
    return depth, spreads


def fragment_measures(fragments: dict[str, FragmentDefinitionNode]) -> dict[str, tuple[int, int]]:
    """Each fragment's (depth with its spreads followed, length of its longest chain of spreads).

    A spread closing a cycle counts nothing here: the spec's `NoFragmentCycles` rule reports cycles.
    """
    own = {name: own_depth(fragment.selection_set) for name, fragment in fragments.items()}
    measures: dict[str, tuple[int, int]] = {}
    for root in own:
        path, on_path = [(root, iter(own[root][1]))], {root}
        while path:
            name, spreads = path[-1]
            for spread, _level in spreads:
                if spread in own and spread not in measures and spread not in on_path:
                    path.append((spread, iter(own[spread][1])))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                measures[name] = combined(own[name], measures)
    return measures


def combined(own: tuple[int, Spreads], measures: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """(depth, chain length) of a definition from its own depth and the measures of the fragments it spreads."""
    depth, spreads = own
    chain = 0
    for spread, level in spreads:
        spread_depth, spread_chain = measures.get(spread, (0, 0))
        depth = max(depth, level + spread_depth)
        chain = max(chain, 1 + spread_chain)
    return depth, chain


def operation_depth_rule(max_depth: int, max_fragment_nesting: int) -> type[ValidationRule]:
    """A validation rule refusing operations deeper than `max_depth` or fragments chained beyond
    `max_fragment_nesting`; build it once per schema (ValidationCache keys on the rule classes)."""

    class OperationDepthRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            # Measured before the visit starts, so these errors come first, even when graphql-core then aborts the
            # validation of a document whose fragments nest too deeply for its own rules.
            super().__init__(context)
            definitions = context.document.definitions
            fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
            measures = fragment_measures(fragments)
            for operation in definitions:
                if isinstance(operation, OperationDefinitionNode):
                    self.check(operation, *combined(own_depth(operation.selection_set), measures))

        def check(self, operation: OperationDefinitionNode, depth: int, chain: int) -> None:
            name = operation.name.value if operation.name else "anonymous"
            if chain > max_fragment_nesting:
                message = f"'{name}' nests fragments {chain} deep, more than {max_fragment_nesting}"
                self.report_error(GraphQLError(message, operation))
            elif depth > max_depth:
                self.report_error(GraphQLError(f"'{name}' exceeds maximum operation depth of {max_depth}", operation))

    return OperationDepthRule
