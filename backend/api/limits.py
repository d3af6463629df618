"""Document limits and query cost, checked before anything executes.

Limits (settings, with these defaults): depth 10, aliases 15, directives 50, tokens 2,000,
document 15,000 characters. Cost counts nodes the way GitHub does: a list field's `first`,
`limit` or `weeks` (or its default; an estimate for lists without one) multiplies
everything below it; a request over MAX_QUERY_NODES is refused. Fragments are expanded
where they are spread, and a fragment cycle stops the expansion, so neither can hide cost.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    value_from_ast,
)

SIZE_ARGUMENTS = ("first", "limit", "weeks")
# Lists without a size argument: what one such list is assumed to hold.
LIST_ESTIMATES = {
    "rows": 500,  # heatmap rows: every active person in scope
    "people": 500,  # gridSnapshot.people
    "assignments": 10,
    "availability": 50,
    "skills": 10,
    "departments": 50,
    "roles": 50,
    "series": 20,
    "children": 10,
}
DEFAULT_LIST_ESTIMATE = 50


def too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX"})


def _fragments(context: Any) -> dict[str, FragmentDefinitionNode]:
    return {
        d.name.value: d
        for d in context.document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }


def _walk(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str],
    visit: Any,
) -> int:
    """Fold over selections, expanding fragment spreads (a cycle stops the expansion)."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += visit(selection, seen)
        elif isinstance(selection, InlineFragmentNode):
            total += _walk(selection.selection_set, fragments, seen, visit)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            total += _walk(fragments[name].selection_set, fragments, seen | {name}, visit)
    return total


def _count(node: Any, attribute: str) -> int:
    return len(getattr(node, attribute, None) or ())


class DocumentLimitsRule(ValidationRule):
    """Depth, aliases and directives per operation, each with its own message."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        fragments = _fragments(self.context)

        def depth_of(selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
            best = 0

            def visit(field: FieldNode, seen: frozenset[str]) -> int:
                nonlocal best
                if field.name.value.startswith("__"):  # introspection has its own gate
                    return 0
                best = max(best, 1 + depth_of(field.selection_set, seen))
                return 0

            _walk(selection_set, fragments, seen, visit)
            return best

        def count(selection_set: SelectionSetNode | None, what: str) -> int:
            def visit(field: FieldNode, seen: frozenset[str]) -> int:
                own = (1 if field.alias else 0) if what == "aliases" else _count(field, what)
                return own + _walk(field.selection_set, fragments, seen, visit)

            return _walk(selection_set, fragments, frozenset(), visit)

        limits = settings.QUERY_LIMITS
        depth = depth_of(node.selection_set, frozenset())
        if depth > limits["depth"]:
            self.report_error(
                too_complex(f"Query depth {depth} exceeds the limit of {limits['depth']}")
            )
        aliases = count(node.selection_set, "aliases")
        if aliases > limits["aliases"]:
            self.report_error(
                too_complex(f"Query uses {aliases} aliases; the limit is {limits['aliases']}")
            )
        directives = count(node.selection_set, "directives") + _count(node, "directives")
        if directives > limits["directives"]:
            self.report_error(
                too_complex(
                    f"Query uses {directives} directives; the limit is {limits['directives']}"
                )
            )


class NoIntrospectionRule(ValidationRule):
    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(
                GraphQLError(
                    "Introspection is disabled",
                    node,
                    extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                )
            )


def _size(field_def: Any, field: FieldNode, variables: Mapping[str, Any]) -> int | None:
    """The size a field's `first`, `limit` or `weeks` asks for (None without one)."""
    for name in SIZE_ARGUMENTS:
        arg_def = field_def.args.get(name)
        if arg_def is None:
            continue
        value = None
        for arg in field.arguments or ():
            if arg.name.value == name:
                if isinstance(arg.value, VariableNode):
                    value = variables.get(arg.value.name.value)
                else:
                    value = value_from_ast(arg.value, arg_def.type)
        if value is None:
            value = arg_def.default_value
        if isinstance(value, int) and value > 0:
            return value
    return None


def _is_list(type_: Any) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def query_nodes(
    schema: GraphQLSchema,
    document: Any,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> int:
    """The number of objects the operation can return, lists multiplying their children."""
    variables = variables or {}
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.mutation_type if operation.operation == OperationType.MUTATION else None
    root = root or schema.query_type

    def cost(
        selection_set: SelectionSetNode | None, parent: Any, multiplier: int, page: int | None
    ) -> int:
        def visit(field: FieldNode, seen: frozenset[str]) -> int:
            if not isinstance(parent, GraphQLObjectType):
                return 0
            field_def = parent.fields.get(field.name.value)
            if field_def is None or field.selection_set is None:
                return 0  # leaves (and JSON maps) are free
            asked = _size(field_def, field, variables)
            if _is_list(field_def.type):
                # a connection's `edges` hold as many as the connection's `first`
                size = asked or (page if field.name.value == "edges" else None)
                size = size or LIST_ESTIMATES.get(field.name.value, DEFAULT_LIST_ESTIMATE)
                mult, child_page = multiplier * size, None
            else:
                mult, child_page = multiplier, asked
            child = get_named_type(field_def.type)
            if not isinstance(child, GraphQLObjectType):
                return mult  # interfaces/unions: count the node, not below
            return mult + cost(field.selection_set, child, mult, child_page)

        return _walk(selection_set, fragments, frozenset(), visit)

    return cost(operation.selection_set, root, 1, None)
