"""Parsed and validated documents kept by hash, so a known document skips both steps.

A Strawberry extension: on a hit it hands Strawberry the cached DocumentNode and an empty
error list, which is how Strawberry skips parsing and validation. The key is the schema
version and the document's SHA-256, not the validation rules' identity, so extra rules
(depth or alias limits) do not turn every lookup into a miss (strawberry issue 4635);
whatever changes the rules must change SCHEMA_VERSION.

Whether an answer may be cached, and whether it differs per user, is read from the fields
the document selects: each declares it (`graphql_schema.policy`).
"""

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from threading import Lock

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    get_operation_ast,
    visit,
)
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from graphql_schema.policy import policy_of

from .rules import replace_rules

MAX_DOCUMENTS = 1000


@dataclass(frozen=True, slots=True)
class Operation:
    type: OperationType
    per_viewer: bool
    cacheable: bool = True


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, DocumentNode] = OrderedDict()
        self.lock = Lock()

    def get(self, key: str) -> DocumentNode | None:
        with self.lock:
            doc = self.items.get(key)
            if doc is not None:
                self.items.move_to_end(key)
            return doc

    def put(self, key: str, doc: DocumentNode) -> None:
        with self.lock:
            self.items[key] = doc
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


validated = _LRU(MAX_DOCUMENTS)


def schema_version(sdl: str) -> str:
    return hashlib.sha256(sdl.encode()).hexdigest()[:16]


def cache_key(version: str, document_hash: str, introspection: bool = True) -> str:
    """Validation differs with introspection allowed or not: both are part of the key."""
    return f"{version}:{document_hash}:{'i' if introspection else '-'}"


class _FieldPolicies(Visitor):
    """The declared policies of every field the document selects (in any of its
    operations or fragments, as validation walks them)."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.per_viewer = False
        self.uncacheable = False

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        declared = policy_of(self.type_info.get_field_def())
        self.per_viewer = self.per_viewer or declared.per_viewer
        self.uncacheable = self.uncacheable or declared.uncacheable


def operation_of(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> Operation | None:
    op = get_operation_ast(document, operation_name)
    if op is None:
        return None
    type_info = TypeInfo(schema)
    policies = _FieldPolicies(type_info)
    visit(document, TypeInfoVisitor(type_info, policies))
    return Operation(
        op.operation,
        per_viewer=policies.per_viewer,
        cacheable=op.operation == OperationType.QUERY and not policies.uncacheable,
    )


_operations: dict[tuple[str, str | None], Operation | None] = {}


def known_operation(
    schema: GraphQLSchema, key: str, operation_name: str | None
) -> Operation | None:
    """What a validated document's operation is (None until it has validated once)."""
    found = _operations.get((key, operation_name))
    if found is None:
        doc = validated.get(key)
        if doc is None:
            return None
        found = operation_of(schema, doc, operation_name)
        if len(_operations) >= 2 * MAX_DOCUMENTS:
            _operations.clear()
        _operations[(key, operation_name)] = found
    return found


class DocumentCache(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context.context
        key = getattr(context, "document_key", None)
        doc = getattr(context, "document", None)
        if doc is None and key is not None:
            doc = validated.get(key)
        if doc is not None:
            self.execution_context.graphql_document = doc
            self.execution_context.pre_execution_errors = []  # validated before
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.validation_rules = replace_rules(tuple(ctx.validation_rules))
        yield
        key = getattr(ctx.context, "document_key", None)
        if key is not None and ctx.pre_execution_errors == [] and ctx.graphql_document:
            validated.put(key, ctx.graphql_document)
