"""Fan-out whose cost does not grow with the audience: what the subscribers of one bus message share in a worker.

The bus hands one message object to every local subscriber of its channel. The first subscriber to reach it opens
an `EventScope` for it; every other subscriber of the same message finds that scope and shares:
- its dataloaders (the dossier's procedure, centres, timeline ... are read once per event, not per subscriber),
  which are also those of every other message first reached in the same turn of the event loop (the bus hands on
  messages that arrived together in one turn), so N changes arriving together are read in one query per loader,
- values loaded once with `EventScope.once` (the dossier and its event),
- executed results: a payload that carries a `SharedExecution` is executed once per (operation, variables,
  locale, rights class) and the same result is given to every subscriber of that group (`SharedEventExecutor`),
  its data JSON-encoded once for them all (`SharedData`).
Each subscriber's right to the event is still checked, in memory, before its payload is yielded.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import ExecutionResult
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.api.loaders import Loaders
from app.clock import Clock

T = TypeVar("T")
MAX_OPEN_SCOPES = 4096


@dataclass(eq=False)
class EventScope:
    """What the subscribers of one message share in this worker."""

    message: dict
    loaders: Loaders
    _values: dict[Hashable, asyncio.Future] = field(default_factory=dict)

    def started(self, key: Hashable) -> bool:
        """True once some subscriber asked for `key` (its value may still be under way)."""
        return key in self._values

    async def once(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """`load()`'s result, run by the first subscriber that asks; the others await the same result."""
        if key not in self._values:
            self._values[key] = asyncio.ensure_future(load())
        return await self.value(key)

    async def value(self, key: Hashable) -> Any:
        """The result for a `started` key (a subscriber leaving while it waits does not cancel it for the others)."""
        found = self._values[key]
        return found.result() if found.done() else await asyncio.shield(found)


class EventScopes:
    """The scopes of the most recent messages of this worker (bounded: the oldest are forgotten first)."""

    def __init__(self, clock: Clock, maxsize: int = MAX_OPEN_SCOPES) -> None:
        self._clock = clock
        self._maxsize = maxsize
        self._scopes: OrderedDict[int, EventScope] = OrderedDict()
        self._turn_loaders: Loaders | None = None

    def of(self, message: dict) -> EventScope:
        """The scope of `message` (keyed by identity: the scope holds the message, so its id is not reused)."""
        scope = self._scopes.get(id(message))
        if scope is None or scope.message is not message:
            scope = self._scopes[id(message)] = EventScope(message, self._loaders_of_this_turn())
            while len(self._scopes) > self._maxsize:
                self._scopes.popitem(last=False)
        return scope

    def _loaders_of_this_turn(self) -> Loaders:
        """Loaders shared by the scopes opened until the event loop's next turn.

        Every message among them had arrived, so its change was committed, before any of their reads starts.
        """
        if self._turn_loaders is None:
            self._turn_loaders = Loaders(self._clock)
            asyncio.get_running_loop().call_soon(self._end_turn)
        return self._turn_loaders

    def _end_turn(self) -> None:
        self._turn_loaders = None


@dataclass(frozen=True)
class SharedExecution:
    """Carried by a subscription payload: subscribers of `scope` in the same `rights_class` get the same answer.

    `rights_class` must name everything, besides the operation, variables and locale, that could change what the
    selection may show (e.g. owner, staff of the handling centre, staff of the receiving centre).
    """

    scope: EventScope
    rights_class: Hashable


class SharedData(dict):
    """The data of a result shared by a group of subscribers, JSON-encoded once for all of them (see `encoded`)."""

    __slots__ = ("_encoded",)

    def encoded(self, encode: Callable[[object], str]) -> str:
        """This data as `encode` writes it; computed by the first subscriber to send it (nobody changes it after)."""
        try:
            return self._encoded
        except AttributeError:
            self._encoded: str = encode(self)
            return self._encoded


def variables_text(variables: dict[str, Any]) -> str:
    """The variables of an operation as a key: equal variables give equal texts."""
    return json.dumps(variables, sort_keys=True, default=str)


def execution_key(operation: object, variables: str, locale: str | None, rights_class: Hashable) -> tuple:
    """What a group of subscribers sharing one execution have in common (see `SharedExecution`)."""
    return ("execution", id(operation), variables, locale, rights_class)


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """Executes a subscription event once per group of subscribers (see `SharedExecution`), else as usual.

    The first member of a group executes the selection in a task of its own (so a member leaving does not cancel
    it for the others); the others await that task and get the same data.
    """

    _variables_text: str | None = None  # of the subscription's variables, computed once and copied to each event

    def build_per_event_executor(self, payload: Any) -> SharedEventExecutor:
        if self._variables_text is None:
            self._variables_text = variables_text(self.variable_values.coerced)
        return super().build_per_event_executor(payload)  # type: ignore[return-value]

    def execute_operation(self, serially: bool | None = None) -> Any:
        shared = getattr(self.root_value, "shared", None)
        if not isinstance(shared, SharedExecution):
            return super().execute_operation(serially)
        key = execution_key(
            self.operation,
            self._variables_text or variables_text(self.variable_values.coerced),
            getattr(self.context_value, "locale", None),
            shared.rights_class,
        )
        return self._shared_result(shared.scope, key, self.operation, serially)

    async def _shared_result(self, scope: EventScope, key: tuple, operation: Any, serially: bool | None) -> Any:
        async def execute() -> tuple[Any, ExecutionResult]:
            result = super(SharedEventExecutor, self).execute_operation(serially)
            if self.is_awaitable(result):
                result = await result
            if result.data is not None and not result.errors:
                result = ExecutionResult(data=SharedData(result.data))
            return operation, result

        owner, result = await scope.once(key, execute)
        if owner is not operation:  # another document once lived at the same address: execute on our own
            result = super().execute_operation(serially)
            result = await result if self.is_awaitable(result) else result
            return result
        if result.errors:
            return ExecutionResult(data=result.data, errors=list(result.errors))
        return ExecutionResult(data=result.data)
