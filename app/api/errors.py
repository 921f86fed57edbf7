"""How failures reach the app: business errors as payload data, auth and input errors as coded GraphQL errors."""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import ParamSpec, TypeVar

import strawberry
from graphql import GraphQLError

from app.api.enums import described_enum
from app.errors import MESSAGES, DomainError, DomainErrors, ErrorCode

P = ParamSpec("P")
T = TypeVar("T")

UserErrorCode = described_enum(
    ErrorCode,
    "UserErrorCode",
    "Stable code of an expected business failure, returned in a payload's `errors`.",
    {code: re.sub(r"\{(\w+)\}", r"<\1>", MESSAGES[code]["en"]) for code in ErrorCode},
)


class ApiErrorCode(StrEnum):
    """`extensions.code` of a top-level GraphQL error."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    INVALID_TOKEN = "INVALID_TOKEN"
    SESSION_REVOKED = "SESSION_REVOKED"
    RESYNC_REQUIRED = "RESYNC_REQUIRED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


described_enum(
    ApiErrorCode,
    "ApiErrorCode",
    "`extensions.code` of a top-level GraphQL error (authentication, authorization, bad arguments, bugs); "
    "business failures of mutations come as `UserError` instead.",
    {
        ApiErrorCode.UNAUTHENTICATED: "Sign in first.",
        ApiErrorCode.TOKEN_EXPIRED: "The access token expired: call `refreshToken` and retry.",
        ApiErrorCode.INVALID_TOKEN: "The token is forged or malformed, or names no sign-in (issued before sign-ins "
        "were checked): refresh, or sign in again.",
        ApiErrorCode.SESSION_REVOKED: "The sign-in was ended (`signOut`, a reused refresh token, or a disabled staff "
        "account): sign in again. Also ends subscriptions.",
        ApiErrorCode.RESYNC_REQUIRED: "Ends a subscription after the server's event feed had a gap (e.g. Redis "
        "restarted), so updates may have been missed: read the current state again, then subscribe again.",
        ApiErrorCode.FORBIDDEN: "Signed in, but not allowed to see or do this.",
        ApiErrorCode.BAD_USER_INPUT: "An argument is out of range or malformed (e.g. `first` above the maximum).",
        ApiErrorCode.GRAPHQL_VALIDATION_FAILED: "The document or its variables do not fit the schema (a client bug).",
        ApiErrorCode.REQUEST_TOO_LARGE: "The HTTP body is over the size limit (status 413); nothing was read.",
        ApiErrorCode.INTERNAL_SERVER_ERROR: "Unexpected failure; `extensions.requestId` finds it in the logs.",
    },
)


@strawberry.type(description="An expected business failure of a mutation.")
class UserError:
    code: UserErrorCode = strawberry.field(description="Stable code to switch on.")  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if any.")
    message: str = strawberry.field(description="Human message in the caller's language (vi or en).")


class ApiError(GraphQLError):
    """A top-level GraphQL error carrying `extensions.code`."""

    def __init__(self, code: ApiErrorCode | str, message: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": str(code), **extensions})


def unauthenticated() -> ApiError:
    return ApiError(ApiErrorCode.UNAUTHENTICATED, "Sign in to do this.")


def forbidden() -> ApiError:
    return ApiError(ApiErrorCode.FORBIDDEN, "You are not allowed to do this.")


def bad_input(message: str, argument: str | None = None) -> ApiError:
    """BAD_USER_INPUT; `argument` (its path, e.g. `input.comment`) goes to `extensions.argument` when given."""
    if argument is None:
        return ApiError(ApiErrorCode.BAD_USER_INPUT, message)
    return ApiError(ApiErrorCode.BAD_USER_INPUT, message, argument=argument)


def user_error(error: DomainError, locale: str) -> UserError:
    """The payload form of a business failure, in `locale`."""
    return UserError(code=error.code, field=error.field, message=error.message(locale))


def returns_user_errors(
    payload: Callable[..., T],
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Resolver decorator: a DomainError (or DomainErrors) becomes `payload(errors=[...])`, not a GraphQL error."""

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except (DomainError, DomainErrors) as failure:
                locale = kwargs["info"].context.locale  # type: ignore[attr-defined]
                errors = failure.errors if isinstance(failure, DomainErrors) else [failure]
                return payload(errors=[user_error(error, locale) for error in errors])

        return wrapper

    return decorate
