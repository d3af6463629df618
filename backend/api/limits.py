"""Document limits, list bounds and query cost: checked before any other work, in time
linear in the document's size.

Every figure of a fragment (depth, aliases, directives, expanded size, cost) is computed
once and multiplied where the fragment is spread, never expanded, so a document that
spreads each fragment twice at each of 30 levels costs 30 steps here, not 2**30. Limits
(settings.QUERY_LIMITS, these defaults): depth 10, aliases 15, directives 50 (on fields,
fragment spreads, inline fragments, fragment definitions and the operation), tokens 2,000,
characters 15,000, 2,000 fields once fragments are expanded, and 10 fields with one
response name at one place of the response (graphql-core's OverlappingFieldsCanBeMerged
compares those pairwise: 450 `viewer { username }` took it a second).

Cost counts nodes the way GitHub does: a list field's `first`, `limit` or `weeks` (or its
default) multiplies everything below it; a list of objects without one declares what it is
assumed to hold on the field (`graphql_schema.policy`, a test fails for one that does not),
a connection's `edges` hold its `first`, an object declared `sized` (the week maps) counts
as a list of its size argument, and a size argument sent as null counts
DEFAULT_LIST_ESTIMATE. Every item
of an input list (and entry of a JSON map) sent as an argument counts one node where the
field is. Arguments are the operation's coerced values (variables with their defaults).
A request over MAX_QUERY_NODES is refused.

Every list argument and list input field declares its bound in the schema
(`graphql_schema.validation.bounded`); `list_bounds` reads them, and a test fails when one
is missing. Beyond a bound: REQUEST_TOO_LARGE naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
)
from graphql.execution.values import get_argument_values

from core.errors import ErrorCode
from graphql_schema.policy import policy_of
from graphql_schema.validation import ListBound, list_bound_of

SIZE_ARGUMENTS = ("first", "limit", "weeks")
# A list whose size argument is sent as null (or one that declares no estimate)
DEFAULT_LIST_ESTIMATE = 50
CLIP = 200  # client strings echoed in messages and logs


def clip(text: str, limit: int = CLIP) -> str:
    """A client's string as it may be echoed or logged: at most `limit` characters."""
    return text if len(text) <= limit else text[:limit] + "..."


def too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX})


def too_large(message: str, field: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.REQUEST_TOO_LARGE, "field": field})


# --- the document's own figures ---------------------------------------------------------


@dataclass(slots=True)
class Figures:
    """A selection set's figures with its fragments multiplied in."""

    depth: int = 0
    aliases: int = 0
    directives: int = 0
    fields: int = 0  # field selections once every fragment spread is expanded

    def add(self, other: Figures, depth_offset: int = 0) -> None:
        self.depth = max(self.depth, other.depth + depth_offset)
        self.aliases += other.aliases
        self.directives += other.directives
        self.fields += other.fields


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


class _Analysis:
    """Figures per fragment, each computed once (a cycle or an unknown name counts nothing:
    validation reports both)."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = _fragments(document)
        self.memo: dict[str, Figures] = {}
        self.active: set[str] = set()
        self.cyclic = False

    def fragment(self, name: str) -> Figures | None:
        found = self.memo.get(name)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if name in self.active:
            self.cyclic = True
        if definition is None or name in self.active:
            return None
        self.active.add(name)
        figures = self.selection_set(definition.selection_set)
        figures.directives += len(definition.directives or ())
        self.active.discard(name)
        self.memo[name] = figures
        return figures

    def selection_set(self, selection_set: SelectionSetNode | None) -> Figures:
        figures = Figures()
        if selection_set is None:
            return figures
        for selection in selection_set.selections:
            figures.directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                figures.fields += 1
                figures.aliases += 1 if selection.alias else 0
                below = self.selection_set(selection.selection_set)
                if selection.name.value.startswith("__"):
                    below.depth = -1  # introspection has its own gate: no depth
                figures.add(below, 1)
            elif isinstance(selection, InlineFragmentNode):
                figures.add(self.selection_set(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                spread = self.fragment(selection.name.value)
                if spread is not None:
                    figures.add(spread)
        return figures


def _same_place_fields(
    selection_sets: list[SelectionSetNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> Iterator[tuple[str, int]]:
    """(response name, how many fields) for every place of the response, fragments
    expanded: only called once the expanded size is known to be bounded."""
    stack = [selection_sets]
    while stack:
        sets = stack.pop()
        by_name: dict[str, list[SelectionSetNode]] = {}
        counts: dict[str, int] = {}
        pending = list(sets)
        seen: set[str] = set()
        while pending:
            current = pending.pop()
            for selection in current.selections:
                if isinstance(selection, FieldNode):
                    name = (selection.alias or selection.name).value
                    counts[name] = counts.get(name, 0) + 1
                    if selection.selection_set is not None:
                        by_name.setdefault(name, []).append(selection.selection_set)
                elif isinstance(selection, InlineFragmentNode):
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    definition = fragments.get(selection.name.value)
                    # a fragment spread twice in one place merges into one: count it once
                    if definition is not None and selection.name.value not in seen:
                        seen.add(selection.name.value)
                        pending.append(definition.selection_set)
        yield from counts.items()
        stack.extend(by_name.values())


def check_document(document: DocumentNode) -> list[GraphQLError]:
    """Depth, aliases, directives and expanded size of every operation (and of fragments
    no operation spreads), each with its own message. Linear in the document's size."""
    limits = settings.QUERY_LIMITS
    analysis = _Analysis(document)
    errors: list[GraphQLError] = []
    total = 0
    roots: list[SelectionSetNode] = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        figures = analysis.selection_set(definition.selection_set)
        figures.directives += len(definition.directives or ()) + sum(
            len(v.directives or ()) for v in definition.variable_definitions or ()
        )
        total += figures.fields
        roots.append(definition.selection_set)
        if figures.depth > limits["depth"]:
            errors.append(
                too_complex(f"Query depth {figures.depth} exceeds the limit of {limits['depth']}")
            )
        if figures.aliases > limits["aliases"]:
            errors.append(
                too_complex(
                    f"Query uses {figures.aliases} aliases; the limit is {limits['aliases']}"
                )
            )
        if figures.directives > limits["directives"]:
            errors.append(
                too_complex(
                    f"Query uses {figures.directives} directives; the limit is "
                    f"{limits['directives']}"
                )
            )
    for name, definition in analysis.fragments.items():
        if name not in analysis.memo:  # spread by no operation: validation still walks it
            figures = analysis.fragment(name) or Figures()
            total += figures.fields
            roots.append(definition.selection_set)
    if errors or analysis.cyclic:  # validation reports a cycle
        return errors[:3]
    if total > limits["fields"]:
        return [
            too_complex(
                f"Query expands to {total} fields once fragments are spread; the limit is "
                f"{limits['fields']}"
            )
        ]
    for name, count in _same_place_fields(roots, analysis.fragments):
        if count > limits["same_field"]:
            return [
                too_complex(
                    f"Query selects '{clip(name, 50)}' {count} times at one place; the limit "
                    f"is {limits['same_field']}"
                )
            ]
    return []


