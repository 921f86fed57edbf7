"""Which document an operation runs: a trusted document by id, an automatic persisted query, or the text sent.

- `documentId` (top level of the request, or in `extensions`): a manifest document, already parsed and validated,
  so the parser and the validator are skipped; unknown ids are `TRUSTED_DOCUMENT_NOT_FOUND`.
- `extensions.persistedQuery.sha256Hash` (Apollo APQ): with the text, the text is checked against the hash and
  stored; without it, the stored text runs, or `PERSISTED_QUERY_NOT_FOUND` asks the client to resend it.
- With `TRUSTED_DOCUMENTS_ONLY`, nothing else runs: a text must be a manifest document in any layout (an APQ hash:
  of its exact body), else `TRUSTED_DOCUMENT_REQUIRED`; APQ registers nothing new.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

from app.api.errors import ApiError, ApiErrorCode
from app.api.trusted_documents import TrustedDocument, TrustedDocuments, canonical_id, sha256_hex

DOCUMENT_ID = "documentId"


class OperationDocuments(SchemaExtension):
    """Resolve the operation's document before parsing (runs first among the extensions)."""

    async def on_operation(self) -> AsyncIterator[None]:
        context = self.execution_context
        services = context.context.services
        trusted: TrustedDocuments = context.schema.trusted_documents  # type: ignore[attr-defined]
        extensions = context.operation_extensions or {}
        settings = services.settings
        if DOCUMENT_ID in extensions:
            use(context, by_id(trusted, extensions[DOCUMENT_ID]))
        elif isinstance(extensions.get("persistedQuery"), dict):
            if not settings.automatic_persisted_queries:
                raise ApiError(ApiErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, "PersistedQueryNotSupported")
            digest = extensions["persistedQuery"].get("sha256Hash")
            if not isinstance(digest, str):
                raise ApiError(ApiErrorCode.BAD_USER_INPUT, "`persistedQuery.sha256Hash` must be a string.")
            if settings.trusted_documents_required:
                use(context, by_id(trusted, f"sha256:{digest}", ApiErrorCode.TRUSTED_DOCUMENT_REQUIRED))
            elif context.query:
                if sha256_hex(context.query) != digest:
                    raise ApiError(ApiErrorCode.BAD_USER_INPUT, "`persistedQuery.sha256Hash` is not the query's.")
                await services.persisted_queries.put(digest, context.query)
            else:
                context.query = await services.persisted_queries.get(digest)
                if context.query is None:
                    raise ApiError(ApiErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")
        elif settings.trusted_documents_required and context.query is not None:
            use(context, by_id(trusted, canonical_id(context.query), ApiErrorCode.TRUSTED_DOCUMENT_REQUIRED))
        yield


def by_id(
    trusted: TrustedDocuments, id_: object, code: ApiErrorCode = ApiErrorCode.TRUSTED_DOCUMENT_NOT_FOUND
) -> TrustedDocument:
    document = trusted.get(id_) if isinstance(id_, str) else None
    if document is None:
        if code is ApiErrorCode.TRUSTED_DOCUMENT_REQUIRED:
            raise ApiError(code, "Only the app's own operations run here: send a `documentId` from the manifest.")
        raise ApiError(code, "No trusted document has this `documentId`.")
    return document


def use(context, document: TrustedDocument) -> None:
    """Run `document` as it was parsed and validated when the schema was built."""
    context.query = document.body
    context.graphql_document = document.document
    context.pre_execution_errors = list(document.errors)


class ReusingParserCache(ParserCache):
    """ParserCache that keeps a document already resolved (a trusted one)."""

    def on_parse(self) -> Iterator[None]:
        if self.execution_context.graphql_document is None:
            yield from super().on_parse()
        else:
            yield


class ReusingValidationCache(ValidationCache):
    """ValidationCache that skips documents validated already (trusted ones)."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors is None:
            yield from super().on_validate()
        else:
            yield
