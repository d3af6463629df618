"""Compiled execution of known query documents (docs/design.md, "Compiled execution").

A validated query document (every document the endpoint runs is kept by hash in
`documents.validated`: manifest, partner registry, APQ, and free text once validated) is
compiled once per operation and per values of the variables its `@skip`/`@include` read
into a plan: for each selection set, its fields in response order, each with what resolves
it (an attribute, or the resolver function itself, with its argument names worked out) and
how its value completes (null checks, lists, the leaf's output coercion, the next plan).

A request then runs the plan level by level: every object of one selection set at one
depth is resolved field by field in one pass; attribute fields and sync resolvers complete
at once, in place; async resolvers are stepped by hand (no Task per field) and every load
they make in the pass goes into the same DataLoader batch, one per loader per level. Before
a level waits, the selection sets below it whose objects are all there (no entry of their
field waits) are resolved too, so their loads join the level's batches (`_Run.advance`).
The answer is built as plain dicts that orjson encodes.

Anything the plan does not support is found when compiling (the document then always takes
the normal path), and anything unexpected while running (a resolver's error, a null in a
non-null field, a refused permission, an output coercion error) abandons the plan: the
request is executed again by graphql-core (from fresh loaders), so every error and its path
are graphql-core's. Except a database error (a statement timeout...): a second run would
meet the database again, so the plan answers it itself as graphql-core's handle_field_error
does (`_Run.settle`), and every later resolver error of that request too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from keyword import iskeyword
from math import isfinite
from threading import Lock
from types import CoroutineType
from typing import Any, cast

from django.conf import settings
from django.db import Error as DjangoDatabaseError
from django.db.models.fields.files import FileDescriptor
from django.db.models.query_utils import DeferredAttribute
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    get_operation_ast,
    located_error,
    visit,
)
from graphql.error import GraphQLError
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.language import Visitor
from graphql.pyutils import Undefined, is_iterable
from psycopg import Error as PsycopgError
from psycopg_pool import PoolTimeout
from strawberry.permission import PermissionExtension
from strawberry.scalars import JSON
from strawberry.schema.types.base_scalars import isoformat
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from graphql_schema.batch import BATCHES, Failed
from graphql_schema.permissions import HasWriteScope, IsAuthenticated

logger = logging.getLogger("capgraph.compiled")
MAX_PLANS = 500  # compiled plans kept (per process), least recently used dropped
MAX_CONDITION_VARIABLES = 4  # variables read by @skip/@include: at most 2**4 plans each
MAX_ROUNDS = 1000  # resumptions of one level's resolvers before giving up (never reached)
TRUSTED_PERMISSIONS = (IsAuthenticated, HasWriteScope)  # sync checks on info.context only
# A resolver's error the plan answers itself, as graphql-core would, instead of running the
# request again: the database's (a statement timeout, a lost connection, an aborted
# transaction, no connection from the pool in time), which a second run would meet again
# (or repeat: a slow statement twice).
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    DjangoDatabaseError,
    PsycopgError,
    PoolTimeout,
)
# Tests only: answer every resolver error in the plan (the differential test checks the
# plan's error answers against graphql-core's with it on).
ABSORB_ALL_ERRORS = False


class Unsupported(Exception):
    """The document (or this variant of it) cannot be compiled: normal path, always."""


class Fallback(Exception):
    """The plan was abandoned for this request: graphql-core runs it again."""


class _Info:
    """What a resolver receives as `info` on the compiled path: the context alone (the
    resolvers read nothing else; anything else raises, and the request falls back)."""

    __slots__ = ("compiled", "context")

    def __init__(self, context: Any, compiled: Field | None = None) -> None:
        self.context = context
        self.compiled = compiled  # the field resolved, when it has a selection

    def selected_paths(self) -> frozenset[str]:
        """graphql_schema.selection.selected_paths on this path: the field's plan."""
        if self.compiled is None:
            raise Fallback("selected_paths of a field without a selection")
        if self.compiled.paths is None:
            paths: set[str] = set()
            _paths(self.compiled.children, "", paths)
            self.compiled.paths = frozenset(paths)
        return self.compiled.paths


def _paths(selections: tuple[Selection, ...], prefix: str, paths: set[str]) -> None:
    for selection in selections:
        for compiled in selection.fields:
            path = (
                f"{prefix}.{compiled.nodes[0].name.value}"
                if prefix
                else compiled.nodes[0].name.value
            )
            paths.add(path)
            _paths(compiled.children, path, paths)


TYPENAME, ATTRIBUTE, COLUMN, RESOLVER, BATCH = range(5)


@dataclass(slots=True, eq=False)
class Selection:
    """One selection set on one object type: its fields in response order."""

    type: GraphQLObjectType
    fields: list[Field] = field(default_factory=list)
    is_type_of: Callable[[Any, Any], Any] | None = None
    # Every object's entries in response order, in one generated loop (_fill): the plain
    # fields' values, a placeholder for each resolver's; then `called`, by field.
    fill: Callable[[list[Any], list[dict[str, Any]], Any], None] | None = None
    called: list[Field] = field(default_factory=list)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


