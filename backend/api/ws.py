"""GraphQL over WebSocket (graphql-transport-ws) on /graphql: Strawberry's Channels consumer
and protocol handler, with capgraph's edge in the two places it decides.

- `connection_init`: who is connecting. `{"authorization": "Bearer <token>"}` in the
  payload, else the handshake's `Authorization` header, else the session cookie (the web
  app); none at all connects anonymously (every subscription then refuses with
  UNAUTHENTICATED, as over HTTP). A bad token closes the socket with 4403 and the reason
  "UNAUTHENTICATED: <message>". Browsers' handshakes from another origin are refused by
  Strawberry unless CSRF_TRUSTED_ORIGINS names it.
- `subscribe`: the same path as an HTTP request (api.views._prelude): the document from
  free text, APQ or the trusted documents (PERSISTED_QUERIES applies alike), the limits,
  validation, cost and the points budget; a token is looked up again (a revoked one is
  refused). Only subscriptions run here: queries and mutations are refused (BAD_REQUEST)
  and belong on HTTP, with its response cache, CSRF and logs. At most
  SUBSCRIPTIONS_PER_CONNECTION at once (TOO_MANY_SUBSCRIPTIONS). Errors are formatted and
  masked as in any answer (api.errors).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from contextlib import aclosing
from types import SimpleNamespace
from typing import Any, cast

import orjson
from asgiref.sync import sync_to_async
from django.conf import settings
from graphql import GraphQLError
from strawberry.channels import GraphQLWSConsumer
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)
from strawberry.types.execution import ExecutionResult

from accounts.access import Viewer, viewer_from_user
from accounts.auth import AuthFailed, bearer_viewer
from core.errors import ErrorCode
from graphql_schema.context import Context, build_context

from . import limits, persisted
from .errors import format_error
from .gate import WEBSOCKET, refuse
from .schema import schema
from .views import BadRequest, Prelude, _after, _prelude, check_params, stream_payload

logger = logging.getLogger("capgraph.operation")
MAX_OPERATION_ID = 128
MAX_REASON = 120  # a close reason is at most 123 bytes


class Connection:
    """What Strawberry calls the connection's context: who is connected and what they may
    see. Each operation gets its own graphql_schema Context built from it."""

    def __init__(self, consumer: GraphQLWSConsumer) -> None:
        self.consumer = consumer
        scope = consumer.scope
        self.headers = {
            name.decode("latin1").lower(): value.decode("latin1")
            for name, value in scope.get("headers", ())
        }
        client = scope.get("client") or ("", 0)
        # The client's address as the HTTP edge settles it (api.edge.TrustedProxyScope ran
        # first: X-Forwarded-For only from TRUSTED_PROXIES): rate limits and logs key on it.
        # The session (the web app's login) is checked again while a subscription is open.
        self.request: Any = SimpleNamespace(
            META={"REMOTE_ADDR": client[0] or "?"}, session=scope.get("session")
        )
        self.connection_params: dict[str, Any] = {}
        self.authorization: str | None = None
        self.viewer: Viewer | None = None
        self.base: Context | None = None

    async def authenticate(self, payload: dict[str, Any]) -> None:
        header = payload.get("authorization", payload.get("Authorization"))
        if header is not None and not isinstance(header, str):
            raise AuthFailed("connection_init's authorization must be 'Bearer <token>'")
        header = header or self.headers.get("authorization")
        if header:
            self.viewer = await bearer_viewer(header)
            self.authorization = header
        else:
            user = self.consumer.scope.get("user")
            self.viewer = viewer_from_user(user) if user is not None else None
        self.base = await build_context(self.request, self.viewer)

    async def context(self) -> Context:
        """A fresh context for one operation (its own document, budget and loaders)."""
        assert self.base is not None
        viewer = self.viewer
        if self.authorization is not None:  # revoked or expired since connecting: refused
            viewer = await bearer_viewer(self.authorization)
        return Context(request=self.request, viewer=viewer, scope=self.base.scope)


class WsOperation(Operation):
    __slots__ = ("context", "document", "params")

    def __init__(self, handler: Handler, id: str, params: dict[str, Any]) -> None:
        super().__init__(handler, id, "", None, None)
        self.params = params
        self.context: Context | None = None
        self.document: Any = None

    async def send_initial_errors(self, errors: list[GraphQLError]) -> None:
        payload = [format_error(e, self.document) for e in errors]
        await self.send_operation_message(
            cast("Message", {"id": self.id, "type": "error", "payload": payload})
        )

    async def send_next(self, execution_result: ExecutionResult) -> None:
        assert self.context is not None
        payload = stream_payload(execution_result, self.context)
        await self.send_operation_message(
            cast("Message", {"id": self.id, "type": "next", "payload": payload})
        )


def _error(message: str, code: ErrorCode) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class Handler(BaseGraphQLTransportWSHandler[Any, None]):
    context: Connection

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if self.connection_timed_out:
            return
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        payload = message.get("payload")
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            await self.websocket.close(code=4400, reason="Invalid connection init payload")
            return
        if self.connection_init_received:
            await self.websocket.close(code=4429, reason="Too many initialisation requests")
            return
        self.connection_init_received = True
        self.context.connection_params = payload
        try:
            await self.context.authenticate(payload)
        except AuthFailed as e:
            code = ErrorCode.UNAUTHENTICATED if e.status == 401 else ErrorCode.FORBIDDEN
            reason = f"{code.value}: {e.message}"[:MAX_REASON]
            await self.websocket.close(code=4403, reason=reason)
            return
        except Exception:
            logger.exception("WebSocket connection_init failed")
            reason = f"{ErrorCode.SERVICE_UNAVAILABLE.value}: retry shortly"
            await self.websocket.close(code=1011, reason=reason)
            return
        await self.send_message({"type": "connection_ack"})
        self.connection_acknowledged = True

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if not self.connection_acknowledged:
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        op_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(op_id, str) or not op_id or len(op_id) > MAX_OPERATION_ID:
            await self.websocket.close(code=4400, reason="Invalid subscribe message id")
            return
        if op_id in self.operations:
            await self.websocket.close(code=4409, reason=f"Subscriber for {op_id} already exists")
            return
        if not isinstance(payload, dict):
            await self.websocket.close(code=4400, reason="Invalid subscribe payload")
            return
        operation = WsOperation(self, op_id, cast("dict[str, Any]", payload))
        limit = settings.SUBSCRIPTIONS_PER_CONNECTION
        if len(self.operations) >= limit:
            error = _error(
                f"This connection already has {limit} subscriptions open",
                ErrorCode.TOO_MANY_SUBSCRIPTIONS,
            )
            await self.send_message({"id": op_id, "type": "error", "payload": [error.formatted]})
            return
        operation.task = asyncio.create_task(self.run_operation(operation))
        operation.task.add_done_callback(self._task_done)
        self.operations[op_id] = operation

    async def _admit(self, operation: WsOperation) -> tuple[Context, Prelude] | list[GraphQLError]:
        params = dict(operation.params)
        if params.get("query") == "":  # graphql-ws clients must send one: "" with a hash is none
            params.pop("query")
        try:
            params = check_params(params)
        except BadRequest as e:
            return [_error(str(e), e.code)]
        try:
            context = await self.context.context()
        except AuthFailed as e:
            return [_error(e.message, ErrorCode.UNAUTHENTICATED)]
        limit = settings.QUERY_LIMITS["characters"]
        if len(params.get("query") or "") > limit:
            message = f"Document has {len(params['query'])} characters; the limit is {limit}"
            return await sync_to_async(refuse)(context, limits.too_complex(message))
        try:
            prelude = await sync_to_async(_prelude)(params, context, WEBSOCKET)
        except persisted.PersistedQueryError as e:
            refusal = _error(e.message, e.code)
            if e.code == ErrorCode.PERSISTED_QUERY_NOT_FOUND:
                return [refusal]
            return await sync_to_async(refuse)(context, refusal)
        if not prelude.admission.admitted:
            operation.document = prelude.admission.document
            return prelude.admission.errors
        await sync_to_async(_after)(prelude, None)  # an APQ registration
        viewer = context.viewer
        logger.info(
            json.dumps(
                {
                    "operation": limits.clip(params.get("operationName") or "") or None,
                    "hash": prelude.document.hash,
                    "transport": "ws",
                    "user": viewer.user_id if viewer else None,
                    "cost": context.budget.cost if context.budget is not None else None,
                }
            )
        )
        return context, prelude

    async def run_operation(self, operation: Operation) -> None:
        assert isinstance(operation, WsOperation)
        try:
            admitted = await self._admit(operation)
            if isinstance(admitted, list):
                await operation.send_initial_errors(admitted)
                return
            context, prelude = admitted
            operation.context, operation.document = context, context.document
            params = operation.params
            result_source = await self.schema.subscribe(
                prelude.document.query,
                variable_values=params.get("variables"),
                context_value=context,
                operation_name=params.get("operationName"),
            )
            async with aclosing(result_source):
                await self._send_result_stream(operation, result_source)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except Exception as error:
            await self.handle_task_exception(error)
            try:
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            except Exception:
                logger.debug("could not complete operation %s", operation.id)
            self.operations.pop(operation.id, None)


class GraphQLWebSocket(GraphQLWSConsumer):
    graphql_transport_ws_handler_class = Handler

    async def get_context(self, request: Any, response: Any) -> Any:
        return Connection(request)

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()


def consumer() -> Any:
    """The ASGI app of one WebSocket (config/asgi.py routes /graphql to it)."""
    return GraphQLWebSocket.as_asgi(
        schema=schema,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=dt.timedelta(seconds=settings.SUBSCRIPTION_INIT_SECONDS),
        max_subscriptions_per_connection=None,  # Handler counts, with a code
        allowed_origins=list(settings.CSRF_TRUSTED_ORIGINS),
    )
