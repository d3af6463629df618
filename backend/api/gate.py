"""What every operation passes before it executes: document limits, cost, rate limit."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from graphql import DocumentNode, GraphQLError, OperationType, get_operation_ast
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from . import limits, ratelimit


def identity(context: Any) -> str:
    viewer = context.viewer
    if viewer is not None:
        return f"t{viewer.token_id}" if viewer.token_id else f"u{viewer.user_id}"
    request = context.request
    return f"ip{request.META.get('REMOTE_ADDR', '?')}" if request is not None else "ip?"


def charge(
    context: Any,
    schema: Any,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict | None,
) -> list[GraphQLError]:
    """Refuse a too costly operation, else take its points (sync: it may call Redis)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []  # execution reports the unknown operation
    nodes = limits.query_nodes(schema, document, operation, variables)
    maximum = settings.QUERY_LIMITS["nodes"]
    if nodes > maximum:
        return [
            limits.too_complex(f"Query cost {nodes} nodes exceeds the limit of {maximum} nodes")
        ]
    mutation = operation.operation == OperationType.MUTATION
    budget = ratelimit.consume(identity(context), ratelimit.points(nodes, mutation))
    context.budget = budget
    if not budget.allowed:
        return [
            GraphQLError(
                f"Rate limit of {budget.limit} points per hour exceeded; this request costs "
                f"{budget.cost}, {budget.remaining} remain until {budget.reset_iso}",
                extensions={"code": "RATE_LIMITED", "retryAfter": budget.retry_after()},
            )
        ]
    return []


class Gate(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = settings.QUERY_LIMITS["tokens"]
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        rules = [*ctx.validation_rules, limits.DocumentLimitsRule]
        if not getattr(ctx.context, "introspection_allowed", True):
            rules.append(limits.NoIntrospectionRule)
        ctx.validation_rules = tuple(rules)
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and not ctx.result:
            errors = await sync_to_async(charge)(
                ctx.context,
                ctx.schema._schema,
                ctx.graphql_document,
                ctx.operation_name,
                ctx.variables,
            )
            if errors:
                ctx.result = GraphQLExecutionResult(data=None, errors=errors)
        yield