# The next level, by selection: its objects, their dicts, and (for a shareable selection)
# the dict already made for an object, by id(object).
Group = tuple[list[Any], list[dict[str, Any]], dict[int, dict[str, Any]]]
Following = dict[Selection, Group]
Completer = Callable[[Any, Following], Any]


def _leaf(type_: GraphQLScalarType | GraphQLEnumType) -> Callable[[Any], Any]:
    """The type's output coercion, with graphql-core's own answer for the common exact
    types computed inline (a value of any other type goes to graphql-core's function)."""
    coerce_output = type_.coerce_output_value

    def coerce(value: Any) -> Any:
        if isinstance(value, _NOT_VALUES):  # graphql-core raises it, or awaits it
            raise Fallback("an error or an awaitable as a value")
        return coerce_output(value)

    if type_ is GraphQLFloat:

        def coerce_float(value: Any) -> Any:
            kind = type(value)
            if kind is float:
                if isfinite(value):
                    return value
            elif kind is Decimal:
                number = float(value)
                if isfinite(number):
                    return number
            return coerce(value)

        return coerce_float
    if type_ is GraphQLString:
        return lambda value: value if type(value) is str else coerce(value)
    if type_ is GraphQLID:  # a model's id is an int: graphql-core's answer is str(int(value))
        return lambda value: (
            value if type(value) is str else str(value) if type(value) is int else coerce(value)
        )
    if type_ is GraphQLBoolean:
        return lambda value: value if type(value) is bool else coerce(value)
    if type_ is GraphQLInt:
        return lambda value: (
            value if type(value) is int and -(2**31) <= value < 2**31 else coerce(value)
        )
    return coerce


def completer(type_: Any, selection: Callable[[GraphQLObjectType], Selection]) -> Completer:
    """How a field's value completes, as graphql-core's complete_value would, building
    the answer's dicts; an object's dict is filled at the next level (`following`)."""
    if isinstance(type_, GraphQLNonNull):
        if isinstance(type_.of_type, (GraphQLScalarType, GraphQLEnumType)):
            coerce_non_null = _leaf(type_.of_type)

            def non_null_leaf(value: Any, following: Following) -> Any:
                if value is None:
                    raise Fallback("null in a non-null field")
                coerced = coerce_non_null(value)
                if coerced is None or coerced is Undefined:
                    raise Fallback("coercion")
                return coerced

            return non_null_leaf
        inner = completer(type_.of_type, selection)

        def non_null(value: Any, following: Following) -> Any:
            if value is None:
                raise Fallback("null in a non-null field")
            return inner(value, following)

        return non_null
    if isinstance(type_, GraphQLList):
        item = type_.of_type
        if isinstance(item, GraphQLNonNull) and isinstance(item.of_type, GraphQLObjectType):
            objects = selection(item.of_type)
            # Leaves only (no resolver, no object below): one object's dict is the same
            # wherever it appears, so an object listed again (the batch forms share equal
            # WeekLoad and WeekHours objects) gets the dict already made at this level.
            shareable = (
                objects.fill is not None
                and not objects.called
                and all(
                    f.kind in (ATTRIBUTE, COLUMN, TYPENAME) and f.child is None
                    for f in objects.fields
                )
            )

            def list_of_objects(value: Any, following: Following) -> Any:
                if value is None:
                    return None
                items = _items(value)
                for one in items:
                    if one is None or isinstance(one, _NOT_VALUES):
                        raise Fallback("null or an error in a list of non-null")
                group = following.get(objects)
                if group is None:
                    group = following[objects] = ([], [], {})
                if not shareable:
                    outs: list[dict[str, Any]] = [{} for _ in items]
                    group[0].extend(items)
                    group[1].extend(outs)
                    return outs
                made = group[2]
                answer = []
                for one in items:
                    out = made.get(id(one))
                    if out is None:
                        out = made[id(one)] = {}
                        group[0].append(one)
                        group[1].append(out)
                    answer.append(out)
                return answer

            return list_of_objects
        inner = completer(item, selection)

        def list_(value: Any, following: Following) -> Any:
            if value is None:
                return None
            return [inner(one, following) for one in _items(value)]

        return list_
    if isinstance(type_, (GraphQLScalarType, GraphQLEnumType)):
        coerce = _leaf(type_)

        def leaf(value: Any, following: Following) -> Any:
            if value is None:
                return None
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                raise Fallback("coercion")
            return coerced

        return leaf
    if isinstance(type_, GraphQLObjectType):
        target = selection(type_)

        def object_(value: Any, following: Following) -> Any:
            if value is None:
                return None
            if isinstance(value, _NOT_VALUES):
                raise Fallback("an error or an awaitable as a value")
            group = following.get(target)
            if group is None:
                group = following[target] = ([], [], {})
            out: dict[str, Any] = {}
            group[0].append(value)
            group[1].append(out)
            return out

        return object_
    raise Unsupported(f"abstract type {type_}")


