"""How failures reach the app: business errors as payload data, auth and input errors as coded GraphQL errors."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ParamSpec, TypeVar

import strawberry
from graphql import GraphQLError, get_named_type
from strawberry.utils.str_converters import to_camel_case

from app import metrics
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
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    TRUSTED_DOCUMENT_NOT_FOUND = "TRUSTED_DOCUMENT_NOT_FOUND"
    TRUSTED_DOCUMENT_REQUIRED = "TRUSTED_DOCUMENT_REQUIRED"


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
        ApiErrorCode.PERSISTED_QUERY_NOT_FOUND: "APQ: the server does not know this hash yet; resend with the query.",
        ApiErrorCode.PERSISTED_QUERY_NOT_SUPPORTED: "APQ is switched off on this server: send the `documentId`.",
        ApiErrorCode.TRUSTED_DOCUMENT_NOT_FOUND: "No operation of the manifest has this `documentId` (an app "
        "build newer than the server?).",
        ApiErrorCode.TRUSTED_DOCUMENT_REQUIRED: "This server runs only the app's own operations (the manifest): "
        "send their `documentId`.",
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


def bad_input(message: str, argument: str | None = None, **extensions: object) -> ApiError:
    """BAD_USER_INPUT; `argument` (its path, e.g. `input.comment`) goes to `extensions.argument` when given, and
    `extensions` (e.g. `reason`, the precise business code) beside it."""
    if argument is None:
        return ApiError(ApiErrorCode.BAD_USER_INPUT, message, **extensions)
    return ApiError(ApiErrorCode.BAD_USER_INPUT, message, argument=argument, **extensions)


# Out-of-range arguments: one rule for every query, a top-level BAD_USER_INPUT naming the argument, with the
# precise code in `extensions.reason` (README, "Errors").
ARGUMENT_CODES = frozenset(
    {
        ErrorCode.INVALID_PERIOD,
        ErrorCode.INVALID_DATE_RANGE,
        ErrorCode.INVALID_SLOT_RANGE,
        ErrorCode.INVALID_FORECAST_DAYS,
    }
)


class UndeclaredUserError(UserWarning):
    """A resolver returned a code it does not declare, or a `field` its input does not have (tests turn it into
    a failure: the declared lists and field names are the mobile team's contract)."""


def client_field(domain_field: str | None, renames: Mapping[str, str]) -> str | None:
    """The input field name the client sent for a domain field name (a dotted path such as `criteria.waiting_time`).

    A renamed head is replaced and the rest of the path kept as it is (e.g. form keys chosen by the data);
    otherwise every segment is camelCased, as the schema names input fields.
    """
    if domain_field is None:
        return None
    head, _, rest = domain_field.partition(".")
    if head in renames:
        return renames[head] + (f".{rest}" if rest else "")
    return ".".join(to_camel_case(part) for part in domain_field.split("."))


def user_error(error: DomainError, locale: str, renames: Mapping[str, str] = MappingProxyType({})) -> UserError:
    """The payload form of a business failure, in `locale`, its field named as the client sent it."""
    return UserError(code=error.code, field=client_field(error.field, renames), message=error.message(locale))


def errors_sentence(codes: Iterable[ErrorCode]) -> str:
    """The sentence ending a mutation's description: the codes it may return, e.g. "Errors: `A`, `B`."."""
    listed = ", ".join(f"`{code.value}`" for code in codes)
    return f"Errors: {listed or 'none'}."


def returns_user_errors(
    payload: Callable[..., T], errors: Sequence[ErrorCode] | None = None, fields: Mapping[str, str] | None = None
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Resolver decorator: a DomainError (or DomainErrors) becomes `payload(errors=[...])`, not a GraphQL error.

    `errors` declares the codes the resolver may return (a test requires it on every mutation); `fields` maps
    domain field names to the client's input field names where they differ beyond camelCase. An input with a
    deprecated alias adds its own renames through `client_field_renames()` (the name the client actually sent).
    """
    declared = frozenset(errors) if errors is not None else None
    static_renames = dict(fields or {})

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except (DomainError, DomainErrors) as failure:
                info = kwargs["info"]
                given = kwargs.get("input")
                renames = {**static_renames, **getattr(given, "client_field_renames", dict)()}
                coded_errors = []
                for error in failure.errors if isinstance(failure, DomainErrors) else [failure]:
                    coded = user_error(error, info.context.locale, renames)  # type: ignore[attr-defined]
                    metrics.GRAPHQL_ERRORS.labels("user", error.code.value).inc()
                    if error.code in ARGUMENT_CODES:
                        raise bad_input(coded.message, argument=coded.field, reason=error.code.value) from None
                    check_declared(info, declared, coded, set(static_renames.values()))
                    coded_errors.append(coded)
                return payload(errors=coded_errors)  # type: ignore[call-arg]

        wrapper.user_error_codes = tuple(errors) if errors is not None else None  # type: ignore[attr-defined]
        return wrapper

    return decorate


def coded_mutation(
    payload: Callable[..., T],
    description: str,
    errors: Sequence[ErrorCode],
    fields: Mapping[str, str] | None = None,
) -> Callable[[Callable[P, Awaitable[T]]], Any]:
    """A mutation whose business failures come back in `payload.errors`: the one place it declares its codes.

    Its description ends with `errors_sentence(errors)`; `fields` as for `returns_user_errors`.
    """

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Any:
        wrapped = returns_user_errors(payload, errors, fields)(resolver)
        return strawberry.mutation(description=f"{description} {errors_sentence(errors)}")(wrapped)

    return decorate


def check_declared(
    info: Any, declared: frozenset[ErrorCode] | None, error: UserError, named: set[str] = frozenset()
) -> None:
    """Warn (a test failure) when `error` has a code not declared or names a field the client cannot have sent
    (an input, or a name the mutation declares in its `fields`, e.g. a saved draft's `formFields`)."""
    name = info.field_name  # type: ignore[attr-defined]
    if declared is not None and error.code not in declared:
        warnings.warn(UndeclaredUserError(f"{name} returned {error.code}, not in its declared errors"), stacklevel=2)
    head = error.field.split(".")[0] if error.field is not None else None
    if head is not None and head not in argument_fields(info) and head not in named:
        warnings.warn(
            UndeclaredUserError(f"{name} answered field {error.field!r}, not one of its inputs"), stacklevel=2
        )


def argument_fields(info: Any) -> set[str]:
    """The names a client can send to this field: its arguments and the fields of its `input` argument."""
    definition = info._raw_info.parent_type.fields[info._raw_info.field_name]
    names = set(definition.args)
    if "input" in definition.args:
        names |= set(getattr(get_named_type(definition.args["input"].type), "fields", {}))
    return names
