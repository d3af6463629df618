"""Query documents for the compiled-execution differential test (api.compiled): generated
from the schema with a seeded generator, and run through both paths.

Each document selects a random tree of the schema's fields under one or two root fields,
with aliases, inline and named fragments, @include/@skip (literal or variable), __typename,
arguments as literals or variables, and argument values that answer null, nothing, or an
error (a bad week count, an unknown id, an empty skill list).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)

# Root fields left out: their answers change from one request to the next (the budget).
SKIPPED_ROOTS = {"rateLimit"}
MONDAYS = ["2026-11-02", "2026-11-16", "2027-01-04"]


def _values(name: str, type_: Any, ids: dict[str, list[str]]) -> list[Any] | None:
    """Candidate values of an argument (None: no candidates, the field is left out)."""
    named = get_named_type(type_)
    nullable = not isinstance(type_, GraphQLNonNull)
    pool: list[Any]
    if name in ("first", "limit"):
        pool = [1, 2, 5, 20, 0]  # 0: an error
    elif name == "weeks":
        pool = [1, 4, 12, 0, 600]  # 0 and 600: errors
    elif named.name == "Date":
        pool = [*MONDAYS, "2026-11-04"]
    elif name == "skills":
        pool = [["Python"], ["Python", "React"], ["SQL", "Go", "Rust"], []]
    elif name in ("id", "person", "department", "project"):
        kind = {"department": "department", "project": "project"}.get(name, "person")
        pool = [*ids.get(kind, [])[:3], "999999", "x"]
    elif named.name == "Boolean":
        pool = [True, False]
    elif name == "search":
        pool = ["a", "an", ""]
    elif isinstance(named, GraphQLEnumType):
        values = list(named.values)
        pool = [[v] for v in values] if isinstance(_unwrap(type_), GraphQLList) else values
    elif named.name == "Float" and name != "minAvailableHours":
        pool = [0.5, 1.0]
    else:
        return None if not nullable else [None]
    if nullable:
        pool = [*pool, None]
    return pool


def _unwrap(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


@dataclass
class _Doc:
    rng: random.Random
    schema: GraphQLSchema
    ids: dict[str, list[str]]
    variables: dict[str, Any] = field(default_factory=dict)
    definitions: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    counter: int = 0

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def variable(self, type_: Any, value: Any) -> str:
        name = self.name("v")
        self.definitions.append(f"${name}: {type_}")
        self.variables[name] = value
        return f"${name}"

    def literal(self, value: Any, type_: Any) -> str:
        named = get_named_type(type_)
        if value is None:
            return "null"
        if isinstance(value, list):
            return "[" + ", ".join(self.literal(v, named) for v in value) + "]"
        if isinstance(named, GraphQLEnumType):
            return str(value)
        return json.dumps(value)

    def directive(self) -> str:
        roll = self.rng.random()
        if roll > 0.15:
            return ""
        which = self.rng.choice(["include", "skip"])
        value = self.rng.random() < 0.5
        if self.rng.random() < 0.5:
            return f" @{which}(if: {self.variable('Boolean!', value)})"
        return f" @{which}(if: {'true' if value else 'false'})"

    def arguments(self, definition: Any) -> str | None:
        parts = []
        for arg_name, arg in definition.args.items():
            pool = _values(arg_name, arg.type, self.ids)
            required = isinstance(arg.type, GraphQLNonNull)
            if pool is None:
                if required:
                    return None
                continue
            if not required and self.rng.random() < 0.5:
                continue
            value = self.rng.choice(pool)
            if value is None and required:
                continue
            if self.rng.random() < 0.3:
                parts.append(f"{arg_name}: {self.variable(arg.type, value)}")
            else:
                parts.append(f"{arg_name}: {self.literal(value, arg.type)}")
        return f"({', '.join(parts)})" if parts else ""

    def selection(self, type_: GraphQLObjectType, depth: int) -> str:
        names = [n for n in type_.fields if not n.startswith("__")]
        self.rng.shuffle(names)
        picked: list[str] = []
        for name in names[: self.rng.randint(1, 4)]:
            text = self.field(type_, name, depth)
            if text:
                picked.append(text)
        if self.rng.random() < 0.2:
            picked.insert(self.rng.randrange(len(picked) + 1), "__typename")
        if not picked:
            picked = ["__typename"]
        roll = self.rng.random()
        if roll < 0.15 and len(picked) > 1:  # some of it in an inline fragment
            cut = self.rng.randrange(1, len(picked))
            inner = " ".join(picked[cut:])
            picked = [*picked[:cut], f"... on {type_.name}{self.directive()} {{ {inner} }}"]
        elif roll < 0.3:  # all of it in a named fragment
            name = self.name("F")
            self.fragments.append(f"fragment {name} on {type_.name} {{ {' '.join(picked)} }}")
            picked = [f"...{name}"]
        return "{ " + " ".join(picked) + " }"

    def field(self, parent: GraphQLObjectType, name: str, depth: int) -> str | None:
        definition = parent.fields[name]
        arguments = self.arguments(definition)
        if arguments is None:
            return None
        named = get_named_type(definition.type)
        alias = f"{self.name('a')}: " if self.rng.random() < 0.2 else ""
        head = f"{alias}{name}{arguments}{self.directive()}"
        if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
            return head
        assert isinstance(named, GraphQLObjectType)
        if depth >= 4:
            return None
        return f"{head} {self.selection(named, depth + 1)}"

    def text(self, body: str) -> str:
        header = f"({', '.join(self.definitions)})" if self.definitions else ""
        return "\n".join([f"query Generated{header} {body}", *self.fragments])


def generate(
    schema: GraphQLSchema, count: int, seed: int, ids: dict[str, list[str]]
) -> list[tuple[str, dict[str, Any]]]:
    """`count` documents with their variables, the same for the same seed."""
    rng = random.Random(seed)
    query = schema.query_type
    assert query is not None
    roots = [n for n in query.fields if n not in SKIPPED_ROOTS]
    out: list[tuple[str, dict[str, Any]]] = []
    while len(out) < count:
        doc = _Doc(rng, schema, ids)
        fields = [doc.field(query, rng.choice(roots), 1) for _ in range(rng.randint(1, 2))]
        chosen = [f for f in fields if f]
        if not chosen:
            continue
        out.append((doc.text("{ " + " ".join(chosen) + " }"), doc.variables))
    return out


def variables_for(schema: GraphQLSchema, text: str, ids: dict[str, list[str]]) -> dict[str, Any]:
    """A valid value for each variable a document declares (the first candidate)."""
    from graphql import parse, type_from_ast
    from graphql.language import OperationDefinitionNode

    values: dict[str, Any] = {}
    for definition in parse(text).definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        for var in definition.variable_definitions or ():
            if var.default_value is not None:
                continue
            name = var.variable.name.value
            type_ = type_from_ast(schema, var.type)
            pool = _values(name, type_, ids)
            if pool and pool[0] is not None:
                values[name] = pool[0]
    return values


def documents_of_tests(repo: Any) -> list[str]:
    """Every query document the tests hold as a module-level string constant."""
    import ast

    from graphql import GraphQLError, OperationType, parse
    from graphql.language import OperationDefinitionNode

    found: list[str] = []
    for path in sorted((repo / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
                continue
            text = node.value.value
            if not isinstance(text, str) or "{" not in text:
                continue
            try:
                document = parse(text)
            except GraphQLError:
                continue
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) == 1 and operations[0].operation == OperationType.QUERY:
                found.append(text)
    return found


TOKEN_TABLE = '"accounts_apitoken"'


@dataclass
class Outcome:
    normal: bytes
    compiled: bytes
    normal_sql: int
    compiled_sql: int
    ran_compiled: bool
    sql: tuple[list[str], list[str]] = ([], [])


def graphql_core_answers(client: Any, text: str, variables: dict[str, Any], body: bytes) -> bool:
    """Whether graphql-core alone, asked again (up to 5 times), answers `body`. It is not
    deterministic everywhere: with two failing root fields, one of them non-null, which
    errors it lists depends on which thread hop ends first. A plan that gave up answers by
    graphql-core, so its answer may differ from an earlier one of graphql-core's with no
    fault of the plan's; one that differs every time is a real difference."""
    from django.conf import settings

    settings.COMPILED_QUERIES = False
    headers = {"Authorization": f"Bearer {client.token}"}
    for _ in range(5):
        response = client.request(
            "POST", json={"query": text, "variables": variables}, headers=headers
        )
        if strip_cost(response.content) == body:
            return True
    return False