_NOT_VALUES = (Exception, CoroutineType, asyncio.Future)


def _items(value: Any) -> list[Any] | tuple[Any, ...]:
    if type(value) is list or type(value) is tuple:
        return value
    if not is_iterable(value):
        raise Fallback("not a list")
    return list(value)


@dataclass(slots=True, eq=False)
class Field:
    key: str
    kind: int
    type_name: str = ""
    attribute: str = ""
    complete: Completer | None = None
    # resolvers
    function: Callable[..., Any] | None = None
    self_parameter: bool = False
    source_names: tuple[str, ...] = ()  # keyword parameters that receive the parent
    info_name: str | None = None
    permissions: tuple[Any, ...] = ()
    batch: Callable[..., Any] | None = None  # the resolver's batch form (graphql_schema.batch)
    arguments: dict[str, Any] | None = None  # converted, when they read no variable
    details: FieldDetails | None = None
    definition: Any = None
    strawberry_field: StrawberryField | None = None
    # for an error's path and null propagation (Run.settle)
    type: Any = None
    child: Selection | None = None
    nodes: tuple[Any, ...] = ()
    # every selection below (one per object type of an abstract field), and the names
    # selected below it as dotted paths, made on first use (_Info.selected_paths)
    children: tuple[Selection, ...] = ()
    paths: frozenset[str] | None = None


@dataclass(slots=True, eq=False)
class Plan:
    root: Selection
    operation: OperationDefinitionNode
    condition_variables: tuple[str, ...]
    resolvers_reading_variables: list[Field]


class _Conditions(Visitor):
    """The variables `@skip`/`@include` read, and whether the document holds anything the
    plan leaves to graphql-core (fragment variables, @defer/@stream)."""

    def __init__(self) -> None:
        super().__init__()
        self.variables: set[str] = set()

    def enter_directive(self, node: Any, *_args: Any) -> None:
        name = node.name.value
        if name not in ("skip", "include"):
            raise Unsupported(f"@{name}")
        for argument in node.arguments or ():
            if isinstance(argument.value, VariableNode):
                self.variables.add(argument.value.name.value)

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_args: Any) -> None:
        if node.variable_definitions:
            raise Unsupported("fragment variables")


def _reads_variables(node: Any) -> bool:
    found = False

    class Finder(Visitor):
        def enter_variable(self, *_args: Any) -> None:
            nonlocal found
            found = True

    for argument in node.arguments or ():
        visit(argument, Finder())
    return found


