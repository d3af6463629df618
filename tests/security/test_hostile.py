"""Hostile input (issue 11): each hole found by an attacker, reproduced, with its exact code
and a liveness bound per request (1 s: "refused before doing work", generously, on a
machine shared by several test runs).

Liveness bounds are the only timed assertions here; speeds go to `make bench`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import re
import time
from typing import Any

import httpx
import hypothesis
import pytest
from asgiref.sync import async_to_sync
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
    build_schema,
    get_named_type,
)
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from core.errors import ErrorCode
from tests.client import GraphQLClient, Response, assert_no_leak, exact_queries
from tests.conftest import REPO

BOUND = 1.0  # seconds: a refusal must come long before this
# Every code (test_error_codes pins the enum to the contract) but an internal error, which no
# hostile input may cause.
KNOWN_CODES = {str(code) for code in ErrorCode} - {str(ErrorCode.INTERNAL_SERVER_ERROR)}
PLAIN = '{ person(id: "25") { name } }'
PLAIN_ANSWER = {"data": {"person": {"name": "Ada Thompson"}}}


@pytest.fixture(autouse=True)
def warm(db, tokens) -> None:
    """The process's first request imports and builds what every later one reuses (about
    2 s here): not the work a hostile document makes, so it is done before any is timed."""
    if not WARM:
        assert GraphQLClient(tokens.read).post(PLAIN).body == PLAIN_ANSWER
        WARM.append(True)


WARM: list[bool] = []


def bomb(levels: int, leaf: str = "a: __typename") -> str:
    """`query Q { ...F0 }`, each Fi spreading F(i+1) twice: 2**levels leaves once expanded
    (830 bytes at 20 levels, the issue's document)."""
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"query Q {{ ...F0 }} {fragments} fragment F{levels} on Query {{ {leaf} }}"


def server_ms(response: httpx.Response | Response) -> float:
    match = re.fullmatch(r"app;dur=([\d.]+)", response.headers["Server-Timing"])
    assert match, response.headers["Server-Timing"]
    return float(match.group(1))


def timed(call: Any, *args: Any, **kwargs: Any) -> Response:
    started = time.perf_counter()
    response = call(*args, **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND, f"{elapsed:.2f} s"
    return response


def together(
    *requests: tuple[dict[str, str], dict[str, Any]],
) -> list[tuple[httpx.Response, float]]:
    """Send requests at the same moment to the ASGI app, on one event loop; each comes back
    with its wall time. (Their database work runs on the test's thread, in its transaction.)"""
    from config.asgi import application

    async def one(headers: dict[str, str], body: dict[str, Any]) -> tuple[httpx.Response, float]:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            started = time.perf_counter()
            response = await c.post("/graphql", json=body, headers=headers)
            assert_no_leak(response.text)
            return response, time.perf_counter() - started

    async def run() -> list[tuple[httpx.Response, float]]:
        return list(await asyncio.gather(*(one(h, b) for h, b in requests)))

    return async_to_sync(run)()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- 1. the fragment-expansion bomb -------------------------------------------------------


def test_the_issues_20_level_bomb_is_refused_at_once_for_an_anonymous_caller(db, tokens):
    document = bomb(20)
    assert len(document) == 829  # the issue's 830-byte request body, give or take a newline
    anonymous = GraphQLClient()
    r = timed(anonymous.post, document)
    assert r.errors == [
        {
            "message": "Query uses 1048576 aliases; the limit is 15",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]
    assert r.headers["X-RateLimit-Used"] == "1"  # refused, and charged to its address


@pytest.mark.parametrize(
    ("leaf", "message"),
    [
        ("a: __typename", "Query uses 1073741824 aliases; the limit is 15"),
        (
            "__typename",
            "Query expands to 1073741824 fields once fragments are spread; the limit is 2000",
        ),
        (
            "viewer @include(if: true) { username }",
            "Query uses 1073741824 directives; the limit is 50",
        ),
    ],
)
def test_30_levels_take_under_50_ms_of_server_time_beside_a_plain_query(db, tokens, leaf, message):
    (attack, attack_s), (plain, plain_s) = together(
        ({}, {"query": bomb(30, leaf)}),
        (bearer(tokens.read), {"query": PLAIN}),
    )
    assert attack.json()["errors"] == [
        {"message": message, "extensions": {"code": "QUERY_TOO_COMPLEX"}}
    ]
    assert server_ms(attack) < 50
    assert attack_s < BOUND
    assert Response.of(plain).body == PLAIN_ANSWER
    assert plain_s < BOUND


def test_depth_hidden_in_30_levels_of_fragments_is_refused(gql):
    fragments = " ".join(
        f"fragment D{i} on Department {{ parent {{ ...D{i + 1} }} }}" for i in range(30)
    )
    document = f'{{ person(id: "25") {{ department {{ ...D0 }} }} }} {fragments} ' + (
        "fragment D30 on Department { name }"
    )
    r = timed(gql.post, document)
    assert r.errors == [
        {
            "message": "Query depth 33 exceeds the limit of 10",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]


def test_one_field_repeated_at_one_place_is_refused_before_validation(gql):
    # graphql-core's OverlappingFieldsCanBeMerged compared these 450 pairwise: 1 s each
    r = timed(gql.post, "{" + " viewer { username }" * 450 + " }")
    assert r.errors == [
        {
            "message": "Query selects 'viewer' 450 times at one place; the limit is 10",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]
    # through fragments too: each spreads `viewer` into the same place
    fragments = " ".join(f"fragment G{i} on Query {{ viewer {{ username }} }}" for i in range(11))
    spreads = " ".join(f"...G{i}" for i in range(11))
    r = timed(gql.post, f"{{ {spreads} }} {fragments}")
    assert r.errors[0]["message"] == "Query selects 'viewer' 11 times at one place; the limit is 10"
    ten = " ".join(f"...G{i}" for i in range(10))
    fragments = " ".join(f"fragment G{i} on Query {{ viewer {{ username }} }}" for i in range(10))
    assert gql.post(f"{{ {ten} }} {fragments}").data == {"viewer": {"username": "writer"}}


def test_directives_on_fragment_spreads_and_inline_fragments_count(gql):
    spreads = " ".join("...F @include(if: true)" for _ in range(26))
    inline = " ".join("... @skip(if: false) { name }" for _ in range(25))
    document = f'{{ person(id: "25") {{ {spreads} {inline} }} }} fragment F on Person {{ name }}'
    r = timed(gql.post, document)
    assert r.errors == [
        {
            "message": "Query uses 51 directives; the limit is 50",
            "extensions": {"code": "QUERY_TOO_COMPLEX"},
        }
    ]


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("{ person(id: ", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
        (bomb(20), "QUERY_TOO_COMPLEX"),
        ("{ viewer { username } }" + " " * 15000, "QUERY_TOO_COMPLEX"),
        (
            "query($n: Int = 200) { people(first: $n) { edges { node { assignments { "
            "hoursByWeek(weeks: 26) { hours } } } } } }",
            "QUERY_TOO_COMPLEX",
        ),
        ("query($s: [String!]!) { skillMatch(skills: $s) { score } }", "REQUEST_TOO_LARGE"),
        ("query($n: Int!) { people(first: $n) { totalCount } }", "BAD_USER_INPUT"),
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "read"])
def test_refused_operations_are_charged_one_point(db, tokens, settings, document, code, who):
    settings.RATE_LIMIT_POINTS = 3
    client = GraphQLClient(None if who == "anonymous" else tokens.read)
    variables = {"s": ["x"] * 51} if "$s" in document else None
    answers = [timed(client.post, document, variables) for _ in range(4)]
    assert [a.headers["X-RateLimit-Used"] for a in answers] == ["1", "2", "3", "3"]
    assert [a.codes for a in answers] == [[code], [code], [code], ["RATE_LIMITED"]]
    assert [a.status for a in answers] == [200, 200, 200, 429]


def test_persisted_query_refusals_are_charged_and_apqs_first_step_is_not(gql, settings):
    unknown = gql.post(None, extensions={"persistedQuery": {"version": 1, "sha256Hash": "1" * 64}})
    assert unknown.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert "X-RateLimit-Used" not in unknown.headers  # the protocol's first step: free
    settings.PERSISTED_QUERIES = "trusted"
    outside = gql.post("{ viewer { username } }")
    assert outside.status == 403
    assert outside.codes == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert outside.headers["X-RateLimit-Used"] == "1"


# --- 2. response amplification through input lists -----------------------------------------

SKILL_SCORE = """query($s: [String!]!) { people(first: 200) { edges { node { name
  skillScore(skills: $s) { score matchedSkills missingSkills } } } } }"""


def test_100000_skill_names_are_refused_before_anything_runs(db, tokens):
    reader = GraphQLClient(tokens.read)
    names = [f"skill {i}" for i in range(100_000)]
    with exact_queries(1):  # the token lookup; nothing executes
        r = timed(reader.post, SKILL_SCORE, {"s": names})
    assert r.errors == [
        {
            "message": "skills holds 100000 items; at most 1000",
            "extensions": {"code": "REQUEST_TOO_LARGE", "field": "skills"},
        }
    ]
    assert r.headers["X-Capgraph-Cache"] == "BYPASS"  # and nothing cached


@pytest.mark.parametrize(
    ("document", "variables", "message", "field"),
    [
        (SKILL_SCORE, {"s": ["x"] * 51}, "skills holds 51 skill names; at most 50", "skills"),
        (
            "query($s: [String!]!) { skillMatch(skills: $s) { score } }",
            {"s": ["x"] * 51},
            "skills holds 51 skill names; at most 50",
            "skills",
        ),
        (
            "query($s: [String!]) { findAvailable(skills: $s) { score } }",
            {"s": ["x"] * 51},
            "skills holds 51 skill names; at most 50",
            "skills",
        ),
        (
            "query($r: [ID!]) { roleCapacity(roles: $r) { weekKeys } }",
            {"r": ["1"] * 201},
            "roles holds 201 roles; at most 200",
            "roles",
        ),
        (
            "query($s: [ProjectStatus!]) { projects(status: $s) { totalCount } }",
            {"s": ["ACTIVE"] * 11},
            "status holds 11 statuses; at most 10",
            "status",
        ),
        (
            'mutation($s: [PersonSkillInput!]!) { setPersonSkills(personId: "25", skills: $s)'
            " { person { id } } }",
            {"s": [{"skill": f"s{i}", "proficiency": "EXPERT"} for i in range(101)]},
            "skills holds 101 skills; at most 100",
            "skills",
        ),
        (
            "mutation($i: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $i)"
            " { assignments { id } } }",
            {"i": [{"assignmentId": "54", "expectedVersion": 1, "weeklyHours": {}}] * 501},
            "items holds 501 items; at most 500",
            "items",
        ),
        (
            "mutation($i: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $i)"
            " { assignments { id } } }",
            {
                "i": [
                    {"assignmentId": "54", "expectedVersion": 1, "weeklyHours": {}},
                    {
                        "assignmentId": "53",
                        "expectedVersion": 1,
                        "weeklyHours": {
                            f"{2026 + i // 52}-{1 + i % 12:02d}-{1 + i % 28:02d}": 1
                            for i in range(261)
                        },
                    },
                ]
            },
            None,
            "items.1.weeklyHours",
        ),
        (
            'mutation($i: UpdateAssignmentInput!) { updateAssignment(id: "54", input: $i)'
            " { assignment { id } } }",
            {"i": {"expectedVersion": 1, "weeklyHours": {f"k{i}": 1 for i in range(261)}}},
            "input.weeklyHours holds 261 weeks; at most 260",
            "input.weeklyHours",
        ),
        (
            "mutation($i: CreateAssignmentInput!) { createAssignment(input: $i)"
            " { assignment { id } } }",
            {
                "i": {
                    "personId": "25",
                    "projectId": "7",
                    "weeklyHours": {f"k{i}": 1 for i in range(261)},
                }
            },
            "input.weeklyHours holds 261 weeks; at most 260",
            "input.weeklyHours",
        ),
    ],
)
def test_every_list_past_its_bound_is_request_too_large_naming_the_field(
    gql, document, variables, message, field
):
    with exact_queries(1):  # the token lookup; nothing runs
        r = timed(gql.post, document, variables)
    assert r.codes == ["REQUEST_TOO_LARGE"]
    assert r.errors[0]["extensions"]["field"] == field
    if message:
        assert r.errors[0]["message"] == message
    assert "data" not in r.body


def test_literal_lists_are_bounded_too(gql):
    names = ", ".join(f'"s{i}"' for i in range(51))
    r = gql.post(f"{{ skillMatch(skills: [{names}]) {{ score }} }}")
    assert r.errors == [
        {
            "message": "skills holds 51 skill names; at most 50",
            "extensions": {"code": "REQUEST_TOO_LARGE", "field": "skills"},
        }
    ]


def test_at_the_bound_the_operation_runs(gql):
    r = gql.post(
        "query($s: [String!]!) { skillMatch(skills: $s, limit: 1) { skillScore } }",
        {"s": ["Python"] * 50},
    )
    assert r.data == {"skillMatch": [{"skillScore": 100}]}


def test_every_list_argument_and_input_field_in_the_schema_has_a_bound():
    from api.limits import list_bounds
    from api.schema import schema

    bounds = {
        name: bound and (bound.items, bound.noun) for name, bound in list_bounds(schema._schema)
    }
    assert [name for name, bound in bounds.items() if bound is None] == []
    assert bounds == {
        "AssignmentHoursInput.weeklyHours": (260, "weeks"),
        "CreateAssignmentInput.weeklyHours": (260, "weeks"),
        "Mutation.bulkUpdateAssignmentHours(items)": (500, "items"),
        "Mutation.createWebhookSubscription(events)": (30, "events"),
        "Mutation.setHolidays(holidays)": (1000, "holidays"),
        "Mutation.setWorkSchedule(hours)": (7, "days"),
        "Mutation.setPersonSkills(skills)": (100, "skills"),
        "Person.skillScore(skills)": (50, "skill names"),
        "Query.findAvailable(skills)": (50, "skill names"),
        "Query.projects(status)": (10, "statuses"),
        "Query.changes(types)": (20, "entity types"),
        "Subscription.changes(types)": (20, "entity types"),
        "Query.roleCapacity(roles)": (200, "roles"),
        "Query.skillMatch(skills)": (50, "skill names"),
        "UpdateAssignmentInput.weeklyHours": (260, "weeks"),
        "CreatePlaceholderAssignmentInput.weeklyHours": (260, "weeks"),
        "UpdatePlaceholderAssignmentInput.weeklyHours": (260, "weeks"),
        "Mutation.setPlaceholderSkills(skills)": (100, "skills"),
    }


def test_cost_grows_with_the_sizes_of_input_lists(gql):
    document = """query($s: [String!]!) { people(first: 10) { edges { node {
      skillScore(skills: $s) { score } } } } }"""
    # 1 connection + 10 x (edge + person + (score node + names))
    one = gql.post(document, {"s": ["Python"]})
    fifty = gql.post(document, {"s": [f"s{i}" for i in range(50)]})
    assert one.extensions["cost"]["requested"] == 1  # 41 nodes
    assert fifty.extensions["cost"]["requested"] == 5  # 1 + 10 x 53 = 531 nodes
    # a mutation pays for the items it sends: 5 + (1 payload + 3 items + 6 weeks + ...) / 100
    items = [
        {
            "assignmentId": "54",
            "expectedVersion": 1,
            "weeklyHours": {f"2027-0{m}-0{d}": 1 for m in range(1, 10) for d in range(1, 10)},
        },
    ] * 2
    bulk = gql.post(
        "mutation($i: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $i)"
        " { assignments { id } } }",
        {"i": items},
    )
    # 1 + 2 items + 2 x (81 weeks + ...) nodes: 5 + 1 points
    assert bulk.extensions["cost"]["requested"] == 6


def test_the_web_apps_find_available_screen_is_bounded_in_trusted_mode(gql, settings):
    settings.PERSISTED_QUERIES = "trusted"
    manifest = json.loads((REPO / "frontend/src/gql/persisted-documents.json").read_text())
    (document_id,) = [k for k, v in manifest.items() if "query FindAvailable_Screen(" in v]
    variables = {
        "includeChildren": False,
        "availabilityWeight": 0.5,
        "skillWeight": 0.5,
        "skills": [f"s{i}" for i in range(400)],
    }
    r = timed(gql.post, None, variables, documentId=document_id)
    assert r.errors == [
        {
            "message": "skills holds 400 skill names; at most 50",
            "extensions": {"code": "REQUEST_TOO_LARGE", "field": "skills"},
        }
    ]


def test_no_answer_over_max_response_bytes_is_sent_or_cached(gql, settings):
    settings.MAX_RESPONSE_BYTES = 1000
    document = "{ people(first: 50) { edges { node { name email } } } }"
    for _ in range(2):  # the second is computed again: nothing was cached
        r = timed(gql.post, document)
        assert r.headers["X-Capgraph-Cache"] == "MISS"
        assert r.errors == [
            {
                "message": "The response would be 3749 bytes; the limit is 1000: ask for "
                "fewer items or fewer weeks",
                "extensions": {"code": "REQUEST_TOO_LARGE"},
            }
        ]
        assert "data" not in r.body
    settings.MAX_RESPONSE_BYTES = 16 * 1024 * 1024
    assert len(gql.post(document).data["people"]["edges"]) == 50


# --- 3. cost bypass ----------------------------------------------------------------------

BYPASS = """query($n: Int = 200, $w: Int = 26) { people(first: $n) { edges { node {
  assignments { hoursByWeek(weeks: $w) { hours } } } } } }"""
REFUSED = {
    "message": "Query cost 54401 nodes exceeds the limit of 50000 nodes",
    "extensions": {"code": "QUERY_TOO_COMPLEX"},
}


def test_variable_defaults_are_priced(gql):
    assert gql.post(BYPASS).errors == [REFUSED]  # no variables: the defaults are used
    literal = gql.post(
        "{ people(first: 200) { edges { node { assignments { hoursByWeek(weeks: 26) {"
        " hours } } } } } }"
    )
    assert literal.errors == [REFUSED]


def test_integral_floats_are_priced_as_integers(gql):
    assert gql.post(BYPASS, {"n": 200.0, "w": 26.0}).errors == [REFUSED]
    small = gql.post(BYPASS, {"n": 2.0, "w": 1.0})
    # 1 + 2 x (1 + 1 + 10 x (1 + 1)) = 45 nodes: 1 point
    assert small.extensions["cost"]["requested"] == 1
    assert "errors" not in small.body


# --- weak items ----------------------------------------------------------------------------


def test_long_operation_names_are_clipped_in_answers_and_logs(gql, caplog):
    name = "Q" * 100_000
    with caplog.at_level(logging.INFO, logger="capgraph.operation"):
        r = timed(gql.post, "query A { viewer { username } }", operationName=name)
    assert r.status == 400
    assert r.errors == [
        {
            "message": f"Unknown operation named '{'Q' * 200}...'.",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]
    (line,) = [
        json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "capgraph.operation"
    ]
    assert line["operation"] == "Q" * 200 + "..."


def test_suggestions_are_stripped_from_input_object_coercion(gql):
    r = gql.post(
        "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }",
        {"i": {"nam": "x"}},
    )
    assert [e["message"] for e in r.errors] == [
        "Variable '$i' has invalid value: Expected value of type 'CreatePersonInput' to "
        "include required field 'name', found: {'nam': 'x'}.",
        "Variable '$i' has invalid value: Expected value of type 'CreatePersonInput' not to "
        "include unknown field 'nam', found: {'nam': 'x'}.",
    ]
    assert r.codes == ["BAD_USER_INPUT", "BAD_USER_INPUT"]
    enum = gql.post(
        "query($s: [ProjectStatus!]) { projects(status: $s) { totalCount } }", {"s": ["ACTIV"]}
    )
    assert enum.errors[0]["message"] == (
        "Variable '$s' has invalid value at [0]: Value 'ACTIV' does not exist in "
        "'ProjectStatus' enum."
    )


def test_a_subscription_over_post_is_a_bad_request(gql):
    # a plain POST (no Accept: text/event-stream): subscriptions stream, over SSE or a
    # WebSocket (tests/subscriptions)
    r = gql.post("subscription { changes { sequence } }")
    assert r.status == 400
    assert r.errors == [
        {
            "message": "Subscriptions run over a WebSocket (graphql-transport-ws) or as an "
            "event stream (Accept: text/event-stream), not as plain HTTP requests",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]


def test_a_mutation_over_get_is_still_405(gql):
    r = gql.get({"query": 'mutation { deletePerson(id: "25") { id } }'})
    assert r.status == 405
    assert r.headers["Allow"] == "POST"
    assert r.errors == [
        {"message": "Mutations are only allowed over POST", "extensions": {"code": "BAD_REQUEST"}}
    ]


def test_an_unused_variable_is_a_validation_failure(gql):
    r = gql.post("query($x: Int) { viewer { username } }", {"x": 1})
    assert r.errors == [
        {
            "message": "Variable '$x' is never used.",
            "locations": [{"line": 1, "column": 7}],
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ]


@pytest.mark.parametrize(
    "leak",
    [
        'Traceback (most recent call last):\n  File "/app/x.py", line 3',
        'SELECT "people_person"."id" FROM "people_person"',
        "psycopg.errors.UndefinedTable",
        "/work/wt/limits/backend/api/views.py",
        "Cannot query field 'nam'. Did you mean 'name'?",
    ],
)
def test_the_suite_wide_leak_check_catches_each_kind(leak):
    with pytest.raises(AssertionError):
        assert_no_leak(json.dumps({"errors": [{"message": leak}]}))


# --- the generated attack ------------------------------------------------------------------
# Documents built from the committed schema: query fields with their arguments (literal or
# variable, lists up to thousands of items), nested selections, aliases, directives on
# fields, spreads and inline fragments, and fragments spreading each other (sometimes
# twice, sometimes in a cycle). Each is sent with a plain query at the same moment.

SDL = (REPO / "graphql_schema" / "schema.graphql").read_text()
ATTACK_EXAMPLES = int(os.environ.get("ATTACK_EXAMPLES", "150"))


def _schema() -> GraphQLSchema:
    return build_schema(SDL)


class Attack:
    """Draws one document (and its variables) from the schema with hypothesis."""

    def __init__(self, draw: Any, schema: GraphQLSchema) -> None:
        self.draw = draw
        self.schema = schema
        self.variables: dict[str, Any] = {}
        self.definitions: list[str] = []
        self.aliases = 0

    def literal(self, type_: Any, depth: int = 0) -> str:
        draw = self.draw
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            n = draw(st.sampled_from([0, 1, 3, 51, 201]))
            return "[" + ", ".join(self.literal(type_.of_type, depth + 1) for _ in range(n)) + "]"
        if isinstance(type_, GraphQLEnumType):
            return draw(st.sampled_from(sorted(type_.values)))
        if isinstance(type_, GraphQLInputObjectType):
            fields = [
                f"{name}: {self.literal(f.type, depth + 1)}"
                for name, f in type_.fields.items()
                if isinstance(f.type, GraphQLNonNull) or draw(st.booleans())
            ]
            return "{" + ", ".join(fields) + "}"
        return draw(
            st.sampled_from(
                {
                    "ID": ['"25"', '"1"', '"999999"', '"x"'],
                    "Int": ["1", "5", "26", "200", "100000"],
                    "Float": ["0.5", "1e300"],
                    "String": ['"Py"', '""', '"' + "a" * 300 + '"'],
                    "Boolean": ["true", "false"],
                    "Date": ['"2026-11-02"', '"9999-12-31"'],
                    "JSON": ["{}", "{a: 1}"],
                }.get(type_.name, ['"x"'])
            )
        )

    def big_value(self, type_: Any) -> Any:
        """A variable's value: often a long list, the amplification the issue found."""
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            n = self.draw(st.sampled_from([1, 50, 51, 600, 5000]))
            return [f"s{i}" for i in range(n)]
        return {"Int": 200.0, "String": "x" * 5000, "ID": "25", "Boolean": True}.get(
            getattr(inner, "name", ""), "2026-11-02"
        )

    def arguments(self, field: Any) -> str:
        parts = []
        for name, arg in field.args.items():
            required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
            if not required and self.draw(st.integers(0, 3)) != 0:
                continue
            named = get_named_type(arg.type)
            if self.draw(st.booleans()) and not isinstance(named, GraphQLInputObjectType):
                var = f"v{len(self.variables)}"
                self.variables[var] = (str(arg.type), self.big_value(arg.type))
                parts.append(f"{name}: ${var}")
            else:
                parts.append(f"{name}: {self.literal(arg.type)}")
        return f"({', '.join(parts)})" if parts else ""

    def directive(self) -> str:
        return self.draw(st.sampled_from(["", "", "", " @include(if: true)", " @skip(if: false)"]))

    def selection(self, type_: GraphQLObjectType, depth: int) -> str:
        names = self.draw(st.lists(st.sampled_from(sorted(type_.fields)), min_size=1, max_size=3))
        parts = []
        for name in dict.fromkeys(names):  # one field once: no "fields conflict" noise
            field = type_.fields[name]
            alias = ""
            if self.draw(st.integers(0, 4)) == 0:
                self.aliases += 1
                alias = f"a{self.aliases}: "
            child = get_named_type(field.type)
            below = ""
            if isinstance(child, GraphQLObjectType):
                if depth <= 0:
                    continue
                below = " { " + self.selection(child, depth - 1) + " }"
            elif not isinstance(child, GraphQLScalarType | GraphQLEnumType):
                below = " { __typename }"
            parts.append(f"{alias}{name}{self.arguments(field)}{self.directive()}{below}")
            if self.draw(st.integers(0, 5)) == 0:
                parts.append(f"... on {type_.name}{self.directive()} {{ __typename }}")
        return " ".join(parts) or "__typename"

    def document(self) -> tuple[str, dict[str, Any]]:
        query = self.schema.query_type
        assert query is not None
        levels = self.draw(st.sampled_from([0, 0, 1, 2, 3, 5, 12, 25]))
        cycle = levels and self.draw(st.integers(0, 15)) == 0
        for i in range(levels):
            body = [f"...F{i + 1}{self.directive()}" for _ in range(self.draw(st.integers(1, 3)))]
            if cycle and i == levels - 1:
                body.append(f"...F{self.draw(st.integers(0, i))}")
            if self.draw(st.booleans()):
                body.append(self.selection(query, 2))
            self.definitions.append(f"fragment F{i} on Query {{ {' '.join(body)} }}")
        self.definitions.append(f"fragment F{levels} on Query {{ {self.selection(query, 3)} }}")
        top = self.selection(query, 3) if self.draw(st.booleans()) else ""
        declared = ", ".join(f"${name}: {t}" for name, (t, _) in self.variables.items())
        operation = f"query Attack{f'({declared})' if declared else ''} {{ ...F0 {top} }}"
        variables = {name: value for name, (_, value) in self.variables.items()}
        return " ".join([operation, *self.definitions]), variables


@st.composite
def attacks(draw: Any) -> tuple[str, dict[str, Any]]:
    return Attack(draw, _schema()).document()


def test_generated_attacks_are_answered_in_time_with_known_codes(db, tokens, settings):
    settings.RATE_LIMIT_POINTS = 10**9  # attacking the limits, not the budget
    seen: dict[str, int] = {}
    slowest = {"attack": 0.0, "plain": 0.0}

    @hypothesis.settings(
        max_examples=ATTACK_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(attack=attacks(), anonymous=st.booleans())
    # the derandomized draws follow the schema: as it grew they stopped drawing an argument
    # beyond its bound, so one such document always goes first
    @hypothesis.example(
        attack=("{ people(first: 1000000) { edges { cursor } } }", {}), anonymous=False
    )
    def run(attack: tuple[str, dict[str, Any]], anonymous: bool) -> None:
        document, variables = attack
        headers = {} if anonymous else bearer(tokens.read)
        (hostile, hostile_s), (plain, plain_s) = together(
            (headers, {"query": document, "variables": variables}),
            (bearer(tokens.read), {"query": PLAIN}),
        )
        assert hostile.status_code < 500, hostile.text
        body = hostile.json()
        codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors", [])]
        assert set(codes) <= KNOWN_CODES, (codes, document[:500])
        for code in codes or ["OK"]:
            seen[code] = seen.get(code, 0) + 1
        assert Response.of(plain).body == PLAIN_ANSWER
        slowest["attack"] = max(slowest["attack"], hostile_s)
        slowest["plain"] = max(slowest["plain"], plain_s)
        assert hostile_s < 2 * BOUND, (hostile_s, document[:500])
        assert plain_s < BOUND, (plain_s, document[:500])

    run()
    print(f"codes: {dict(sorted(seen.items()))}; slowest: {slowest}")
    # the generator reaches each kind of refusal, and documents that run
    assert {"OK", "QUERY_TOO_COMPLEX", "REQUEST_TOO_LARGE", "GRAPHQL_VALIDATION_FAILED"} <= set(
        seen
    )


# --- the production command, live ----------------------------------------------------------


@pytest.mark.postgres
def test_live_server_refuses_30_level_bombs_while_answering_everyone_else(
    django_db_setup, tokens, tmp_path
):
    """deploy/stack.py's API (one worker, DEBUG off) on the test database: eight 30-level
    bombs and a plain query and /healthz sent at the same moment. Before the fix one 20-level
    bomb held the worker's event loop for 27 s."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from tests.live import database_url, serve

    env = {"DATABASE_URL": database_url(connection.settings_dict), "SENTRY_DSN": ""}
    with serve(env, tmp_path) as server, httpx.Client(timeout=10) as http:
        assert http.post(server.graphql, json={"query": PLAIN}, headers=bearer(tokens.read))

        def send(what: str) -> tuple[httpx.Response, float]:
            started = time.perf_counter()
            if what == "healthz":
                response = http.get(f"{server.base}/healthz")
            elif what == "plain":
                response = http.post(
                    server.graphql, json={"query": PLAIN}, headers=bearer(tokens.read)
                )
            else:
                response = http.post(server.graphql, json={"query": bomb(30)})
            return response, time.perf_counter() - started

        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(send, ["bomb"] * 8 + ["plain", "healthz"]))
    for response, elapsed in answers[:8]:
        assert response.json()["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
        # eight at once share one worker's threads: a liveness bound here (the 50 ms of one
        # bomb's server time is held in-process above); before the fix one took 27 s. 250 ms
        # was measured at 269 ms with nothing else running: BOUND, as for every liveness bound
        assert server_ms(response) < BOUND * 1000, server.log()
        assert elapsed < BOUND
    (plain, plain_s), (health, health_s) = answers[8:]
    assert Response.of(plain).body == PLAIN_ANSWER
    assert plain_s < BOUND
    assert health.status_code == 200
    assert health_s < BOUND


# --- the HTTP edge: strings, cursors, logins, client addresses, APQ registration, Redis and
# --- database outages, Vary, downloads, export viewers, Sentry ------------------------------


@pytest.fixture
def known_write_token(tokens):
    """The write token's viewer remembered, as after an earlier request (without charging
    it): a counted request then shows only the queries its own input causes."""
    from accounts.access import remember_viewer, viewer_and_expiry

    remember_viewer(tokens.write, *viewer_and_expiry(tokens.write))


def refused(r, field: str) -> None:
    assert r.status == 200
    assert "data" not in r.body, r.body
    (error,) = r.errors
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["message"] == (
        f"{field} contains a control character: only tab, newline and carriage return are "
        "allowed in strings"
    )


# --- item 4: control characters in every string input, refused in one place ----------------

NUL_QUERIES = [
    ("{ people(search: $s) { edges { node { id } } } }", "s", "search"),
    ("{ skills(search: $s) { name } }", "s", "search"),
    ("{ projects(client: $s) { edges { node { id } } } }", "s", "client"),
    ('{ person(id: "25") { skillScore(skills: $s) { score } } }', "s", "skills"),
]


@pytest.mark.parametrize(("selection", "var", "field"), NUL_QUERIES)
@pytest.mark.parametrize("bad", ["a\x00b", "\x1b[31m", "x\x7f", "\x85"])
def test_control_characters_in_variables_are_bad_user_input(
    known_write_token, gql, selection, var, field, bad
):
    declared = "[String!]!" if field == "skills" else "String"
    value = [("Python"), bad] if field == "skills" else bad
    query = f"query Q(${var}: {declared}) " + selection
    with exact_queries(0):
        r = timed(gql.post, query, {var: value})
    refused(r, f"{field}.1" if field == "skills" else field)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ('{ people(search: "a\\u0000") { edges { node { id } } } }', "search"),
        ('{ skills(search: "\\u0007") { name } }', "search"),
        ('{ projects(client: "x\\u0000y") { edges { node { id } } } }', "client"),
        ('{ person(id: "25") { skillScore(skills: ["Go", "\\u0000"]) { score } } }', "skills.1"),
        ('mutation { createPerson(input: {name: "A\\u0000"}) { person { id } } }', "input.name"),
    ],
)
def test_control_characters_in_literals_are_bad_user_input(known_write_token, gql, document, field):
    with exact_queries(0):
        r = timed(gql.post, document)
    assert r.status == 200
    (error,) = r.errors
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


def test_control_characters_in_mutation_input_change_nothing(known_write_token, gql):
    from people.models import Person

    before = Person.objects.count()
    create = (
        "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }"
    )
    with exact_queries(0):
        r = timed(gql.post, create, {"input": {"name": "Eve\x00", "email": "e@x.io"}})
    refused(r, "input.name")
    skills = """mutation($id: ID!, $skills: [PersonSkillInput!]!) {
        setPersonSkills(personId: $id, skills: $skills) { person { id } } }"""
    with exact_queries(0):
        r = timed(
            gql.post,
            skills,
            {
                "id": "25",
                "skills": [
                    {"skill": "Go", "proficiency": "EXPERT"},
                    {"skill": "R\x00", "proficiency": "EXPERT"},
                ],
            },
        )
    refused(r, "skills.1.skill")
    bulk = """mutation($items: [AssignmentHoursInput!]!) {
        bulkUpdateAssignmentHours(items: $items) { assignments { id } } }"""
    with exact_queries(0):
        r = timed(
            gql.post,
            bulk,
            {
                "items": [
                    {
                        "assignmentId": "54",
                        "expectedVersion": 1,
                        "weeklyHours": {"2026-11-02\x00": 8},
                    }
                ]
            },
        )
    refused(r, "items.0.weeklyHours")
    assert Person.objects.count() == before


def test_control_characters_reach_neither_the_database_nor_sentry(gql):
    import sentry_sdk

    from config.observability import init_sentry
    from tests.helpers import CapturingTransport, items

    CapturingTransport.envelopes = []
    init_sentry("https://public@sentry.invalid/1", 0.0, transport=CapturingTransport)
    try:
        for selection, var, field in NUL_QUERIES:
            declared = "[String!]!" if field == "skills" else "String"
            r = gql.post(f"query Q(${var}: {declared}) " + selection, {var: "\x00"})
            assert r.codes == ["BAD_USER_INPUT"]
        sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()
    assert items(CapturingTransport.envelopes, "event") == []


def test_control_characters_in_a_variable_default_are_refused(gql):
    r = gql.post('query Q($s: String = "\\u0000") { people(search: $s) { edges { node { id } } } }')
    refused(r, "search")


def test_tab_newline_and_carriage_return_are_accepted(gql):
    r = gql.post("query Q($s: String) { skills(search: $s) { name } }", {"s": "\tpy\r\n"})
    assert r.data == {"skills": [{"name": "Copywriting"}, {"name": "Python"}]}  # "py", trimmed


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:v1:{offset}".encode()).decode()


@pytest.mark.parametrize("offset", [2**63 - 1, 2**63, 2**64, 10**30])
def test_a_cursor_past_64_bit_offsets_is_bad_user_input(known_write_token, gql, offset):
    with exact_queries(0):
        r = timed(
            gql.post,
            "query Q($a: String) { people(after: $a) { edges { cursor } } }",
            {"a": cursor(offset)},
        )
    assert r.body["data"] is None
    (error,) = r.errors
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    assert error["message"] == "after is not a valid cursor"


def test_a_large_but_valid_cursor_is_an_empty_page(gql):
    r = gql.post(
        "query Q($a: String) { people(after: $a) { edges { cursor } } }", {"a": cursor(2**40)}
    )
    assert r.data == {"people": {"edges": []}}


# --- item 5: failed logins throttled per username and per address; hashing off the loop ----

WRONG = "not-the-password"


def login(client: GraphQLClient, username: str, password: str):
    csrf = client.request("GET", "/auth/session").json()["csrfToken"]
    return client.request(
        "POST",
        "/auth/login",
        json={"username": username, "password": password},
        headers={"X-CSRFToken": csrf},
    )


def assert_throttled(r, window: int = 900) -> None:
    assert r.status_code == 429, r.text
    assert r.headers["content-type"] == "application/json"
    retry = int(r.headers["Retry-After"])
    assert window - 5 <= retry <= window
    assert r.json() == {
        "error": f"Too many failed logins: retry in {retry} s",
        "code": "RATE_LIMITED",
        "retryAfter": retry,
    }


@pytest.fixture
def planner(db):
    from django.contrib.auth.models import User

    return User.objects.create_user("planner", password="secret")


def test_ten_failed_logins_for_a_username_then_429_even_with_the_right_password(planner, settings):
    for i in range(10):
        r = login(GraphQLClient(address=f"10.0.0.{i + 1}"), "planner", WRONG)  # 10 addresses
        assert (r.status_code, r.json()["code"]) == (401, "UNAUTHENTICATED")
    r = timed(login, GraphQLClient(address="10.0.1.1"), "planner", "secret")
    assert_throttled(r)
    if settings.REDIS_URL:  # shared by every process: this one's own counts play no part
        from accounts import throttle

        throttle.local.counts.clear()
        assert_throttled(login(GraphQLClient(address="10.0.1.2"), "planner", "secret"))
    other = login(GraphQLClient(address="10.0.1.3"), "someone-else", WRONG)
    assert other.status_code == 401  # other usernames are not affected


def test_ten_failed_logins_from_one_address_then_429_for_any_username(planner):
    attacker = GraphQLClient(address="203.0.113.7")
    for i in range(10):
        assert login(attacker, f"user{i}", WRONG).status_code == 401
    assert_throttled(login(attacker, "planner", "secret"))
    elsewhere = login(GraphQLClient(address="203.0.113.8"), "planner", "secret")
    assert elsewhere.status_code == 200  # the user, from another address, gets in


def test_a_successful_login_resets_the_counts(planner):
    browser = GraphQLClient(address="198.51.100.4")
    for _ in range(9):
        assert login(browser, "planner", WRONG).status_code == 401
    assert login(browser, "planner", "secret").status_code == 200
    for _ in range(10):
        assert login(GraphQLClient(address="198.51.100.4"), "planner", WRONG).status_code == 401
    assert_throttled(login(GraphQLClient(address="198.51.100.4"), "planner", WRONG))


def test_the_admin_login_has_the_same_limit(planner):
    def admin_login(password: str):
        browser = GraphQLClient(address="192.0.2.9")
        browser.request("GET", "/admin/login/")
        csrf = browser.cookies["csrftoken"]
        return browser.request(
            "POST",
            "/admin/login/",
            data={"username": "planner", "password": password, "csrfmiddlewaretoken": csrf},
            headers={"X-CSRFToken": csrf, "Referer": "http://testserver/admin/login/"},
        )

    for _ in range(10):
        r = admin_login(WRONG)
        assert r.status_code == 200 and "Please enter the correct username" in r.text
    assert_throttled(admin_login("secret"))
    # and the two login paths share one count
    assert_throttled(login(GraphQLClient(address="192.0.2.10"), "planner", "secret"))


@pytest.mark.parametrize("username", ["plan\x00ner", "a" * 2000])
def test_login_refuses_control_characters_and_huge_credentials(planner, username):
    with exact_queries(0):
        r = timed(login, GraphQLClient(), username, "secret")
    assert r.status_code == 400
    assert r.json()["code"] == "BAD_USER_INPUT" and r.json()["field"] == "username"


@pytest.fixture(scope="module")
def api_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """The API as production runs it (uvicorn, one worker) on the test database."""
    from django.db import connection

    from tests.live import database_url, serve

    if connection.vendor != "postgresql":
        pytest.fail("live-server tests need DATABASE_URL=postgres://...", pytrace=False)
    env = {"DATABASE_URL": database_url(connection.settings_dict), "SENTRY_DSN": ""}
    with serve(env, tmp_path_factory.mktemp("hostile-live")) as server:
        yield server


@pytest.mark.postgres
def test_password_hashing_does_not_hold_the_event_loop(api_server):
    """Eight wrong passwords at once (PBKDF2, about 0.3 s each; an unknown user is hashed
    too) while /healthz is asked: it answers at once, the hashing runs in worker threads."""
    import asyncio

    import httpx

    async def scenario() -> tuple[float, float, list[int]]:
        async with httpx.AsyncClient(base_url=api_server.base, timeout=30) as c:
            csrf = (await c.get("/auth/session")).json()["csrfToken"]
            await c.get("/healthz")  # the connection is open before timing starts
            started = time.perf_counter()
            logins = [
                asyncio.ensure_future(
                    c.post(
                        "/auth/login",
                        json={"username": f"nobody{i}", "password": WRONG},
                        headers={"X-CSRFToken": csrf},
                    )
                )
                for i in range(8)
            ]
            await asyncio.sleep(0.1)
            probe = time.perf_counter()
            assert (await c.get("/healthz")).status_code == 200
            healthz = time.perf_counter() - probe
            statuses = [r.status_code for r in await asyncio.gather(*logins)]
            return healthz, time.perf_counter() - started, statuses

    from django.contrib.auth.hashers import make_password

    started = time.perf_counter()
    make_password(WRONG)  # one hash, as the server makes it, on this machine now
    one_hash = time.perf_counter() - started
    healthz, total, statuses = asyncio.run(scenario())
    assert statuses == [401] * 8
    assert total > 2 * one_hash, (total, one_hash)  # the hashing really is slow work ...
    # ... elsewhere: /healthz waited 3.9 s behind them while they ran on the event loop
    assert healthz < 0.5, f"/healthz waited {healthz:.2f} s behind the logins"


# --- weak: a Redis that accepts connections and never answers ---------------------------------


@pytest.fixture
def silent_redis(settings):
    """A real TCP server that accepts every connection and never answers, as the cache."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    url = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedPoolRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "capgraph",
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        }
    }
    yield url
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_a_silent_redis_costs_at_most_the_breaker_then_nothing(gql, silent_redis, settings):
    from core import outage

    query = '{ person(id: "25") { name } }'
    started = time.perf_counter()
    for _ in range(settings.REDIS_BREAKER_FAILURES):  # each request makes 1 or 2 Redis calls
        r = gql.post(query)
        assert r.data == {"person": {"name": "Ada Thompson"}}
        assert r.headers["X-Capgraph-Cache"] == "BYPASS"  # served uncached
        if outage.redis.is_open():
            break
    # REDIS_BREAKER_FAILURES calls of at most 250 ms each, then Redis is skipped
    assert outage.redis.is_open()
    assert time.perf_counter() - started < settings.REDIS_BREAKER_FAILURES * 0.25 + BOUND
    for _ in range(5):
        started = time.perf_counter()
        r = gql.post(query)
        assert time.perf_counter() - started < 0.25  # less than one Redis timeout
        assert r.data == {"person": {"name": "Ada Thompson"}}
    mutation = """mutation { updatePerson(id: "25", input: {weeklyCapacity: 38}) {
        person { weeklyCapacity } } }"""
    r = timed(gql.post, mutation)
    assert r.data == {"updatePerson": {"person": {"weeklyCapacity": 38.0}}}
    ready = timed(GraphQLClient().request, "GET", "/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["redis"]["status"] == "down"


def test_each_redis_call_gives_up_after_250_ms_without_retrying(silent_redis):
    from django.core.cache import cache

    from core import outage

    for _ in range(3):
        started = time.perf_counter()
        with pytest.raises(Exception) as raised:
            cache.get("capgraph:anything")
        took = time.perf_counter() - started
        # one socket timeout of 250 ms (the unbounded client waited 5 s); generous for a busy CI
        assert 0.2 < took < 1.0, (took, repr(raised.value))
        assert "Timeout" in type(raised.value).__name__ or "timed out" in str(raised.value)
    assert outage.redis.is_open()
    started = time.perf_counter()
    with pytest.raises(Exception, match="circuit open"):
        cache.get("capgraph:anything")
    assert time.perf_counter() - started < 0.05


# --- weak: the database away -------------------------------------------------------------------


@contextlib.contextmanager
def database_down():
    """Every SQL statement fails as with a database that went away (undone before the
    test's transaction is rolled back)."""
    from django.db import OperationalError
    from django.db.backends import utils

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused: is the server running?")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(utils.CursorWrapper, "_execute_with_wrappers", refuse)
        yield


def assert_unavailable(r) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.headers["Retry-After"].isdigit()
    assert r.json() == {
        "errors": [
            {
                "message": "The service is busy or unavailable: retry shortly",
                "extensions": {"code": "SERVICE_UNAVAILABLE"},
            }
        ]
    }


def test_every_endpoint_answers_json_503_when_the_database_is_down(tokens, planner, client):
    from accounts.access import forget_viewers

    client.force_login(planner)  # a session cookie, for the session endpoints
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    csrf = GraphQLClient().request("GET", "/auth/session").json()["csrfToken"]
    forget_viewers()  # nothing remembered: each request must ask the database
    job = "/exports/6f1c9a52-0c1e-4a39-9c43-1b1d6a0b2f10/download"
    bearer = {"Authorization": f"Bearer {tokens.read}"}
    with database_down():
        browser = GraphQLClient()
        browser.cookies.set("csrftoken", csrf)
        for method, path, kwargs in [
            (
                "POST",
                "/auth/login",
                {
                    "json": {"username": "planner", "password": "secret"},
                    "headers": {"X-CSRFToken": csrf},
                },
            ),
            ("GET", "/auth/session", {"headers": cookie}),
            ("GET", job, {"headers": bearer}),
            ("POST", "/graphql", {"json": {"query": "{ viewer { username } }"}, "headers": bearer}),
            (
                "GET",
                "/graphql",
                {"params": {"query": "{ viewer { username } }"}, "headers": bearer},
            ),
        ]:
            r = timed(browser.request, method, path, **kwargs)
            assert_unavailable(r)
        admin = GraphQLClient()
        admin.request("GET", "/admin/login/")  # its CSRF cookie
        admin_csrf = admin.cookies["csrftoken"]
        r = timed(
            admin.request,
            "POST",
            "/admin/login/",
            data={"username": "planner", "password": "x", "csrfmiddlewaretoken": admin_csrf},
            headers={"Referer": "http://testserver/admin/login/"},
        )
        assert_unavailable(r)
        ready = timed(browser.request, "GET", "/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
        assert ready.json()["checks"]["database"]["status"] == "down"
        assert timed(browser.request, "GET", "/healthz").status_code == 200


def test_a_failed_probe_makes_every_request_503_at_once_until_the_database_is_back(gql, settings):
    from core import outage

    with database_down():
        ready = timed(GraphQLClient().request, "GET", "/readyz")
    assert ready.status_code == 503  # not ready as soon as a probe fails
    assert outage.database.is_open()
    with exact_queries(0):  # not even tried: the breaker answers
        r = timed(
            gql.request,
            "POST",
            "/graphql",
            json={"query": '{ person(id: "25") { name } }'},
            headers=gql._headers(None),
        )
    assert_unavailable(r)
    assert 1 <= int(r.headers["Retry-After"]) <= settings.DB_BREAKER_SECONDS


def test_the_breaker_closes_when_a_probe_succeeds(gql):
    from core import outage

    outage.database.failure()
    assert outage.database.is_open()
    assert GraphQLClient().request("GET", "/readyz").status_code == 200
    assert not outage.database.is_open()
    assert gql.post('{ person(id: "25") { name } }').data == {"person": {"name": "Ada Thompson"}}


# --- weak: Vary, POST to a download, the export job's viewer ---------------------------------


def test_token_answers_vary_on_authorization(gql):
    for r in (
        gql.get({"query": '{ person(id: "25") { name } }'}),
        gql.post('{ person(id: "25") { name } }'),
        GraphQLClient(token="cg_wrong").get({"query": "{ __typename }"}),
    ):
        vary = {v.strip() for v in r.headers["Vary"].split(",")}
        assert {"Authorization", "Cookie"} <= vary, r.headers["Vary"]


def test_post_to_a_download_is_a_json_405(tokens):
    path = "/exports/6f1c9a52-0c1e-4a39-9c43-1b1d6a0b2f10/download"
    for headers in ({}, {"Authorization": f"Bearer {tokens.read}"}):
        r = GraphQLClient().request("POST", path, headers=headers)
        assert (r.status_code, r.headers["Allow"], r.json()) == (
            405,
            "GET, HEAD",
            {"error": "Method not allowed"},
        )


def test_an_export_job_of_an_expired_token_fails_like_a_request_would(db, settings, tmp_path):
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    from accounts.models import ApiToken
    from exports import services
    from exports.models import ExportJob

    settings.EXPORT_DIR = tmp_path
    user = User.objects.create_user("late")
    token, raw = ApiToken.issue(user, "read")
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save()
    assert GraphQLClient(token=raw).post("{ viewer { username } }").codes == ["UNAUTHENTICATED"]
    job = ExportJob.objects.create(
        user=user, token=token, format="csv", params={"from": "2026-11-02", "weeks": 2}
    )
    assert services.attempt(job.pk, 0) is None
    job.refresh_from_db()
    assert (job.status, job.error, job.file_path) == (
        "failed",
        "The token or user that requested this export expired",
        "",
    )


# --- item 6: the client address, and who may register APQ documents --------------------------


def remaining(r) -> int:
    return int(r.headers["X-RateLimit-Remaining"])


def anonymous(forwarded: str, address: str = "127.0.0.1"):
    client = GraphQLClient(headers={"X-Forwarded-For": forwarded}, address=address)
    return client.post("{ __typename }")


def test_x_forwarded_for_is_not_believed_by_default(db, settings):
    assert settings.TRUSTED_PROXIES == []
    first = anonymous("198.51.100.1")
    second = anonymous("198.51.100.2")  # a "fresh" address, chosen by the caller
    assert first.data == second.data == {"__typename": "Query"}
    assert remaining(second) == remaining(first) - 1  # one budget: the peer's


@pytest.mark.parametrize("trusted", ["127.0.0.1", "127.0.0.0/8", "localhost"])
def test_x_forwarded_for_is_believed_from_a_trusted_proxy(db, settings, trusted):
    settings.TRUSTED_PROXIES = [trusted]
    full = settings.RATE_LIMIT_POINTS - 1
    assert remaining(anonymous("198.51.100.1")) == full
    assert remaining(anonymous("198.51.100.2")) == full  # another client, its own budget
    # the rightmost address that is not a trusted proxy is the client; what it wrote
    # to the left of it is not believed
    assert remaining(anonymous("203.0.113.9, 198.51.100.1")) == full - 1
    assert remaining(anonymous("127.0.0.1, 198.51.100.1")) == full - 2
    # a peer that is not a trusted proxy is the client, whatever it forwards
    assert remaining(anonymous("198.51.100.1", address="192.0.2.1")) == full
    assert remaining(anonymous("198.51.100.2", address="192.0.2.1")) == full - 1


def test_forwarded_headers_are_dropped_from_untrusted_peers(settings):
    from asgiref.sync import async_to_sync

    from api.edge import client_address

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    meta = {
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_X_FORWARDED_FOR": "10.1.1.1",
        "HTTP_X_FORWARDED_PROTO": "https",
    }
    assert async_to_sync(client_address)(meta) == "192.0.2.1"
    assert meta == {"REMOTE_ADDR": "192.0.2.1"}  # https is not believed either
    trusted = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "garbage, 192.0.2.7"}
    assert async_to_sync(client_address)(trusted) == "192.0.2.7"
    assert trusted["HTTP_X_FORWARDED_FOR"] == "garbage, 192.0.2.7"
    bad = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-address"}
    assert async_to_sync(client_address)(bad) == "10.0.0.2"


def apq(client: GraphQLClient, document: str, with_text: bool = True):
    import hashlib

    digest = hashlib.sha256(document.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    if with_text:
        return client.post(document, extensions=extensions)
    return client.get({"extensions": __import__("json").dumps(extensions)})


def test_anonymous_callers_do_not_register_apq_documents_by_default(tokens, settings):
    assert settings.APQ_ANONYMOUS_REGISTRATION is False
    document = "query AnonymousApq { __typename }"
    assert apq(GraphQLClient(), document).data == {"__typename": "Query"}  # it runs ...
    missed = apq(GraphQLClient(), document, with_text=False)
    assert missed.codes == ["PERSISTED_QUERY_NOT_FOUND"]  # ... but is not stored
    settings.APQ_ANONYMOUS_REGISTRATION = True
    assert apq(GraphQLClient(), document).data == {"__typename": "Query"}
    assert apq(GraphQLClient(), document, with_text=False).data == {"__typename": "Query"}
    other = "query TokenApq { __typename }"
    settings.APQ_ANONYMOUS_REGISTRATION = False
    assert apq(GraphQLClient(token=tokens.read), other).data == {"__typename": "Query"}
    assert apq(GraphQLClient(), other, with_text=False).data == {"__typename": "Query"}


def test_the_apq_store_is_bounded_least_recently_used_first(gql, settings):
    import uuid

    settings.APQ_MAX_DOCUMENTS = 3
    tag = uuid.uuid4().hex[:8]
    docs = [f"query Bounded{tag}{i} {{ __typename }}" for i in range(6)]
    for doc in docs[:5]:
        assert apq(gql, doc).data == {"__typename": "Query"}

    def stored(doc: str) -> bool:
        r = apq(gql, doc, with_text=False)
        return r.codes != ["PERSISTED_QUERY_NOT_FOUND"]

    assert [stored(d) for d in docs[2:5]] == [True, True, True]  # docs 2 used first, 4 last
    assert [stored(d) for d in docs[:2]] == [False, False]  # evicted
    assert stored(docs[2])  # now the most recently used
    assert apq(gql, docs[5]).data == {"__typename": "Query"}
    assert [stored(d) for d in (docs[2], docs[5], docs[3])] == [True, True, False]


# --- weak: what Sentry receives ----------------------------------------------------------------


def test_sentry_events_carry_no_body_variables_or_credentials(gql, monkeypatch):
    import hashlib
    import json

    import sentry_sdk

    from graphql_schema.people import types
    from tests.helpers import CapturingTransport, items

    def boom(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(types, "skill_score", boom)
    from config.observability import init_sentry

    CapturingTransport.envelopes = []
    init_sentry("https://public@sentry.invalid/1", 1.0, transport=CapturingTransport)
    document = (
        'query Boom($s: [String!]!) { person(id: "25") { skillScore(skills: $s) { score } } }'
    )
    secrets = {
        "X-CSRFToken": "csrf-secret-value",
        "Cookie": "other=cookie-secret-value",
        "X-Api-Key": "api-key-secret-value",
    }
    variables = {"s": ["Eve Secretname <eve@example.org>"]}
    try:
        posted = gql.post(document, variables, headers=secrets, operationName="Boom")
        got = gql.get(
            {"query": document, "variables": json.dumps(variables), "operationName": "Boom"},
            headers=secrets,
        )
        sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()
    assert posted.codes == got.codes == ["INTERNAL_SERVER_ERROR"]
    events = items(CapturingTransport.envelopes, "event")
    assert len(events) == 2
    raw = json.dumps(
        items(CapturingTransport.envelopes, "event")
        + items(CapturingTransport.envelopes, "transaction")
    )
    for secret in (
        "csrf-secret-value",
        "cookie-secret-value",
        "api-key-secret-value",
        gql.token,
        gql.token[:10],
        "Eve Secretname",
        "eve@example.org",
        "Secretname",
    ):
        assert secret not in raw, secret
    digest = hashlib.sha256(document.encode()).hexdigest()
    for event in events:
        assert event["transaction"] == "graphql Boom"
        assert event["tags"]["graphql.operation"] == "Boom"
        assert event["tags"]["graphql.document_hash"] == digest
        assert "data" not in event["request"] and "query_string" not in event["request"]
        headers = {h.lower() for h in event["request"]["headers"]}
        assert "user-agent" in headers
        assert headers <= {
            "accept",
            "accept-encoding",
            "content-length",
            "content-type",
            "host",
            "user-agent",
        }


class CuttableProxy:
    """A TCP proxy to PostgreSQL that can be cut (existing connections dropped, new ones
    refused) and restored on the same port: the database going away and coming back."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        import socket

        self.upstream = upstream
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.sockets: list = []
        self.listener = None
        self.restore()

    def restore(self) -> None:
        import socket
        import threading

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, target) -> None:
        import socket

        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for s in (source, target):
            # shutdown first: a close() alone neither wakes the other direction's recv()
            # nor sends the FIN that ends PostgreSQL's session
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def cut(self) -> None:
        import socket

        with contextlib.suppress(OSError):  # shutdown wakes the accept(); close would not
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):  # already closed by its peer, say
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets = []


@pytest.mark.postgres
def test_a_live_server_answers_503_at_once_while_the_database_is_away(
    django_db_setup, tokens, tmp_path
):
    """The API as production runs it, its database behind a proxy that is cut: every
    endpoint answers JSON 503 within the bound (not after DB_POOL_TIMEOUT), /readyz is 503,
    /healthz 200; once the database is back, so is the API."""
    import httpx
    from django.db import connection

    from tests.live import database_url, serve

    if connection.vendor != "postgresql":
        pytest.fail("needs DATABASE_URL=postgres://...", pytrace=False)
    settings_dict = connection.settings_dict
    proxy = CuttableProxy(
        (settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    )
    url = database_url({**settings_dict, "HOST": "127.0.0.1", "PORT": proxy.port})
    env = {"DATABASE_URL": url, "SENTRY_DSN": "", "DB_POOL_TIMEOUT": "10"}
    bearer = {"Authorization": f"Bearer {tokens.read}"}
    with serve(env, tmp_path) as server, httpx.Client(base_url=server.base, timeout=30) as c:
        csrf = c.get("/auth/session").json()["csrfToken"]
        assert c.get("/readyz").status_code == 200
        proxy.cut()
        for method, path, kwargs in [
            (
                "GET",
                "/graphql",
                {"params": {"query": "{ viewer { username } }"}, "headers": bearer},
            ),
            (
                "POST",
                "/auth/login",
                {"json": {"username": "reader", "password": "x"}, "headers": {"X-CSRFToken": csrf}},
            ),
            ("GET", "/exports/6f1c9a52-0c1e-4a39-9c43-1b1d6a0b2f10/download", {"headers": bearer}),
            ("POST", "/graphql", {"json": {"query": "{ viewer { username } }"}, "headers": bearer}),
        ]:
            r = timed(c.request, method, path, **kwargs)
            assert_unavailable(r)
        ready = timed(c.get, "/readyz")
        assert (ready.status_code, ready.json()["checks"]["database"]["status"]) == (503, "down")
        assert timed(c.get, "/healthz").status_code == 200
        proxy.restore()
        deadline = time.monotonic() + 30
        while c.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.5)
        while (
            r := c.get("/graphql", params={"query": "{ viewer { username } }"}, headers=bearer)
        ).status_code != 200:
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.5)
        assert r.json()["data"] == {"viewer": {"username": "reader"}}
    proxy.cut()


PUBLISH = """
import os, sys, time
import django

django.setup()
from exports.tasks import build_export

started = time.perf_counter()
try:
    build_export.delay("00000000-0000-0000-0000-000000000000")
    outcome = "queued"
except Exception as exc:
    outcome = type(exc).__name__
print(outcome, round(time.perf_counter() - started, 3))
"""


@pytest.mark.parametrize("broker", ["silent", "refused"])
def test_queuing_an_export_on_a_broker_that_never_answers_gives_up_at_once(broker, tmp_path):
    """requestGridExport queues its job inside the request: a Celery broker that accepts
    connections and never answers (or refuses them) costs one bounded attempt, not the
    6-7 s of kombu's default connection retries. (A process of its own: the broker is read
    when the Celery app starts.)"""
    import os
    import socket
    import subprocess
    import sys
    import threading

    from tests.conftest import REPO

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                held.append(server.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    port = server.getsockname()[1] if broker == "silent" else 1
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(REPO / "backend"),
        CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0",
        SQLITE_PATH=str(tmp_path / "unused.sqlite3"),
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", PUBLISH], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        with contextlib.suppress(OSError):
            server.shutdown(socket.SHUT_RDWR)
        server.close()
        for conn in held:
            conn.close()
    assert result.returncode == 0, result.stderr
    outcome, seconds = result.stdout.split()
    assert outcome == "OperationalError"
    # one attempt of at most 250 ms (connect, then read); unbounded it took 6.9 s
    assert float(seconds) < 1.5
