"""The GraphQL endpoint: GET and POST per GraphQL over HTTP, orjson-encoded.

Per request: authenticate, pick the document (free text, APQ or trusted), answer from the
response cache when a known query's key is there, else execute (parse and validation
skipped for known documents), cache the answer, and log one line.
"""

import json
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import orjson
import sentry_sdk
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from graphql import GraphQLError
from graphql import OperationType as GraphQLOperationType
from psycopg_pool import PoolTimeout
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.streaming import SSETransport, merge_stream_with_heartbeat
from strawberry.types.graphql import OperationType

from accounts.auth import AuthFailed, authenticate
from core.errors import ErrorCode
from graphql_schema.context import Context, build_context

from . import compiled, documents, graphiql, limits, persisted, response_cache, sqlcount
from .errors import error_body, format_error
from .gate import SSE, Admission, admit, refuse
from .limits import clip
from .schema import SCHEMA_VERSION, schema

logger = logging.getLogger("capgraph.operation")
GRAPHQL_RESPONSE = "application/graphql-response+json"
R = TypeVar("R", HttpResponse, StreamingHttpResponse)
POST_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


class BadRequest(Exception):
    def __init__(
        self, message: str, status: int = 400, code: ErrorCode = ErrorCode.BAD_REQUEST
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def _response(
    body: Any, status: int = 200, content_type: str = "application/json", **headers: str
) -> HttpResponse:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    response = HttpResponse(content, status=status, content_type=content_type)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _params(request: HttpRequest) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = {k: request.GET.get(k) for k in request.GET}
        for key in ("variables", "extensions"):
            if params.get(key):
                try:
                    params[key] = orjson.loads(params[key])
                except orjson.JSONDecodeError:
                    raise BadRequest(f"{key} must be JSON-encoded") from None
    else:
        if (request.content_type or "") != "application/json":
            raise BadRequest("POST bodies must be application/json")
        try:
            params = orjson.loads(request.body)
        except RequestDataTooBig:
            raise BadRequest(
                f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes",
                413,
                ErrorCode.REQUEST_TOO_LARGE,
            ) from None
        except orjson.JSONDecodeError:
            raise BadRequest("Unable to parse request body as JSON") from None
        if isinstance(params, list):
            raise BadRequest("Batched operations are not supported: send one operation per request")
        if not isinstance(params, dict):
            raise BadRequest("The request body must be a JSON object")
    return check_params(params)


def check_params(params: dict[str, Any]) -> dict[str, Any]:
    """The operation's parameters have their types (an HTTP request's, or the payload of a
    WebSocket `subscribe` message)."""
    for key, kind in (
        ("query", str),
        ("operationName", str),
        ("variables", dict),
        ("extensions", dict),
    ):
        value = params.get(key)
        if value is not None and not isinstance(value, kind):
            raise BadRequest(f"{key} must be a {'string' if kind is str else 'JSON object'}")
    return params


def _wants_ide(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.GET
        and "text/html" in request.headers.get("Accept", "")
    )


@dataclass(slots=True)
class Prelude:
    """What one thread hop before execution finds out."""

    document: persisted.Document
    document_key: str  # as in context.document_key
    admission: Admission
    cache_key: str | None = None
    cached: response_cache.Entry | None = None


def _prelude(params: dict[str, Any], context: Context, method: str) -> Prelude:
    viewer = context.viewer
    is_staff = viewer is not None and viewer.is_staff
    document = persisted.resolve(params, is_staff=is_staff, anonymous=viewer is None)
    context.introspection_allowed = settings.DEBUG or is_staff
    key = documents.cache_key(SCHEMA_VERSION, document.hash, context.introspection_allowed)
    context.document_key = key
    # Limits, validation, bounds and cost, charged, before anything else happens.
    admission = admit(
        context,
        schema._schema,
        document.query,
        documents.validated.get(key),
        params.get("operationName"),
        params.get("variables"),
        method,
    )
    prelude = Prelude(document, key, admission)
    if not admission.admitted:
        return prelude
    context.document = admission.document
    operation = documents.known_operation(schema._schema, key, params.get("operationName"))
    if (
        settings.RESPONSE_CACHE_TTL
        and viewer is not None
        and operation is not None
        and operation.cacheable
    ):
        per_viewer = operation.per_viewer

        def key_at(version: int | str) -> str:
            return _response_key(params, context, prelude, per_viewer, version)

        # The data version, read before the work, and the answer cached under it.
        # Served from cache, still charged (above): cost is the document's, not the work.
        version, prelude.cached = response_cache.lookup(key_at)
        if version is not None:
            prelude.cache_key = key_at(version)
        if prelude.cached is not None and document.register_apq:
            persisted.apq_store(document.hash, document.query)  # it has validated
    return prelude


def _response_key(
    params: dict[str, Any],
    context: Context,
    prelude: Prelude,
    per_viewer: bool,
    data_version: int | str,
) -> str:
    viewer = context.viewer
    assert viewer is not None
    return response_cache.response_key(
        SCHEMA_VERSION,
        prelude.document.hash,
        params.get("operationName"),
        params.get("variables"),
        response_cache.scope_key(
            context.scope.departments, viewer.can_write, viewer.user_id, per_viewer
        ),
        data_version,
    )


def _after(prelude: Prelude, answer: response_cache.Entry | None) -> None:
    """Store an APQ registration that validated, and a cacheable answer."""
    if prelude.document.register_apq and documents.validated.get(prelude.document_key):
        persisted.apq_store(prelude.document.hash, prelude.document.query)
    if prelude.cache_key is not None and answer is not None:
        response_cache.put(prelude.cache_key, answer)


# The database could not be reached in time (the pool stayed exhausted past DB_POOL_TIMEOUT,
# or the server is down) before the operation ran: a retryable 503, not an HTML 500.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (PoolTimeout, DatabaseOperationalError)
RETRY_AFTER_SECONDS = 5


async def graphql_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    try:
        return await _graphql_view(request)
    except UNAVAILABLE_ERRORS as exc:
        logger.error("database unavailable: %s", type(exc).__name__)
        sentry_sdk.capture_exception(exc)
        message = "The service is busy or unavailable: retry shortly"
        body = error_body(message, ErrorCode.SERVICE_UNAVAILABLE)
        return _response(
            body,
            503,
            "application/json",
            Cache_Control="no-store",
            Retry_After=str(RETRY_AFTER_SECONDS),
        )


async def _graphql_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if request.method not in ("GET", "POST"):
        return _response(
            error_body("GraphQL only supports GET and POST", ErrorCode.BAD_REQUEST),
            405,
            Allow="GET, POST",
        )
    if _wants_ide(request):  # GraphiQL: in DEBUG, or for staff sessions
        if settings.DEBUG or (await request.auser()).is_staff:
            return graphiql.page(request)
        return HttpResponse("Not Found", status=404, content_type="text/plain")

    started = time.perf_counter()
    sql = sqlcount.start()
    accept = request.headers.get("Accept", "")
    content_type = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in accept else "application/json"
    # graphql-sse's "distinct connections" mode: a subscription from a client that accepts
    # text/event-stream is streamed back (Strawberry's SSE transport); everything before is as
    # for any request, and a query or mutation is answered as usual (clients such as urql
    # list text/event-stream in every request's Accept).
    sse = SSE_TRANSPORT.accepts(accept)
    log: dict[str, Any] = {"operation": None, "hash": None, "cache": "BYPASS", "user": None}

    context: Context | None = None

    def finish(response: R) -> R:
        # Every answer depends on who asks: a token's (or a session's) must never be served
        # to another caller by a shared cache that keys on the URL alone.
        patch_vary_headers(response, ("Authorization", "Cookie"))
        response["X-Capgraph-Cache"] = log["cache"]
        budget = context.budget if context is not None else None
        if budget is not None:
            response["X-RateLimit-Limit"] = str(budget.limit)
            response["X-RateLimit-Remaining"] = str(budget.remaining)
            response["X-RateLimit-Used"] = str(budget.used)
            response["X-RateLimit-Reset"] = str(budget.reset_at)
            log["cost"] = budget.cost
            if not budget.allowed:
                response["Retry-After"] = str(budget.retry_after())
        duration = round((time.perf_counter() - started) * 1000, 1)
        log.update(status=response.status_code, duration_ms=duration, sql_queries=sql[0])
        response["Server-Timing"] = f"app;dur={duration}"
        sentry_sdk.add_breadcrumb(
            category="graphql",
            message=f"end {log['operation'] or 'anonymous operation'}",
            data={k: log.get(k) for k in ("hash", "status", "sql_queries", "cache")},
        )
        slow = duration > settings.SLOW_OPERATION_MS
        logger.log(logging.WARNING if slow else logging.INFO, json.dumps(log))
        return response

    try:
        params = _params(request)
    except BadRequest as e:
        return finish(_response(error_body(str(e), e.code), e.status, content_type))
    name = params.get("operationName")
    log["operation"] = clip(name) if name else None
    sentry_sdk.get_current_scope().set_transaction_name(
        f"graphql {log['operation'] or 'anonymous'}", source="custom"
    )
    try:
        viewer = await authenticate(request)
    except AuthFailed as e:
        code = ErrorCode.UNAUTHENTICATED if e.status == 401 else ErrorCode.FORBIDDEN
        headers = {"WWW_Authenticate": 'Bearer realm="capgraph"'} if e.status == 401 else {}
        return finish(_response(error_body(e.message, code), e.status, content_type, **headers))
    log["user"] = viewer.user_id if viewer else None

    context = await build_context(request, viewer)
    limit = settings.QUERY_LIMITS["characters"]
    if len(params.get("query") or "") > limit:  # refused unread, and charged
        message = f"Document has {len(params['query'])} characters; the limit is {limit}"
        errors = await sync_to_async(refuse)(context, limits.too_complex(message))
        return finish(_refused(errors, context, content_type))
    try:
        method = request.method or "POST"
        method = f"{method}/{SSE}" if sse else method
        prelude = await sync_to_async(_prelude)(params, context, method)
    except persisted.PersistedQueryError as e:
        if e.code != ErrorCode.PERSISTED_QUERY_NOT_FOUND:  # APQ's first step is free; refusals not
            refusal = GraphQLError(e.message, extensions={"code": e.code})
            errors = await sync_to_async(refuse)(context, refusal)
            if errors != [refusal]:  # the budget is spent
                return finish(_refused(errors, context, content_type))
        headers = {"Cache_Control": e.cache_control or "no-store"}
        return finish(_response(error_body(e.message, e.code), e.status, content_type, **headers))
    log["hash"] = prelude.document.hash
    # What Sentry events keep of a request (config.observability scrubs the rest).
    sentry_sdk.set_tag("graphql.document_hash", prelude.document.hash)
    sentry_sdk.set_tag("graphql.operation", (log["operation"] or "anonymous")[:200])
    sentry_sdk.add_breadcrumb(
        category="graphql",
        message=f"start {log['operation'] or 'anonymous operation'}",
        data={"hash": log["hash"]},
    )

    admission = prelude.admission
    if not admission.admitted:
        refused = _refused(
            admission.errors, context, content_type, admission.document, admission.status
        )
        for header, value in admission.headers.items():
            refused[header] = value
        return finish(refused)
    operation = admission.operation
    if sse and operation is not None and operation.operation == GraphQLOperationType.SUBSCRIPTION:
        log["transport"] = "sse"
        await sync_to_async(_after)(prelude, None)  # an APQ registration
        return finish(_event_stream(params, context, prelude))
    if prelude.cached is not None:
        log["cache"] = "HIT"
        return finish(_cacheable(request, prelude.cached, content_type, context))

    async def compute() -> tuple[bytes, response_cache.Entry | None, int, dict[str, str]]:
        """The encoded body, the answer when it may be cached, status and headers."""
        # The operation's type was checked when it was admitted (api.gate).
        errors: list[GraphQLError] = []
        body: dict[str, Any] = {}
        outcome = await _compiled(params, context, prelude)
        if outcome is not None:  # its errors are field errors, located as graphql-core's
            errors = outcome.errors
            if errors:
                document = documents.validated.get(prelude.document_key)
                body["errors"] = [format_error(err, document) for err in errors]
            body["data"] = outcome.data
        else:  # not compiled, or the plan gave up: graphql-core runs it (and any error)
            result = await schema.execute(
                prelude.document.query,
                variable_values=params.get("variables"),
                context_value=context,
                operation_name=params.get("operationName"),
                allowed_operation_types=POST_OPERATIONS,
            )
            errors = list(result.errors or [])
            if errors:
                document = documents.validated.get(prelude.document_key)
                body["errors"] = [format_error(err, document) for err in errors]
            if not errors or any(err.path for err in errors):  # else a request error
                body["data"] = result.data
        request_error = bool(errors) and all(not err.path for err in errors)
        encoded = orjson.dumps(body)
        if len(encoded) > settings.MAX_RESPONSE_BYTES:  # never sent, never cached
            message = (
                f"The response would be {len(encoded)} bytes; the limit is "
                f"{settings.MAX_RESPONSE_BYTES}: ask for fewer items or fewer weeks"
            )
            encoded = orjson.dumps(error_body(message, ErrorCode.REQUEST_TOO_LARGE))
            errors, request_error = [GraphQLError(message)], True
        status = 400 if request_error and content_type == GRAPHQL_RESPONSE else 200
        if context.budget is not None and not context.budget.allowed:
            status = 429
        answer = None if errors else response_cache.entry(encoded)
        await sync_to_async(_after)(prelude, answer)
        return encoded, answer, status, {}

    if prelude.cache_key is not None:
        (encoded, answer, status, headers), shared = await response_cache.single_flight(
            prelude.cache_key, compute
        )
        log["cache"] = "HIT" if shared else "MISS"  # charged when admitted, either way
    else:
        encoded, answer, status, headers = await compute()
    if answer is not None and prelude.cache_key is not None:
        return finish(_cacheable(request, answer, content_type, context))
    encoded = _with_cost(encoded, context)
    return finish(_response(encoded, status, content_type, Cache_Control="no-store", **headers))


SSE_TRANSPORT = SSETransport()


def _event_stream(
    params: dict[str, Any], context: Context, prelude: Prelude
) -> StreamingHttpResponse:
    """An admitted subscription as a text/event-stream: `event: next` per result (errors
    formatted and masked as in any answer), `event: complete` at the end, and Strawberry's
    `: ping` comment every SUBSCRIPTION_HEARTBEAT_SECONDS while nothing else is sent."""
    transport = SSETransport(heartbeat_interval=settings.SUBSCRIPTION_HEARTBEAT_SECONDS)

    async def events() -> AsyncGenerator[str, None]:
        results = await schema.subscribe(
            prelude.document.query,
            variable_values=params.get("variables"),
            context_value=context,
            operation_name=params.get("operationName"),
        )
        async with aclosing(results):
            async for result in results:
                payload = cast("GraphQLHTTPResponse", stream_payload(result, context))
                yield transport.encode_next(payload, _json)
        yield transport.encode_complete()

    stream = merge_stream_with_heartbeat(
        events,
        lambda: transport.heartbeat_message(_json),
        interval=transport.heartbeat_interval,
        send_initial_heartbeat=transport.send_initial_heartbeat,
    )
    response = StreamingHttpResponse(stream(), status=200)
    for name, value in transport.headers.items():
        response[name] = value
    response["X-Accel-Buffering"] = "no"  # nginx (deploy/nginx.conf): pass each event on at once
    return response


def stream_payload(result: Any, context: Context) -> dict[str, Any]:
    """One result of a subscription, as a `next` event (SSE) or message (WebSocket) carries
    it: errors formatted by the edge's rule (intended codes kept, anything else masked)."""
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        document = context.document
        payload["errors"] = [format_error(err, document) for err in result.errors]
    return payload


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


async def _compiled(
    params: dict[str, Any], context: Context, prelude: Prelude
) -> compiled.Outcome | None:
    """A query's answer by its compiled plan (api.compiled), or None for graphql-core."""
    if not settings.COMPILED_QUERIES or context.document is None:
        return None
    return await compiled.execute(
        schema,
        prelude.document_key,
        context.document,
        params.get("operationName"),
        params.get("variables"),
        context,
    )


def _with_cost(body: bytes, context: Context) -> bytes:
    """Add `extensions.cost` to an encoded body (cached bodies are stored without it)."""
    budget = context.budget
    if budget is None or not body.endswith(b"}"):
        return body
    cost = orjson.dumps(
        {
            "cost": {
                "requested": budget.cost,
                "remaining": budget.remaining,
                "resetAt": budget.reset_iso,
            }
        }
    )
    # one copy of the body (slicing it and then adding to it made two: 11 MB each for a
    # 10,000-person heatmap)
    return b"".join((memoryview(body)[:-1], b',"extensions":', cost, b"}"))


def _refused(
    errors: list,
    context: Context,
    content_type: str,
    document: Any = None,
    status: int | None = None,
) -> HttpResponse:
    body = orjson.dumps({"errors": [format_error(e, document) for e in errors]})
    limited = context.budget is not None and not context.budget.allowed
    if limited:
        status = 429
    elif status is None:
        status = 400 if content_type == GRAPHQL_RESPONSE else 200
    return _response(_with_cost(body, context), status, content_type, Cache_Control="no-store")


def _cacheable(
    request: HttpRequest, answer: response_cache.Entry, content_type: str, context: Context
) -> HttpResponse:
    # The ETag is the answer's own: the cost extension added below changes every time.
    headers = {
        "ETag": answer.etag,
        "Cache_Control": f"private, max-age={settings.RESPONSE_CACHE_TTL}",
    }
    if answer.etag in (t.strip() for t in request.headers.get("If-None-Match", "").split(",")):
        return _response(b"", 304, content_type, **headers)
    return _response(_with_cost(answer.body, context), 200, content_type, **headers)