class _Compiler:
    def __init__(
        self,
        schema: GraphQLSchema,
        converter: Any,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.converter = converter
        self.operation = operation
        self.variables = variables
        self.fragments = {
            d.name.value: FragmentDetails(d)
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        self.with_variables: list[Field] = []
        self.depth = 0

    def root(self) -> Selection:
        root_type = self.schema.query_type
        assert root_type is not None
        collected = collect_fields(
            self.schema,
            self.fragments,
            self.variables,
            root_type,
            self.operation,
            hide_suggestions=True,
        )
        return self.selection(root_type, collected)

    def selection(self, type_: GraphQLObjectType, collected: Any) -> Selection:
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise Unsupported("@defer")
        self.depth += 1
        if self.depth > 64:
            raise Unsupported("too deep")
        selection = Selection(type_, is_type_of=type_.is_type_of)
        for key, details_list in collected.grouped_field_set.items():
            selection.fields.append(self.field(type_, key, details_list))
        self.depth -= 1
        selection.fill = _fill(selection)
        selection.called = [f for f in selection.fields if f.kind in (RESOLVER, BATCH)]
        return selection

    def field(self, parent: GraphQLObjectType, key: str, details_list: list) -> Field:
        children: list[Selection] = []
        compiled = self._field(parent, key, details_list, children)
        compiled.nodes = tuple(d.node for d in details_list)
        compiled.child = children[0] if children else None
        compiled.children = tuple(children)
        definition = parent.fields.get(details_list[0].node.name.value)
        compiled.type = definition.type if definition is not None else None
        return compiled

    def _field(
        self, parent: GraphQLObjectType, key: str, details_list: list, children: list
    ) -> Field:
        details = details_list[0]
        if any(d.defer_usage or d.fragment_variable_values for d in details_list):
            raise Unsupported("@defer or fragment variables")
        node = details.node
        name = node.name.value
        if name == "__typename":
            return Field(key, TYPENAME, type_name=parent.name)
        if name.startswith("__"):
            raise Unsupported("introspection")
        definition = parent.fields.get(name)
        if definition is None:
            raise Unsupported(f"unknown field {name}")
        sfield = definition.extensions.get("strawberry-definition")
        if not isinstance(sfield, StrawberryField):
            raise Unsupported(f"{parent.name}.{name} is not Strawberry's")

        def child(type_: GraphQLObjectType) -> Selection:
            children.append(self.subselection(type_, details_list))
            return children[-1]

        complete = completer(definition.type, child)
        if sfield.is_basic_field and not definition.args:
            if sfield.default_resolver is not getattr:
                raise Unsupported("a custom default resolver")
            return Field(key, ATTRIBUTE, attribute=sfield.python_name, complete=complete)
        resolver = sfield.base_resolver
        if resolver is None:
            column = _django_column(parent, sfield)
            if column is None:
                raise Unsupported(f"{parent.name}.{name}: not a column, no resolver")
            return Field(key, COLUMN, attribute=column, complete=complete)
        permissions: list[Any] = []
        for extension in sfield.extensions:
            if not isinstance(extension, PermissionExtension) or extension.fail_silently:
                raise Unsupported(f"{parent.name}.{name}: field extension")
            for permission in extension.permissions:
                if type(permission) not in TRUSTED_PERMISSIONS:
                    raise Unsupported(f"{parent.name}.{name}: permission class")
                permissions.append(permission)
        source_names = tuple(
            p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
        )
        batch = BATCHES.get(resolver.wrapped_func)  # type: ignore[arg-type]
        compiled = Field(
            key,
            RESOLVER if batch is None else BATCH,
            complete=complete,
            function=_plain_function(resolver.wrapped_func),
            self_parameter=resolver.self_parameter is not None,
            source_names=source_names,
            info_name=resolver.info_parameter.name if resolver.info_parameter else None,
            permissions=tuple(permissions),
            details=details,
            definition=definition,
            strawberry_field=sfield,
            batch=batch,
        )
        if _reads_variables(node):
            self.with_variables.append(compiled)
        else:
            compiled.arguments = arguments(self.converter, compiled, None)
        return compiled

    def subselection(self, type_: GraphQLObjectType, details_list: list) -> Selection:
        collected = collect_subfields(
            self.schema,
            self.fragments,
            self.variables,
            self.operation,
            type_,
            details_list,
            hide_suggestions=True,
        )
        return self.selection(type_, collected)


_INT_RANGE = "-2147483648 <= v <= 2147483647"
# the JSON scalar's output coercion: the value as it is
_JSON_OUTPUT = DEFAULT_SCALAR_REGISTRY[JSON].serialize


def _leaf_expression(type_: Any, complete: str) -> str:
    """A Python expression for a leaf field's completed value `v`: graphql-core's answer
    for the common exact types inline, anything else through the field's completer (which
    coerces, or raises Fallback)."""
    nullable = not isinstance(type_, GraphQLNonNull)
    named = type_ if nullable else type_.of_type
    fallback = f"{complete}(v, following)"
    if named is GraphQLFloat:  # see _fill
        raise AssertionError("Float is completed by statements")
    if named is GraphQLString or named is GraphQLID:
        inline = f"v if type(v) is str else {fallback}"
    elif named is GraphQLBoolean:
        inline = f"v if type(v) is bool else {fallback}"
    elif named is GraphQLInt:
        inline = f"v if type(v) is int and {_INT_RANGE} else {fallback}"
    elif isinstance(named, GraphQLScalarType) and named.coerce_output_value is isoformat:
        inline = f"v.isoformat() if type(v) is date else {fallback}"
    elif isinstance(named, GraphQLScalarType) and named.coerce_output_value is _JSON_OUTPUT:
        # the value itself (a report's week map: a 10,000-person heatmap has 30,000)
        inline = f"v if type(v) is dict else {fallback}"
    else:
        return fallback
    return f"None if v is None else ({inline})" if nullable else f"({inline})"


def _fill(selection: Selection) -> Callable[[list[Any], list[dict[str, Any]], Any], None]:
    """Generated once per selection set: for each object, its entries in response order."""
    namespace: dict[str, Any] = {
        "Decimal": Decimal,
        "date": dt.date,
        "Fallback": Fallback,
    }
    lines = ["def fill(sources, outs, following):", "    for s, o in zip(sources, outs):"]
    for i, compiled in enumerate(selection.fields):
        namespace[f"k{i}"] = compiled.key
        if compiled.kind == TYPENAME:
            namespace[f"n{i}"] = compiled.type_name
            lines.append(f"        o[k{i}] = n{i}")
            continue
        if compiled.kind not in (ATTRIBUTE, COLUMN):
            lines.append(f"        o[k{i}] = None")
            continue
        namespace[f"a{i}"] = compiled.attribute
        namespace[f"c{i}"] = compiled.complete
        if compiled.kind == COLUMN:  # strawberry_django reads a loaded column, else SQL
            lines.append(f"        if a{i} not in s.__dict__:")
            lines.append("            raise Fallback('a column not loaded')")
        attribute = compiled.attribute
        if attribute.isidentifier() and not iskeyword(attribute):
            lines.append(f"        v = s.{attribute}")
        else:
            lines.append(f"        v = getattr(s, a{i})")
        named = (
            compiled.type.of_type if isinstance(compiled.type, GraphQLNonNull) else compiled.type
        )
        if named is GraphQLFloat:  # a finite float or Decimal as float (f - f: 0 if finite)
            lines.append("        if (t := type(v)) is Decimal or t is float:")
            lines.append("            f = float(v)")
            lines.append(f"            o[k{i}] = f if f - f == 0 else c{i}(v, following)")
            lines.append("        else:")
            lines.append(f"            o[k{i}] = c{i}(v, following)")
        elif isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
            lines.append(f"        o[k{i}] = {_leaf_expression(compiled.type, f'c{i}')}")
        else:
            lines.append(f"        o[k{i}] = c{i}(v, following)")
    if not selection.fields:  # every field skipped
        lines.append("        pass")
    exec(compile("\n".join(lines), f"<compiled fill of {selection.type.name}>", "exec"), namespace)
    return cast(Callable[[list[Any], list[dict[str, Any]], Any], None], namespace["fill"])


def _plain_function(function: Any) -> Callable[..., Any]:
    if isinstance(function, (staticmethod, classmethod)) or not callable(function):
        raise Unsupported("a static or class method resolver")
    return function


def _django_column(parent: GraphQLObjectType, sfield: StrawberryField) -> str | None:
    """A strawberry_django field that reads a model's own column (its `get_result` then
    returns the loaded value, `source.__dict__` holding it), else None."""
    definition = parent.extensions.get("strawberry-definition")
    django_type = getattr(
        getattr(definition, "origin", None), "__strawberry_django_definition__", None
    )
    model = getattr(django_type, "model", None)
    if model is None or sfield.extensions or sfield.is_async or sfield.arguments:
        return None
    attr = getattr(model, getattr(sfield, "django_name", None) or sfield.python_name, None)
    if not isinstance(attr, DeferredAttribute) or isinstance(attr, FileDescriptor):
        return None
    return str(attr.field.attname)


def arguments(converter: Any, compiled: Field, variables: VariableValues | None) -> dict[str, Any]:
    """The resolver's keyword arguments, as Strawberry would convert them."""
    assert compiled.details is not None and compiled.strawberry_field is not None
    coerced = get_argument_values(
        compiled.definition, compiled.details.node, variables, None, hide_suggestions=True
    )
    return convert_arguments(
        coerced,
        compiled.strawberry_field.arguments,
        scalar_registry=converter.scalar_registry,
        config=converter.config,
        info=None,
    )


class _Plans:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple, Plan | Unsupported] = OrderedDict()
        self.conditions: dict[tuple, tuple[str, ...] | Unsupported] = {}
        self.lock = Lock()

    def get(self, key: tuple) -> Plan | Unsupported | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple, plan: Plan | Unsupported) -> None:
        with self.lock:
            self.items[key] = plan
            while len(self.items) > self.size:
                self.items.popitem(last=False)
            if len(self.conditions) > 2 * self.size:
                self.conditions.clear()

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.conditions.clear()


