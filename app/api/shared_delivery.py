"""Members of a shared execution skip the per-operation pipeline: their answer goes straight to their socket.

When another member of a subscriber's group (`app.api.event_scope.SharedExecution`) executes the event, this
subscriber's answer is the same data, JSON-encoded once for the group (`SharedData`): it is sent as this
operation's `next` message without running graphql-core, strawberry's result hooks and a JSON encoder again.
What comes before is unchanged and per subscriber: the sign-in and rights checks of `checked_messages`, and the
subscription's own check of the subscriber's right to the event, which decides its group.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation
from strawberry.types.execution import ExecutionResult

from app.api.context import Info
from app.api.event_scope import SharedData, SharedExecution, execution_key

_operation: ContextVar[Operation | None] = ContextVar("graphql_transport_ws_operation", default=None)


class SharedDeliveryHandler(BaseGraphQLTransportWSHandler):
    """graphql-transport-ws whose operation tasks know their operation (its id and its socket)."""

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        _operation.set(operation)  # the task's own context: seen by this operation's resolvers only
        await super().run_operation(operation)


async def sent_to_group_member(info: Info, shared: SharedExecution, variables: str) -> bool:
    """Send the caller its group's answer when another member already executes the event.

    False when the caller must yield its update the usual way: it is the first of its group, it is not on a
    graphql-transport-ws socket, or the group's answer has errors (each subscriber then gets its own).
    `variables` is `variables_text` of the caller's variables.
    """
    operation = _operation.get()
    key = execution_key(info.operation, variables, info.context.locale, shared.rights_class)
    if operation is None or not shared.scope.started(key):
        return False
    owner, result = await shared.scope.value(key)
    if owner is not info.operation or result.errors or not isinstance(result.data, SharedData):
        return False
    await operation.send_next(ExecutionResult(data=result.data, errors=None))
    return True
