"""Schema extensions of our own: fresh dataloaders per operation and production error masking."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import MaskErrors, SchemaExtension

from app.api.errors import ApiErrorCode
from app.api.loaders import Loaders
from app.logs import request_id
from graphql import GraphQLError


class FreshLoaders(SchemaExtension):
    """Give each operation its own dataloaders (a websocket context lives for the whole connection)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if context is not None:
            context.loaders = Loaders()
        yield


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors raised by a bug or an outage; coded API errors and invalid queries are expected."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Replace unexpected errors with a generic message carrying the request id found in the logs."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ApiErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id.get()},
        )
