"""Schema extensions of our own: the caller's sign-in checked and fresh dataloaders per operation, coded errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import StreamExecutionResult

from app.api.errors import ApiErrorCode
from app.api.loaders import fresh_loaders
from app.logs import request_id

# Raised through the hooks on purpose: the HTTP view answers them with a 400.
STRAWBERRY_REQUEST_ERRORS = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)


class ConfirmedViewer(SchemaExtension):
    """Check the caller's sign-in (revocation, staff standing) once per operation, before any resolver runs."""

    async def on_execute(self) -> AsyncIterator[None]:
        await self.execution_context.context.confirm_viewer()
        yield


class FreshLoaders(SchemaExtension):
    """Give each operation its own dataloaders (a websocket context lives for the whole connection)."""

    def on_operation(self) -> Iterator[None]:
        with fresh_loaders():
            yield


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors raised by a bug or an outage; coded API errors and invalid queries are expected."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class CodedErrors(MaskErrors):
    """Give every error an `extensions.code`; with `mask_unexpected`, hide the details of unexpected ones.

    A masked error keeps only a generic message and the request id that finds the traceback in the logs.
    """

    def __init__(self, mask_unexpected: bool) -> None:
        super().__init__(should_mask_error=lambda error: True, error_message="Unexpected error.")
        self.mask_unexpected = mask_unexpected

    def on_operation(self) -> Iterator[None]:
        try:
            yield from super().on_operation()
        except GraphQLError as error:
            # ParserCache raises syntax errors through the operation hook: code the error on its way out.
            self.anonymise_error(error)
            raise
        except STRAWBERRY_REQUEST_ERRORS:
            raise
        except Exception as error:
            # Anything else escaping the hooks (a RecursionError in a library, say) is a bug: coded, masked in
            # production, and logged with its traceback (the masked error keeps the original for the log).
            coded = self.anonymise_error(GraphQLError(str(error), original_error=error))
            coded.original_error = error
            raise coded from None
        # Parse and validation errors are returned as they are, so code them in place.
        for error in self.execution_context.pre_execution_errors or ():
            self.anonymise_error(error)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """Streamed results without errors (nearly every subscription update) pass without a masking pass."""
        if any(getattr(result, part, None) for part in ("errors", "incremental", "completed")):
            yield from super().on_stream_result(result)
        else:
            yield

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if (error.extensions or {}).get("code"):
            return error
        if not is_unexpected(error):
            error.extensions = {**(error.extensions or {}), "code": ApiErrorCode.GRAPHQL_VALIDATION_FAILED.value}
            return error
        extensions = {"code": ApiErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id.get()}
        if self.mask_unexpected:
            return GraphQLError(message=self.error_message, nodes=error.nodes, path=error.path, extensions=extensions)
        error.extensions = {**(error.extensions or {}), **extensions}
        return error
