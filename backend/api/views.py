"""The GraphQL endpoint: GET and POST per GraphQL over HTTP, orjson-encoded."""

from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from strawberry.exceptions import MissingQueryError
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from graphql_schema.context import build_context
from graphql_schema.schema import schema

from .auth import AuthFailed, authenticate
from .errors import error_body, format_error

GRAPHQL_RESPONSE = "application/graphql-response+json"
GET_OPERATIONS = frozenset({OperationType.QUERY})
POST_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


class BadRequest(Exception):
    pass


def _json(body: Any, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(orjson.dumps(body), status=status, content_type=content_type)


def _params(request: HttpRequest) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = {k: request.GET.get(k) for k in request.GET}
        for key in ("variables", "extensions"):
            if params.get(key):
                try:
                    params[key] = orjson.loads(params[key])
                except orjson.JSONDecodeError:
                    raise BadRequest(f"{key} must be JSON-encoded") from None
        return params
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise BadRequest("POST bodies must be application/json")
    try:
        params = orjson.loads(request.body)
    except orjson.JSONDecodeError:
        raise BadRequest("Unable to parse request body as JSON") from None
    if isinstance(params, list):
        raise BadRequest("Batched operations are not supported: send one operation per request")
    if not isinstance(params, dict):
        raise BadRequest("The request body must be a JSON object")
    return params


def _check_types(params: dict[str, Any]) -> None:
    for key, kind in (("query", str), ("operationName", str), ("variables", dict)):
        value = params.get(key)
        if value is not None and not isinstance(value, kind):
            raise BadRequest(f"{key} must be a {'string' if kind is str else 'JSON object'}")


def _wants_ide(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and "query" not in request.GET
        and "text/html" in request.headers.get("Accept", "")
    )


@csrf_exempt  # token clients send no cookies; session requests are checked in authenticate()
async def graphql_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        response = _json(error_body("GraphQL only supports GET and POST", "BAD_REQUEST"), 405)
        response["Allow"] = "GET, POST"
        return response
    if _wants_ide(request):
        if settings.DEBUG:
            return HttpResponse(get_graphql_ide_html(graphql_ide="graphiql"))
        return HttpResponse("Not Found", status=404, content_type="text/plain")

    content_type = (
        GRAPHQL_RESPONSE
        if GRAPHQL_RESPONSE in request.headers.get("Accept", "")
        else "application/json"
    )
    try:
        params = _params(request)
        _check_types(params)
    except BadRequest as e:
        return _json(error_body(str(e), "BAD_REQUEST"), 400, content_type)

    try:
        viewer = await authenticate(request)
    except AuthFailed as e:
        code = "UNAUTHENTICATED" if e.status == 401 else "FORBIDDEN"
        response = _json(error_body(e.message, code), e.status, content_type)
        if e.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="capgraph"'
        return response

    context = await build_context(request, viewer)
    try:
        result = await schema.execute(
            params.get("query"),
            variable_values=params.get("variables"),
            context_value=context,
            operation_name=params.get("operationName"),
            allowed_operation_types=GET_OPERATIONS if request.method == "GET" else POST_OPERATIONS,
        )
    except InvalidOperationTypeError:
        response = _json(
            error_body("Mutations are only allowed over POST", "BAD_REQUEST"), 405, content_type
        )
        response["Allow"] = "POST"
        return response
    except MissingQueryError:
        return _json(
            error_body("No GraphQL query found in the request", "BAD_REQUEST"), 400, content_type
        )
    except CannotGetOperationTypeError as e:
        return _json(error_body(e.as_http_error_reason(), "BAD_REQUEST"), 400, content_type)

    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [format_error(err) for err in result.errors]
    request_error = result.data is None and bool(result.errors) and _before_execution(result)
    if not request_error:
        body["data"] = result.data
    status = 400 if request_error and content_type == GRAPHQL_RESPONSE else 200
    return _json(body, status, content_type)


def _before_execution(result: Any) -> bool:
    """Parse, validation and variable errors stop a request before any field runs."""
    return all(not err.path for err in result.errors)