class NoIntrospectionRule(ValidationRule):
    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(
                GraphQLError(
                    "Introspection is disabled",
                    node,
                    extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED},
                )
            )


# --- variables as sent, before coercion --------------------------------------------------


def raw_ceiling(schema: GraphQLSchema) -> int:
    """The largest bound any list in the schema has."""
    return max((bound.items for _, bound in list_bounds(schema) if bound), default=0)


def check_raw_variables(
    variables: Mapping[str, Any], ceiling: int, argument_of: Mapping[str, str]
) -> GraphQLError | None:
    """Refuse a variable holding a list or map longer than any bound before it is coerced
    (coercing 100,000 names takes longer than refusing them). Iterative: JSON nests deep."""
    stack: list[tuple[Any, str]] = [
        (value, argument_of.get(name, name)) for name, value in variables.items()
    ]
    while stack:
        value, path = stack.pop()
        if isinstance(value, list | dict):
            if len(value) > ceiling:
                return too_large(f"{path} holds {len(value)} items; at most {ceiling}", path)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((v, f"{path}.{clip(str(k), 50)}") for k, v in items)
    return None


# --- list bounds -------------------------------------------------------------------------


def _is_list(type_: Any) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _is_map(type_: Any) -> bool:
    """A JSON input: unbounded maps and lists unless declared."""
    named = get_named_type(type_)
    return isinstance(named, GraphQLScalarType) and named.name == "JSON"


def list_bounds(
    schema: GraphQLSchema,
) -> Iterator[tuple[str, ListBound | None]]:
    """Every list (or JSON) argument and input field of the schema, with its bound."""
    for type_ in schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLObjectType):
            for field_name, field_def in type_.fields.items():
                for arg_name, arg in field_def.args.items():
                    if _is_list(arg.type) or _is_map(arg.type):
                        yield f"{type_.name}.{field_name}({arg_name})", list_bound_of(arg)
        elif isinstance(type_, GraphQLInputObjectType):
            for field_name, input_field in type_.fields.items():
                if _is_list(input_field.type) or _is_map(input_field.type):
                    yield f"{type_.name}.{field_name}", list_bound_of(input_field)


@dataclass(slots=True)
class _Inputs:
    """What a field's arguments hold: items counted, the first bound passed."""

    items: int = 0
    error: GraphQLError | None = None