def same_answer(client: Any, text: str, variables: dict[str, Any], outcome: Outcome) -> bool:
    """The two paths agree: the same body (and SQL counts when the plan ran to the end), or
    a plan that gave up answered by graphql-core as graphql-core itself can."""
    if outcome.compiled == outcome.normal:
        return not outcome.ran_compiled or outcome.compiled_sql == outcome.normal_sql
    if outcome.ran_compiled:
        return False
    return graphql_core_answers(client, text, variables, outcome.compiled)


def strip_cost(body: bytes) -> bytes:
    """The body without `extensions.cost` (the remaining budget differs per request)."""
    at = body.rfind(b',"extensions":{"cost":')
    return body[:at] + b"}" if at >= 0 else body


def both_paths(client: Any, text: str, variables: dict[str, Any]) -> Outcome:
    """One document through graphql-core, then through its compiled plan (the response
    cache must be off: settings.RESPONSE_CACHE_TTL = 0)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from api import compiled

    payload = {"query": text, "variables": variables}
    headers = {"Authorization": f"Bearer {client.token}"}
    answers = []
    for on in (False, True):
        settings.COMPILED_QUERIES = on
        # the token in the process's token cache first: both requests then count alike
        client.request("POST", json={"query": "{ __typename }"}, headers=headers)
        before = compiled.counts["compiled"]
        with CaptureQueriesContext(connection) as queries:
            response = client.request("POST", json=payload, headers=headers)
        ran = compiled.counts["compiled"] > before
        # the token's own lookup left out: the process caches it for 5 s, and a slow
        # request on a busy machine may outlive that
        sql = [q["sql"] for q in queries.captured_queries if TOKEN_TABLE not in q["sql"]]
        answers.append((response, sql, ran))
    (normal, normal_sql, _), (fast, fast_sql, ran) = answers
    status = (normal.status_code, fast.status_code)
    assert status[0] == status[1], f"status {status} for {text}"
    return Outcome(
        strip_cost(normal.content),
        strip_cost(fast.content),
        len(normal_sql),
        len(fast_sql),
        ran,
        (normal_sql, fast_sql),
    )