plans = _Plans(MAX_PLANS)
# Requests per outcome in this process (for tests and `make bench`).
counts: Counter[str] = Counter()


def plan_for(
    schema: Any,
    document_key: str,
    document: DocumentNode,
    operation_name: str | None,
    variables: VariableValues,
) -> Plan | None:
    """The compiled plan of a validated document's operation (None: the normal path)."""
    graphql_schema: GraphQLSchema = schema._schema
    base = (document_key, operation_name)
    conditions = plans.conditions.get(base)
    if conditions is None:
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation != OperationType.QUERY:
            conditions = Unsupported("not a query")
        else:
            finder = _Conditions()
            try:
                visit(document, finder)
                if len(finder.variables) > MAX_CONDITION_VARIABLES:
                    raise Unsupported("too many condition variables")
                conditions = tuple(sorted(finder.variables))
            except Unsupported as unsupported:
                conditions = unsupported
        plans.conditions[base] = conditions
    if isinstance(conditions, Unsupported):
        return None
    coerced = variables.coerced
    key = (*base, tuple(bool(coerced.get(name)) for name in conditions))
    found = plans.get(key)
    if found is None:
        operation = get_operation_ast(document, operation_name)
        assert operation is not None
        compiler = _Compiler(
            graphql_schema, schema.schema_converter, document, operation, variables
        )
        try:
            found = Plan(compiler.root(), operation, conditions, compiler.with_variables)
        except Unsupported as unsupported:
            logger.debug("not compiled: %s", unsupported)
            found = unsupported
        plans.put(key, found)
    return None if isinstance(found, Unsupported) else found


@dataclass(slots=True)
class Outcome:
    """What the plan answers: `data` (None when an error nulled it all) and the errors
    (graphql-core's located errors, for the view to format), in graphql-core's order."""

    data: dict[str, Any] | None
    errors: list[GraphQLError]