def _json_items(value: Any) -> int:
    count, stack = 0, [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            count += len(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            count += len(current)
            stack.extend(current)
    return count


def _measure_input(
    value: Any, definition: GraphQLArgument | GraphQLInputField, path: str, out: _Inputs
) -> None:
    type_ = definition.type
    if value is None or out.error is not None:
        return
    bound = list_bound_of(definition)
    if _is_map(type_):
        size = len(value) if isinstance(value, dict | list) else 0
        if bound is not None and size > bound.items:
            out.error = too_large(f"{path} holds {size} {bound.noun}; at most {bound.items}", path)
            return
        out.items += _json_items(value)
        return
    named = get_named_type(type_)
    if _is_list(type_) and isinstance(value, list):
        if bound is not None and len(value) > bound.items:
            out.error = too_large(
                f"{path} holds {len(value)} {bound.noun}; at most {bound.items}", path
            )
            return
        out.items += len(value)
        if isinstance(named, GraphQLInputObjectType):
            for i, item in enumerate(value):
                _measure_object(item, named, f"{path}.{i}", out)
    elif isinstance(named, GraphQLInputObjectType) and isinstance(value, dict):
        _measure_object(value, named, path, out)


def _measure_object(value: Any, type_: GraphQLInputObjectType, path: str, out: _Inputs) -> None:
    if not isinstance(value, dict):
        return
    for name, input_field in type_.fields.items():
        if input_field.out_name and input_field.out_name in value:
            item = value[input_field.out_name]
        else:
            item = value.get(name)
        _measure_input(item, input_field, f"{path}.{name}", out)


# --- cost --------------------------------------------------------------------------------


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


@dataclass
class Cost:
    nodes: int = 0
    input_items: int = 0  # list items and map entries sent as arguments
    error: GraphQLError | None = None  # a list past its bound


@dataclass
class _Pricing:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: Any  # graphql-core's VariableValues
    memo: dict[tuple[str, str, int | None], tuple[int, int]] = field(default_factory=dict)
    active: set[tuple[str, str, int | None]] = field(default_factory=set)
    error: GraphQLError | None = None

    def arguments(self, field_def: Any, node: FieldNode) -> dict[str, Any]:
        if not field_def.args:
            return {}
        if not node.arguments:  # defaults only: no coercion to do
            return {
                name: arg.default_value
                for name, arg in field_def.args.items()
                if arg.default_value is not None
            }
        try:
            return get_argument_values(field_def, node, self.variables, hide_suggestions=True)
        except GraphQLError:
            return {}  # a value validation let through but that does not coerce: no size

    def selection_set(
        self, selection_set: SelectionSetNode | None, parent: Any, page: int | None
    ) -> tuple[int, int]:
        """(nodes, input items) below one instance of `parent`."""
        nodes = items = 0
        if selection_set is None or not isinstance(parent, GraphQLObjectType):
            return 0, 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                n, i = self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                n, i = self.selection_set(selection.selection_set, target or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                n, i = self.fragment(selection.name.value, page)
            else:  # pragma: no cover - the three selection kinds
                continue
            nodes += n
            items += i
        return nodes, items

    def fragment(self, name: str, page: int | None) -> tuple[int, int]:
        definition = self.fragments.get(name)
        if definition is None:
            return 0, 0
        target = self.schema.get_type(definition.type_condition.name.value)
        key = (name, target.name if target else "", page)
        found = self.memo.get(key)
        if found is not None:
            return found
        if key in self.active:
            return 0, 0
        self.active.add(key)
        found = self.selection_set(definition.selection_set, target, page)
        self.active.discard(key)
        self.memo[key] = found
        return found

    def field(
        self, node: FieldNode, parent: GraphQLObjectType, page: int | None
    ) -> tuple[int, int]:
        field_def = parent.fields.get(node.name.value)
        if field_def is None:
            return 0, 0
        arguments = self.arguments(field_def, node)
        inputs = _Inputs()
        for name, arg in field_def.args.items():
            if name in arguments:
                _measure_input(arguments[name], arg, name, inputs)
        if inputs.error is not None and self.error is None:
            self.error = inputs.error
        if node.selection_set is None:
            return inputs.items, inputs.items  # leaves are free, but not what they are sent
        asked = None
        for name in SIZE_ARGUMENTS:
            if name in field_def.args:
                asked = _positive_int(arguments.get(name))
                if asked is not None:
                    break
        child = get_named_type(field_def.type)
        if isinstance(child, GraphQLObjectType):
            below, below_items = self.selection_set(
                node.selection_set, child, None if _is_list(field_def.type) else asked
            )
        else:
            below, below_items = 0, 0  # interfaces/unions: count the node, not below
        declared = policy_of(field_def)
        # a week maps object costs what the typed list of its weeks costs (policy `sized`)
        if _is_list(field_def.type) or declared.sized:
            # a connection's `edges` hold as many as the connection's `first`
            size = asked or (page if declared.page else None)
            size = size or declared.items or DEFAULT_LIST_ESTIMATE
        else:
            size = 1
        own = 1 + inputs.items
        return size * (own + below), size * (inputs.items + below_items)


def price(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Any,
) -> Cost:
    """Nodes the operation can return (lists multiplying their children, input list items
    counted where they are sent), from coerced variables; the first list past its bound."""
    roots = {
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,  # one event's nodes
    }
    root = roots.get(operation.operation) or schema.query_type
    pricing = _Pricing(schema, _fragments(document), variables)
    nodes, items = pricing.selection_set(operation.selection_set, root, None)
    return Cost(nodes, items, pricing.error)


def query_nodes(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Any,
) -> int:
    return price(schema, document, operation, variables).nodes
