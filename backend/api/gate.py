"""What every operation passes before it executes, in this order and in one thread hop (never
on the event loop): parse (token limit), the document limits (linear, api/limits.py),
the operation's type, validation, the variables (sizes, then coercion with their defaults),
list bounds and cost, then the points budget.

Every operation is charged: one that runs by its cost, one refused at any step above by at
least one point (RATE_LIMIT_REFUSED_COST), anonymous callers by address. A caller whose
budget is spent gets RATE_LIMITED whatever it sent.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    Lexer,
    OperationDefinitionNode,
    OperationType,
    Source,
    TokenKind,
    VariableNode,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
    visit,
)
from graphql.execution.values import get_variable_values
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from core.errors import ErrorCode

from . import documents, inputs, limits, ratelimit
from .rules import replace_rules


def identity(context: Any) -> str:
    viewer = context.viewer
    if viewer is not None:
        return f"t{viewer.token_id}" if viewer.token_id else f"u{viewer.user_id}"
    request = context.request
    return f"ip{request.META.get('REMOTE_ADDR', '?')}" if request is not None else "ip?"


@dataclass(slots=True)
class Admission:
    """A document ready to execute, or why not (errors, with an HTTP status when the
    refusal is about HTTP: 405 for a mutation over GET)."""

    document: DocumentNode | None = None
    operation: OperationDefinitionNode | None = None
    errors: list[GraphQLError] = field(default_factory=list)
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    nodes: int = 0

    @property
    def admitted(self) -> bool:
        return not self.errors


class Refused(Exception):
    def __init__(self, *errors: GraphQLError, status: int | None = None, **headers: str):
        super().__init__(errors[0].message)
        self.errors = list(errors)
        self.status = status
        self.headers = headers


def bad_request(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.BAD_REQUEST})


@lru_cache(maxsize=4)
def _rules(introspection: bool) -> tuple[type, ...]:
    rules: list[type] = [*replace_rules(tuple(specified_rules))]
    rules += [MaybeNullValidationRule, OneOfInputValidationRule, inputs.ControlCharactersRule]
    if not introspection:
        rules.append(limits.NoIntrospectionRule)
    return tuple(rules)


@lru_cache(maxsize=4)
def _ceiling(schema: GraphQLSchema) -> int:
    return limits.raw_ceiling(schema)


def validation_failed(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Validation errors keep a rule's own code (BAD_USER_INPUT for a literal of the wrong
    type) and are GRAPHQL_VALIDATION_FAILED otherwise (`Variable '$x' is never used`)."""
    coded = []
    for error in errors:
        if not (error.extensions or {}).get("code"):
            error.extensions = {
                **(error.extensions or {}),
                "code": ErrorCode.GRAPHQL_VALIDATION_FAILED,
            }
        coded.append(error)
    return coded


def bad_input(errors: list[GraphQLError]) -> list[GraphQLError]:
    for error in errors:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": ErrorCode.BAD_USER_INPUT}
    return errors


class _VariableArguments(Visitor):
    """The argument each variable feeds first (to name it in a REQUEST_TOO_LARGE)."""

    def __init__(self) -> None:
        super().__init__()
        self.arguments: dict[str, str] = {}

    def enter_argument(self, node: Any, *_args: Any) -> None:
        if isinstance(node.value, VariableNode):
            self.arguments.setdefault(node.value.name.value, node.name.value)


def tokens_through(source: str, position: int, stop: int) -> int:
    """How many tokens, comments included as the parser's `max_tokens` counts them, start at
    or before `position` (counting stops past `stop`, or at a token the lexer refuses)."""
    lexer = Lexer(Source(source))
    count = 0
    current = lexer.token
    try:
        while True:
            following = lexer.advance()
            token = current.next  # the comments skipped on the way, then `following`
            while token is not None:
                if token.kind is TokenKind.EOF or token.start > position:
                    return count
                count += 1
                if count > stop or token is following:
                    break
                token = token.next
            if count > stop:
                return count
            current = following
    except GraphQLSyntaxError:
        return count


def parse_failed(error: GraphQLSyntaxError, query: str) -> GraphQLSyntaxError:
    """A parse error's code, by the parser's rule that stopped it: QUERY_TOO_COMPLEX when the
    document holds more tokens than QUERY_LIMITS["tokens"] up to where parsing stopped (the
    token limit), GRAPHQL_PARSE_FAILED for any other syntax error."""
    limit = settings.QUERY_LIMITS["tokens"]
    position = next(iter(error.positions or ()), len(query))
    over = tokens_through(query, position, limit) > limit
    code = ErrorCode.QUERY_TOO_COMPLEX if over else ErrorCode.GRAPHQL_PARSE_FAILED
    error.extensions = {"code": code}
    return error


def document_of(query: str, cached: DocumentNode | None) -> DocumentNode:
    """Parse, limit and validate a document (or take a validated one)."""
    if cached is not None:
        return cached
    try:
        document = parse(query, max_tokens=settings.QUERY_LIMITS["tokens"])
    except GraphQLSyntaxError as error:
        raise Refused(parse_failed(error, query)) from None
    refused = limits.check_document(document)
    if refused:
        raise Refused(*refused)
    return document


# The `method` of an operation on a WebSocket (only a subscription runs there), and the
# suffix of an HTTP method whose client accepts an event stream ("POST/SSE": a subscription
# may run, as an SSE stream; queries and mutations are answered as usual).
SSE, WEBSOCKET = "SSE", "WS"