async def execute(
    schema: Any,
    document_key: str,
    document: DocumentNode,
    operation_name: str | None,
    raw_variables: dict[str, Any] | None,
    context: Any,
) -> Outcome | None:
    """The operation's answer by its plan, or None: run it through graphql-core instead."""
    graphql_schema: GraphQLSchema = schema._schema
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY:
        return None
    variables = get_variable_values(
        graphql_schema,
        operation.variable_definitions or (),
        raw_variables or {},
        hide_suggestions=True,
    )
    if isinstance(variables, list):
        return None  # refused at the gate already; graphql-core says so again
    plan = plan_for(schema, document_key, document, operation_name, variables)
    if plan is None:
        counts["not compiled"] += 1
        return None
    tree = context._tree  # the department tree as build_context left it
    try:
        outcome = await _Run(plan, schema.schema_converter, variables, context).run()
    except Exception as error:  # Fallback, or anything a resolver or a coercion raised
        logger.debug("plan abandoned: %r (%r)", error, error.__cause__)
        counts["abandoned"] += 1
        # graphql-core's run starts from what a first run finds: fresh loaders, the tree
        # not loaded unless it was before. With the plan's loads cached, a resolver that
        # would have waited raises at once, and the errors come in another order.
        context.__dict__.pop("loaders", None)
        context._tree = tree
        return None
    counts["compiled"] += 1
    if outcome.errors:
        counts["compiled with errors"] += 1
    return outcome


def _is_database_error(error: BaseException) -> bool:
    current: BaseException | None = error
    for _ in range(8):  # the error or what it was raised from (Django wraps psycopg's)
        if current is None:
            return False
        if isinstance(current, DATABASE_ERRORS):
            return True
        current = current.__cause__
    return False


# One coroutine being stepped: [coroutine, the future it waits on (None: it yielded to
# the loop, or not started), the dict it completes into, the field, times resumed].
Entry = list[Any]


