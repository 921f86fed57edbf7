"""The GraphQL schema: root types combined from each domain, guard rails and caches."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Annotated

import strawberry
from graphql import GraphQLError, specified_rules
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
)
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryObjectDefinition

from app.api.accounts import AccountsMutation, AccountsQuery
from app.api.appointments import AppointmentsMutation, AppointmentsQuery, AppointmentsSubscription
from app.api.argument_limits import ArgumentLengthLimits
from app.api.assistant import AssistantMutation
from app.api.catalogue import CatalogueQuery
from app.api.context import Info
from app.api.counter import CounterMutation
from app.api.data_access import DataAccessMutation, DataAccessQuery
from app.api.delegation import DelegationMutation, DelegationQuery
from app.api.document_limits import operation_depth_rule
from app.api.document_lookup import OperationDocuments, ReusingParserCache, ReusingValidationCache
from app.api.documents import DocumentsMutation, DocumentsQuery
from app.api.dossiers import DossiersMutation, DossiersQuery, DossiersSubscription
from app.api.drafts import DraftsMutation, DraftsQuery
from app.api.errors import ApiErrorCode
from app.api.event_scope import SharedEventExecutor
from app.api.extensions import CodedErrors, ConfirmedViewer, FreshLoaders, is_unexpected
from app.api.geo import GeoQuery
from app.api.insights import InsightsQuery
from app.api.notifications import NotificationsMutation, NotificationsQuery, NotificationsSubscription
from app.api.operation_metrics import OperationMetrics
from app.api.payments import PaymentSimulationMutation, PaymentsMutation, PaymentsQuery
from app.api.portal_sync import PortalSyncMutation, PortalSyncQuery
from app.api.profiles import ProfilesMutation, ProfilesQuery
from app.api.ratings import RatingsMutation, RatingsQuery
from app.api.results import ResultsMutation, ResultsQuery
from app.api.scalars import SCALAR_OVERRIDES
from app.api.trusted_documents import EMPTY_MANIFEST, MANIFEST_PATH, TrustedDocuments
from app.settings import Settings

logger = logging.getLogger("app.api")
MAX_ALIASES = 30
MAX_TOKENS = 5000
MAX_FRAGMENT_NESTING = 10
CACHE_SIZE = 1024


@strawberry.type(description="Everything the app can read.")
class Query(
    AccountsQuery,
    AppointmentsQuery,
    CatalogueQuery,
    DocumentsQuery,
    DossiersQuery,
    GeoQuery,
    NotificationsQuery,
    PaymentsQuery,
    RatingsQuery,
    InsightsQuery,
    PortalSyncQuery,
    DataAccessQuery,
    ResultsQuery,
    ProfilesQuery,
    DraftsQuery,
    DelegationQuery,
):
    @strawberry.field(description="Any object by its global ID (null when unknown or not visible to you).")
    async def node(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The object's ID.")]
    ) -> relay.Node | None:
        definition = info.schema.get_type_by_name(id.type_name)
        if not isinstance(definition, StrawberryObjectDefinition) or not issubclass(definition.origin, relay.Node):
            return None
        return await id.resolve_node(info, required=False)


@strawberry.type(description="Everything the app can change.")
class Mutation(
    AccountsMutation,
    AppointmentsMutation,
    AssistantMutation,
    DocumentsMutation,
    DossiersMutation,
    NotificationsMutation,
    PaymentsMutation,
    RatingsMutation,
    PortalSyncMutation,
    DataAccessMutation,
    ResultsMutation,
    ProfilesMutation,
    DraftsMutation,
    CounterMutation,
    DelegationMutation,
):
    pass


@strawberry.type(name="Mutation", description="Everything the app can change, plus development-only helpers.")
class DevelopmentMutation(Mutation, PaymentSimulationMutation):
    pass


@strawberry.type(description="Live updates over websockets (graphql-transport-ws).")
class Subscription(AppointmentsSubscription, DossiersSubscription, NotificationsSubscription):
    pass


class AppSchema(strawberry.Schema):
    """Logs unexpected errors with their traceback (the request id is on the log line); expected ones at debug."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if is_unexpected(error):
                logger.error("unexpected error: %s", error.message, exc_info=error.original_error)
            else:
                logger.debug("graphql error: %s", error.message)


def build_schema(
    settings: Settings, trusted_manifest: Path | None = MANIFEST_PATH, tracer_provider: object | None = None
) -> strawberry.Schema:
    """The schema with the guard rails `settings` ask for, and the trusted documents of `trusted_manifest` (none
    without it: `export-schema` builds the schema that a new manifest is then checked against)."""
    # Rule classes built once: MaxAliasesLimiter and friends make new classes per instance, which would give
    # ValidationCache a new key on every request.
    guard_rules = [
        operation_depth_rule(settings.max_query_depth, MAX_FRAGMENT_NESTING),
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    extensions: list = [
        OperationMetrics,
        OperationDocuments,
        functools.partial(ReusingParserCache, maxsize=CACHE_SIZE),
        functools.partial(AddValidationRules, validation_rules=guard_rules),
        functools.partial(ReusingValidationCache, maxsize=CACHE_SIZE),
        functools.partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        ArgumentLengthLimits,
        ConfirmedViewer,
        FreshLoaders,
        functools.partial(CodedErrors, mask_unexpected=settings.is_production),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    if tracer_provider is not None:  # app/tracing.py: only when an exporter is configured
        extensions.append(functools.partial(OpenTelemetryExtension, tracer_provider=tracer_provider))
    mutation = DevelopmentMutation if settings.app_env == "development" else Mutation
    schema = AppSchema(
        query=Query,
        mutation=mutation,
        subscription=Subscription,
        extensions=extensions,
        types=[ApiErrorCode],
        execution_context_class=SharedEventExecutor,
        scalar_overrides=SCALAR_OVERRIDES,
    )
    # Checked once here against the rules every request meets; then run without parsing or validating again.
    rules = (*specified_rules, *guard_rules)
    manifest = trusted_manifest.read_text(encoding="utf-8") if trusted_manifest else EMPTY_MANIFEST
    schema.trusted_documents = TrustedDocuments(manifest, schema._schema, rules)  # type: ignore[attr-defined]
    return schema