def _operation(document: DocumentNode, name: str | None, method: str) -> OperationDefinitionNode:
    operation = get_operation_ast(document, name)
    if operation is None:
        if name is not None:
            message = f"Unknown operation named '{limits.clip(name)}'."
        elif any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
            message = "Must provide operation name if query contains multiple operations."
        else:
            message = "The document holds no operation."
        raise Refused(bad_request(message), status=400)
    method, _, stream = method.partition("/")
    if method == WEBSOCKET:
        if operation.operation != OperationType.SUBSCRIPTION:
            raise Refused(
                bad_request(
                    "Only subscriptions run over a WebSocket: send queries and mutations as "
                    "plain HTTP requests"
                ),
                status=400,
            )
        return operation
    if operation.operation == OperationType.SUBSCRIPTION:
        if stream == SSE:
            return operation
        raise Refused(
            bad_request(
                "Subscriptions run over a WebSocket (graphql-transport-ws) or as an event "
                "stream (Accept: text/event-stream), not as plain HTTP requests"
            ),
            status=400,
        )
    if operation.operation == OperationType.MUTATION and method == "GET":
        raise Refused(bad_request("Mutations are only allowed over POST"), status=405, Allow="POST")
    return operation


def _check(
    schema: GraphQLSchema,
    query: str,
    cached: DocumentNode | None,
    introspection: bool,
    operation_name: str | None,
    raw_variables: dict[str, Any] | None,
    method: str,
    key: str | None,
    admission: Admission,
) -> None:
    document = document_of(query, cached)
    admission.document = document
    operation = _operation(document, operation_name, method)
    admission.operation = operation
    if cached is None:
        errors = validate(schema, document, _rules(introspection), hide_suggestions=True)
        if errors:
            raise Refused(*validation_failed(errors))
        if key is not None:  # valid whatever its variables: parse and validation are done
            documents.validated.put(key, document)
    variables = raw_variables or {}
    if variables:
        uses = _VariableArguments()
        visit(operation, uses)
        too_large = limits.check_raw_variables(variables, _ceiling(schema), uses.arguments)
        if too_large is not None:
            raise Refused(too_large)
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), variables, 50, hide_suggestions=True
    )
    if isinstance(coerced, list):
        raise Refused(*bad_input(coerced))
    control = inputs.check_variables(document, coerced.coerced)
    if control:
        raise Refused(*control)
    cost = limits.price(schema, document, operation, coerced)
    if cost.error is not None:
        raise Refused(cost.error)
    maximum = settings.QUERY_LIMITS["nodes"]
    if cost.nodes > maximum:
        raise Refused(
            limits.too_complex(
                f"Query cost {cost.nodes} nodes exceeds the limit of {maximum} nodes"
            )
        )
    admission.nodes = cost.nodes


def admit(
    context: Any,
    schema: GraphQLSchema,
    query: str,
    cached: DocumentNode | None,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    method: str = "POST",
) -> Admission:
    """Check an operation and charge it (sync: it may call Redis; never on the loop)."""
    admission = Admission()
    introspection = getattr(context, "introspection_allowed", True)
    try:
        key = getattr(context, "document_key", None)
        _check(
            schema, query, cached, introspection, operation_name, variables, method, key, admission
        )
    except Refused as refused:
        admission.errors = refused.errors
        admission.status = refused.status
        admission.headers = refused.headers
    if admission.errors:
        points = settings.RATE_LIMIT_REFUSED_COST
    else:
        assert admission.operation is not None
        mutation = admission.operation.operation == OperationType.MUTATION
        points = ratelimit.points(admission.nodes, mutation)
    budget = ratelimit.consume(identity(context), points)
    context.budget = budget
    if not budget.allowed:
        admission.status = None
        admission.headers = {}
        admission.errors = [_rate_limited(budget)]
    return admission


def refuse(context: Any, error: GraphQLError) -> list[GraphQLError]:
    """Charge a request refused before its document was even read."""
    budget = ratelimit.consume(identity(context), settings.RATE_LIMIT_REFUSED_COST)
    context.budget = budget
    return [error] if budget.allowed else [_rate_limited(budget)]


def _rate_limited(budget: ratelimit.Budget) -> GraphQLError:
    return GraphQLError(
        f"Rate limit of {budget.limit} points per hour exceeded; this request costs "
        f"{budget.cost}, {budget.remaining} remain until {budget.reset_iso}",
        extensions={"code": ErrorCode.RATE_LIMITED, "retryAfter": budget.retry_after()},
    )


class Gate(SchemaExtension):
    """Strawberry's own parse and validation only run for a document the view did not
    admit (it hands the admitted one over): they keep the same limits."""

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.parse_options["max_tokens"] = settings.QUERY_LIMITS["tokens"]
        yield
        for error in ctx.pre_execution_errors or ():
            if isinstance(error, GraphQLSyntaxError):
                parse_failed(error, ctx.query or "")

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.pre_execution_errors is None:
            refused = limits.check_document(ctx.graphql_document)
            if refused:
                ctx.pre_execution_errors = refused
        ctx.validation_rules = _rules(getattr(ctx.context, "introspection_allowed", True))
        yield
        if ctx.pre_execution_errors:
            ctx.pre_execution_errors = validation_failed(ctx.pre_execution_errors)