class _Run:
    __slots__ = ("arguments", "context", "errors", "failures", "info", "nulled", "plan")

    def __init__(self, plan: Plan, converter: Any, variables: VariableValues, context: Any):
        self.plan = plan
        self.context = context
        self.info = _Info(context)
        self.arguments: dict[int, dict[str, Any]] = {}
        # resolver errors the plan answers itself (_is_database_error): this level's,
        # then, settled, the response's errors and the positions they nulled
        self.failures: list[tuple[dict[str, Any], Field, Exception, int]] = []
        self.errors: list[GraphQLError] = []
        self.nulled: set[tuple[str | int, ...] | None] = set()
        try:
            for compiled in plan.resolvers_reading_variables:
                self.arguments[id(compiled)] = arguments(converter, compiled, variables)
        except Exception as error:
            raise Fallback from error

    async def run(self) -> Outcome:
        data: dict[str, Any] = {}
        level: Following = {self.plan.root: ([None], [data], {})}
        while level:
            following: Following = {}
            await self.level(level, following)
            if self.failures:
                self.settle(data)
                if None in self.nulled:
                    return Outcome(None, self.errors)
            level = following
        return Outcome(data, self.errors)

    def absorbs(self, error: Exception) -> bool:
        """Whether the plan answers a resolver's error itself (else graphql-core runs the
        request again): a database error, and any error once one was answered (a second
        run would meet the database's again)."""
        return ABSORB_ALL_ERRORS or bool(self.errors or self.failures) or _is_database_error(error)

    def fail(self, out: dict[str, Any], compiled: Field, error: Exception, resumed: int) -> None:
        out[compiled.key] = None  # for now (and its place in the response's order)
        self.failures.append((out, compiled, error, resumed))

    def settle(self, data: dict[str, Any]) -> None:
        """This level's failures as graphql-core handles a field error: located at the
        field's path; the field null, or, non-null, the nearest nullable position above
        it (the whole data at the top); an error under a position already nulled is
        dropped. Ordered as graphql-core meets them: by level (with the selection sets
        resolved before its wait, `advance`), then the errors raised before their
        resolver's first wait, then after one wait..., each in response order (depth
        first)."""
        index: dict[int, tuple[list[str | int], tuple[int, ...]]] = {}

        def visit(value: Any, path: list[str | int], order: tuple[int, ...]) -> None:
            if type(value) is dict:
                index[id(value)] = (path, order)
                for position, (key, item) in enumerate(value.items()):
                    if type(item) is dict or type(item) is list:
                        visit(item, [*path, key], (*order, position))
            else:
                for position, item in enumerate(value):
                    if type(item) is dict or type(item) is list:
                        visit(item, [*path, position], (*order, position))

        visit(data, [], ())
        located = []
        for out, compiled, error, resumed in self.failures:
            found = index.get(id(out))
            if found is None:  # under a position nulled at an earlier level
                continue
            path = [*found[0], compiled.key]
            order = (resumed, *found[1], list(out).index(compiled.key))
            located.append((order, path, self.steps(data, path), compiled, error))
        self.failures.clear()
        located.sort(key=lambda one: one[0])
        for _, path, steps, compiled, error in located:
            position = len(steps) - 1
            while position >= 0 and isinstance(steps[position][2], GraphQLNonNull):
                position -= 1
            caught = tuple(path[: position + 1]) if position >= 0 else None
            if self.under_nulled(caught):
                continue
            self.nulled.add(caught)
            self.errors.append(located_error(error, list(compiled.nodes), path))
            if caught is not None:
                container, key, _ = steps[position]
                container[key] = None

    def steps(self, data: dict[str, Any], path: list[str | int]) -> list[tuple[Any, Any, Any]]:
        """(container, key or index, the position's type) along a path from the data."""
        out: list[tuple[Any, Any, Any]] = []
        selection: Selection | None = self.plan.root
        container: Any = data
        type_: Any = None
        child: Selection | None = None
        for element in path:
            if isinstance(element, str):
                assert selection is not None
                compiled = selection.field(element)
                type_, child = compiled.type, compiled.child
            else:  # an item of the list the type (non-null or not) is
                listed = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
                type_ = listed.of_type
            out.append((container, element, type_))
            container = container[element]
            if type(container) is dict:
                selection = child
        return out

    def under_nulled(self, caught: tuple[str | int, ...] | None) -> bool:
        nulled = self.nulled
        if None in nulled:
            return True
        if caught is None:
            return False
        return any(caught[:length] in nulled for length in range(1, len(caught) + 1))

    async def level(
        self,
        level: Following,
        following: Following,
    ) -> None:
        waiting: list[Entry] = []
        still: list[Entry] = []
        try:
            for selection, (sources, outs, _) in level.items():
                self.resolve(selection, sources, outs, following, waiting)
            self.advance(following, waiting)
            rounds = 0
            while waiting:
                rounds += 1
                if rounds > MAX_ROUNDS:
                    raise Fallback("too many rounds")
                ready = [w for w in waiting if w[1] is None or w[1].done()]
                if not ready:
                    await asyncio.wait({w[1] for w in waiting}, return_when=asyncio.FIRST_COMPLETED)
                    continue
                if any(w[1] is None for w in ready):
                    await asyncio.sleep(0)  # it yielded to the loop once: let the loop run
                still = [w for w in waiting if not (w[1] is None or w[1].done())]
                for entry in ready:
                    self.step(entry, following, still)
                waiting, still = still, []
        except Exception:
            # The plan gives up: the coroutines it was stepping run to their end (their
            # loads fill the loaders' cache for graphql-core's run), never left suspended
            # inside an async iterator (whose finalizer would fail: "aclose(): asynchronous
            # generator is already running").
            await _drain(waiting + still)
            raise
        except BaseException:  # cancelled
            _close(waiting + still)
            raise

    def advance(self, following: Following, waiting: list[Entry]) -> None:
        """Before the level's loads are dispatched (its first wait), resolve the selection
        sets below whose objects are all there already: a selection set's objects come from
        one field only, so once no entry of that field waits, its group is complete. Their
        loads join this level's batches, as graphql-core asks for the loads of a subtree
        with no wait in the same tick (the root person's one-week load and the heatmap
        rows' people's: one batch, not two). What waits stays for the next level."""
        busy: set[Selection] = set()
        seen = 0
        while True:
            for entry in waiting[seen:]:
                busy.update(entry[3].children)
            seen = len(waiting)
            ready = [s for s in following if s not in busy]
            if not ready:
                return
            for selection in ready:
                sources, outs, _ = following.pop(selection)
                self.resolve(selection, sources, outs, following, waiting)

    def step(
        self,
        entry: Entry,
        following: Following,
        waiting: list[Entry],
    ) -> None:
        coroutine, _, out, compiled, resumed = entry
        entry[4] = resumed + 1
        try:
            yielded = coroutine.send(None)
        except StopIteration as stop:
            if compiled.kind == BATCH:
                self.complete_batch(stop.value, out, compiled, resumed, following)
                return
            try:
                out[compiled.key] = compiled.complete(stop.value, following)
            except Exception as error:
                raise Fallback from error
            return
        except Exception as error:
            if self.absorbs(error):
                if compiled.kind == BATCH:  # raised before any object's answer: each one's
                    for one in out:
                        self.fail(one, compiled, error, resumed)
                else:
                    self.fail(out, compiled, error, resumed)
                return
            raise Fallback from error
        if yielded is not None and not isinstance(yielded, asyncio.Future):
            coroutine.close()
            raise Fallback("awaited something other than a future")
        if yielded is not None:
            yielded._asyncio_future_blocking = False
        entry[1] = yielded
        waiting.append(entry)

    def resolve(
        self,
        selection: Selection,
        sources: list[Any],
        outs: list[dict[str, Any]],
        following: Following,
        waiting: list[Entry],
    ) -> None:
        is_type_of = selection.is_type_of
        if is_type_of is not None:
            for source in sources:
                if is_type_of(source, None) is not True:
                    raise Fallback("is_type_of")
        if selection.fill is not None:
            selection.fill(sources, outs, following)
            for compiled in selection.called:
                if compiled.kind == BATCH:
                    self.call_batch(compiled, sources, outs, following, waiting)
                else:
                    self.call(compiled, sources, outs, following, waiting)
            return
        for compiled in selection.fields:
            key = compiled.key
            kind = compiled.kind
            if kind == COLUMN:
                name = compiled.attribute
                for source in sources:  # strawberry_django reads a loaded column, else SQL
                    if name not in source.__dict__:
                        raise Fallback("a column not loaded")
            if kind in (ATTRIBUTE, COLUMN):
                name = compiled.attribute
                complete = compiled.complete
                assert complete is not None
                for source, out in zip(sources, outs, strict=True):
                    out[key] = complete(getattr(source, name), following)
            elif kind == TYPENAME:
                for out in outs:
                    out[key] = compiled.type_name
            elif kind == BATCH:
                self.call_batch(compiled, sources, outs, following, waiting)
            else:
                self.call(compiled, sources, outs, following, waiting)

    def call_batch(
        self,
        compiled: Field,
        sources: list[Any],
        outs: list[dict[str, Any]],
        following: Following,
        waiting: list[Entry],
    ) -> None:
        """The field for every object at once, by its resolver's batch form."""
        if not sources:
            return
        kwargs = compiled.arguments
        if kwargs is None:
            kwargs = self.arguments[id(compiled)]
        for permission in compiled.permissions:
            for source in sources:
                if permission.has_permission(source, self.info) is not True:
                    raise Fallback("permission")
        key = compiled.key
        for out in outs:
            out[key] = None  # its place in the response's order
        assert compiled.batch is not None
        self.step(
            [compiled.batch(sources, self.info, **kwargs), None, outs, compiled, 0],
            following,
            waiting,
        )

    def complete_batch(
        self,
        values: Any,
        outs: list[dict[str, Any]],
        compiled: Field,
        resumed: int,
        following: Following,
    ) -> None:
        if type(values) is not list or len(values) != len(outs):
            raise Fallback("a batch form's answer is not one value per object")
        key = compiled.key
        complete = compiled.complete
        assert complete is not None
        try:
            for out, value in zip(outs, values, strict=True):
                if type(value) is Failed:
                    if not self.absorbs(value.error):
                        raise Fallback from value.error
                    self.fail(out, compiled, value.error, resumed)
                else:
                    out[key] = complete(value, following)
        except Fallback:
            raise
        except Exception as error:
            raise Fallback from error

    def call(
        self,
        compiled: Field,
        sources: list[Any],
        outs: list[dict[str, Any]],
        following: Following,
        waiting: list[Entry],
    ) -> None:
        kwargs = compiled.arguments
        if kwargs is None:
            kwargs = self.arguments[id(compiled)]
        kwargs = dict(kwargs)
        if compiled.info_name is not None:
            kwargs[compiled.info_name] = (
                _Info(self.context, compiled) if compiled.children else self.info
            )
        function = compiled.function
        assert function is not None
        names = compiled.source_names
        with_self = compiled.self_parameter
        key = compiled.key
        complete = compiled.complete
        assert complete is not None
        for source, out in zip(sources, outs, strict=True):
            for permission in compiled.permissions:
                if permission.has_permission(source, self.info) is not True:
                    raise Fallback("permission")
            for name in names:
                kwargs[name] = source
            try:
                result = function(source, **kwargs) if with_self else function(**kwargs)
            except Exception as error:
                if self.absorbs(error):
                    self.fail(out, compiled, error, 0)
                    continue
                raise Fallback from error
            if inspect.iscoroutine(result):
                out[key] = None  # its place in the response's order
                self.step([result, None, out, compiled, 0], following, waiting)
            elif inspect.isawaitable(result):
                raise Fallback("an awaitable that is not a coroutine")
            else:
                out[key] = complete(result, following)


