"""The strawberry ASGI view: builds the context from headers (HTTP) or `connection_init` (websockets)."""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from app import metrics
from app.api.context import Context, preferred_locale
from app.api.document_lookup import DOCUMENT_ID
from app.api.errors import ApiError
from app.api.event_scope import EventScopes, SharedData
from app.api.shared_delivery import SharedDeliveryHandler
from app.container import Services

MAX_SUBSCRIPTIONS_PER_CONNECTION = 20
AUTHORIZATION_KEYS = ("Authorization", "authorization")


def json_text(data: object) -> str:
    """`data` as compact JSON text, non-ASCII characters as they are (orjson: several times faster than json)."""
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()


class GraphQLView(GraphQL[Context, None]):
    """GraphQL over HTTP (POST and GET) and over websockets with the graphql-transport-ws protocol only."""

    graphql_transport_ws_handler_class = SharedDeliveryHandler

    def __init__(self, schema, services: Services) -> None:
        settings = services.settings
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.services = services
        self.event_scopes = EventScopes(services.clock)

    def decode_json(self, data: str | bytes) -> object:
        """JSON nested past the interpreter's recursion limit is a bad request (400), like malformed JSON."""
        try:
            return super().decode_json(data)
        except RecursionError:
            raise HTTPException(400, "Unable to parse request body as JSON: nested too deeply") from None

    def should_render_graphql_ide(self, request) -> bool:
        """A GET naming a document by id or hash is an operation, whatever the Accept header says."""
        params = request.query_params
        return "documentId" not in params and "extensions" not in params and super().should_render_graphql_ide(request)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Also reads a top-level `documentId` (GraphQL over HTTP, persisted operations) into the `extensions` the
        schema's document lookup reads; only a request without query text is looked at again for it."""
        data = await super().parse_http_body(request)
        if isinstance(data, list) or data.query is not None:
            return data
        raw = request.query_params if request.method == "GET" else self.parse_json(await request.get_body())
        if isinstance(raw, Mapping) and "documentId" in raw:
            data.extensions = {**(data.extensions or {}), DOCUMENT_ID: raw["documentId"]}
        return data

    def encode_json(self, data: object) -> str | bytes:
        """Answers and messages as text (a websocket message stays a text frame) by `json_text`.

        A `next` message carrying shared data splices that data's one encoding behind the operation's id.
        """
        if isinstance(data, dict) and data.get("type") == "next" and len(data) == 3:
            payload = data.get("payload")
            if isinstance(payload, dict) and len(payload) == 1 and isinstance(payload.get("data"), SharedData):
                shared = payload["data"].encoded(json_text)
                return f'{{"id":{json_text(data["id"])},"type":"next","payload":{{"data":{shared}}}}}'
        return json_text(data)

    async def run(self, request, context=UNSET, root_value=UNSET):
        """Also counts the open websocket connections (app/metrics.py)."""
        if not isinstance(request, WebSocket):
            return await super().run(request, context, root_value)
        with metrics.WEBSOCKET_CONNECTIONS.track_inprogress():
            return await super().run(request, context, root_value)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket | None) -> Context:
        context = Context(
            request=request,
            response=response,
            services=self.services,
            event_scopes=self.event_scopes,
            locale=preferred_locale(request.headers.get("accept-language")),
        )
        if isinstance(request, Request):
            context.authenticate(request.headers.get("authorization"))
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate the connection from `connection_init`'s payload: {"Authorization": "Bearer ..."}.

        No `Authorization` (or null) means an anonymous connection; anything else that is not a valid token of a
        standing sign-in (a value without "Bearer ", a number, a list, an expired or revoked token) closes it
        with 4403.
        """
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        context.authenticate(next((params[key] for key in AUTHORIZATION_KEYS if key in params), None))
        await context.confirm_viewer()
        try:
            context.viewer  # noqa: B018 - raises for a bad or expired token
        except ApiError as error:
            raise ConnectionRejectionError({"code": error.extensions["code"], "message": error.message}) from None
        if isinstance(params.get("locale"), str):
            context.locale = preferred_locale(params["locale"])
        return await super().on_ws_connect(context)