async def _drain(entries: list[Entry]) -> None:
    """Run suspended coroutines to their end, their answers and errors dropped."""
    unique = {id(e[0]): e for e in entries}.values()  # an entry can be in both lists
    pending = [e for e in unique if inspect.getcoroutinestate(e[0]) == inspect.CORO_SUSPENDED]
    try:
        for _ in range(MAX_ROUNDS):
            if not pending:
                return
            waiting_on = {e[1] for e in pending if e[1] is not None and not e[1].done()}
            if len(waiting_on) == len(pending):
                await asyncio.wait(waiting_on, return_when=asyncio.FIRST_COMPLETED)
                continue
            if any(e[1] is None for e in pending):
                await asyncio.sleep(0)
            still = []
            for entry in pending:
                if entry[1] is not None and not entry[1].done():
                    still.append(entry)
                    continue
                try:
                    yielded = entry[0].send(None)
                except (Exception, asyncio.CancelledError):  # finished, or failed: dropped
                    continue
                if yielded is not None and not isinstance(yielded, asyncio.Future):
                    entry[0].close()
                    continue
                if yielded is not None:
                    yielded._asyncio_future_blocking = False
                entry[1] = yielded
                still.append(entry)
            pending = still
    finally:
        _close(pending)


def _close(entries: list[Entry]) -> None:
    for entry in entries:
        entry[0].close()


def enabled() -> bool:
    return bool(getattr(settings, "COMPILED_QUERIES", False))
