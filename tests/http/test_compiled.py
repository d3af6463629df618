"""Compiled execution (api.compiled) answers exactly as graphql-core does: every query the
web app ships, every query document the tests hold, and a seeded generated corpus, each
sent twice over HTTP (COMPILED_QUERIES off, then on) must give byte-identical bodies (the
cost extension aside) with the same status, and the same SQL count whenever the plan ran
to the end. `make bench` runs a larger corpus (`tests/bench/run.py --corpus 1000`)."""

from __future__ import annotations

import json

import pytest
from graphql import OperationType, parse
from graphql.language import OperationDefinitionNode

from tests.client import GraphQLClient
from tests.compiled_corpus import (
    both_paths,
    documents_of_tests,
    generate,
    same_answer,
    variables_for,
)
from tests.conftest import REPO
from tests.helpers import ASSIGNMENTS_DOCUMENT, PEOPLE_DOCUMENT, PEOPLE_MAPS_DOCUMENT

CORPUS_SIZE = 150  # make test; the bench runs 1,000 and more
SEED = 17


@pytest.fixture
def both(settings, gql: GraphQLClient):
    settings.RESPONSE_CACHE_TTL = 0  # every request executes
    settings.RATE_LIMIT_POINTS = 10**9
    return gql


def ids() -> dict[str, list[str]]:
    from people.models import Department, Person
    from projects.models import Project

    return {
        "person": [str(i) for i in Person.objects.order_by("id").values_list("id", flat=True)[:3]],
        "project": [
            str(i) for i in Project.objects.order_by("id").values_list("id", flat=True)[:3]
        ],
        "department": [
            str(i) for i in Department.objects.order_by("id").values_list("id", flat=True)[:3]
        ],
    }


def shipped_queries() -> list[str]:
    manifest = json.loads((REPO / "frontend/src/gql/persisted-documents.json").read_text())
    out = []
    for text in manifest.values():
        ops = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
        if ops[0].operation == OperationType.QUERY:
            out.append(text)
    return out


def check(client: GraphQLClient, documents: list[tuple[str, dict]]) -> tuple[int, int]:
    """(documents that ran compiled, documents that answered errors)."""
    compiled = errors = 0
    for text, variables in documents:
        outcome = both_paths(client, text, variables)
        assert same_answer(client, text, variables, outcome), (text, variables, outcome)
        compiled += outcome.ran_compiled
        errors += b'"errors"' in outcome.normal
    return compiled, errors


def test_the_nested_documents_run_compiled_and_identical(both):
    from api import compiled as plan

    plan.plans.clear()
    for text, variables in (
        (PEOPLE_DOCUMENT, {"first": 200}),
        (PEOPLE_MAPS_DOCUMENT, {"first": 200}),
        (ASSIGNMENTS_DOCUMENT, {"first": 50}),
    ):
        outcome = both_paths(both, text, variables)
        assert outcome.ran_compiled
        assert outcome.compiled == outcome.normal
        assert outcome.compiled_sql == outcome.normal_sql
        assert len(outcome.compiled) > 10_000


def test_shipped_and_test_documents(both):
    from api.schema import schema

    known = ids()
    texts = shipped_queries() + documents_of_tests(REPO)
    assert len(shipped_queries()) >= 5 and len(texts) >= 15
    documents = [(t, variables_for(schema._schema, t, known)) for t in texts]
    compiled, _ = check(both, documents)
    assert compiled >= len(shipped_queries())


def test_generated_corpus(both):
    from api.schema import schema

    documents = generate(schema._schema, CORPUS_SIZE, SEED, ids())
    # the seed's corpus reaches the week maps of people and of assignments
    assert any("weekMaps" in text for text, _ in documents)
    compiled, errors = check(both, documents)
    # The corpus exercises both sides of the rule: most documents run by their plan, and
    # a good share answer errors (graphql-core's, by the fallback).
    assert compiled >= CORPUS_SIZE // 3, compiled
    assert errors >= CORPUS_SIZE // 10, errors


def test_an_error_falls_back_to_graphql_core(both):
    from api import compiled as plan

    before = plan.counts["abandoned"]
    text = "query { people(first: 2) { edges { node { name hoursByWeek(weeks: 0) { week } } } } }"
    outcome = both_paths(both, text, {})
    assert plan.counts["abandoned"] == before + 1
    assert outcome.compiled == outcome.normal
    body = json.loads(outcome.normal)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["path"] == ["people", "edges", 0, "node", "hoursByWeek"]


def _timed_out(self, keys):
    """A loader's batch that the database cancelled (statement_timeout), raised without
    a statement, so the transaction the test runs in stays usable for the other path."""
    from django.db import OperationalError
    from psycopg.errors import QueryCanceled

    try:
        raise QueryCanceled("canceling statement due to statement timeout")
    except QueryCanceled as error:
        raise OperationalError(str(error)) from error


@pytest.mark.parametrize(
    ("loader", "text", "nulled"),
    [
        # a nullable field of every person: each one null, one error each, in order
        (
            "people.RoleByIdLoader",
            "query { people(first: 5) { edges { node { name role { name } "
            "r2: role { name } } } } }",
            10,
        ),
        # a non-null field: the null goes up to the nearest nullable position (the data)
        (
            "people.SkillsByPersonLoader",
            "query { people(first: 3) { edges { node { name skills { proficiency } } } } "
            "departments { name } }",
            1,
        ),
        # the same under a nullable root field: only that field is null
        (
            "people.SkillsByPersonLoader",
            'query { person(id: "25") { name skills { proficiency } } departments { name } }',
            1,
        ),
        # three levels down, with fragments and aliases
        (
            "assignments.HoursByAssignmentLoader",
            "query { people(first: 4) { edges { node { ...P } } } } fragment P on Person "
            "{ name assignments { h: hoursByWeek(weeks: 2) { week hours } project { name } } }",
            None,
        ),
    ],
)
def test_a_database_error_is_answered_by_the_plan_as_graphql_core_does(
    both, monkeypatch, loader, text, nulled
):
    """A statement timeout inside the plan is not run again (a second run would repeat the
    slow statement, or meet the aborted transaction): the plan answers it, byte for byte
    as graphql-core does, with the same errors (TIMEOUT), paths and nulls."""
    from api import compiled as plan
    from graphql_schema import loaders

    module, name = loader.split(".")
    cls = getattr(getattr(loaders, module), name)
    calls = []

    def broken(self, keys):
        calls.append(len(keys))
        _timed_out(self, keys)

    monkeypatch.setattr(cls, "load_batch", broken)
    before = dict(plan.counts)
    outcome = both_paths(both, text, {})
    assert outcome.compiled == outcome.normal
    assert plan.counts["abandoned"] == before.get("abandoned", 0)
    assert plan.counts["compiled with errors"] == before.get("compiled with errors", 0) + 1
    assert len(calls) == 2  # one batch per path: nothing ran twice
    body = json.loads(outcome.normal)
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"TIMEOUT"}
    if nulled is not None:
        assert len(body["errors"]) == nulled


def test_the_plan_answers_every_resolver_error_as_graphql_core_does(both, monkeypatch):
    """The plan's own error answers (what it does for a database error) checked against
    graphql-core's on every error the generated corpus provokes: with ABSORB_ALL_ERRORS the
    plan answers them all itself instead of running the request again. The data must be
    byte-identical, and so must the whole answer when it holds one error. With several,
    each of the plan's errors must be one of graphql-core's: graphql-core lists them in the
    order its event loop happened to meet them, and drops one met after a null reached
    the top; the plan orders them by level and by waits, which can differ (with a single
    database error, as in production, nothing differs: the test above)."""
    import orjson

    from api import compiled as plan
    from api.schema import schema

    monkeypatch.setattr(plan, "ABSORB_ALL_ERRORS", True)
    documents = generate(schema._schema, CORPUS_SIZE // 2, SEED + 1, ids())
    before = plan.counts["compiled with errors"]
    answered = exact = 0
    for text, variables in documents:
        outcome = both_paths(both, text, variables)
        if outcome.compiled == outcome.normal:
            exact += 1
        normal, fast = orjson.loads(outcome.normal), orjson.loads(outcome.compiled)
        assert list(normal) == list(fast), (text, variables)  # "errors" first, or "data" alone
        assert orjson.dumps(normal.get("data")) == orjson.dumps(fast.get("data")), text
        graphql_cores = [orjson.dumps(e) for e in normal.get("errors", [])]
        plans = [orjson.dumps(e) for e in fast.get("errors", [])]
        if len(graphql_cores) <= 1:
            assert outcome.compiled == outcome.normal, (text, variables)
        else:
            assert plans and set(plans) <= set(graphql_cores), (text, variables)
        answered += b'"errors"' in outcome.normal
    assert plan.counts["compiled with errors"] - before >= CORPUS_SIZE // 20
    assert answered >= CORPUS_SIZE // 20, answered
    assert exact >= len(documents) * 9 // 10, exact


ONE_WEEK = "query { people(first: 20) { edges { node { name %s } } } }"


@pytest.mark.parametrize(
    ("fields", "count", "rules"),
    [
        ("availableHours utilizationPercent", 2, (True,)),
        ("u: utilizationPercent a: availableHours availableHours", 3, (True,)),
        (
            "availableHours(includeTentative: false) utilizationPercent "
            "t: utilizationPercent(includeTentative: false)",
            3,
            (True, False),
        ),
    ],
)
def test_the_one_week_loads_are_built_once_per_level(both, monkeypatch, fields, count, rules):
    """availableHours and utilizationPercent of the same week and tentative rule share
    one computation on the compiled path (Loaders.person_loads): as many week_load calls
    as availableHours alone makes, per distinct includeTentative; answers and SQL as
    graphql-core's, whose path calls week_load once per person and field."""
    from graphql_schema.people import types

    calls = []
    real = types.week_load
    monkeypatch.setattr(types, "week_load", lambda *a: calls.append(a) or real(*a))

    def calls_of(text: str) -> int:
        """week_load calls of both paths: graphql-core's, then the plan's."""
        calls.clear()
        outcome = both_paths(both, text, {})
        assert outcome.ran_compiled
        assert outcome.compiled == outcome.normal
        assert outcome.compiled_sql == outcome.normal_sql
        return len(calls)

    people = 20
    # the plan's calls for one field alone: once per distinct (week, hours, capacity)
    alone = {
        True: calls_of(ONE_WEEK % "availableHours") - people,
        False: calls_of(ONE_WEEK % "availableHours(includeTentative: false)") - people,
    }
    assert 0 < alone[True] <= people and 0 < alone[False] <= people
    assert calls_of(ONE_WEEK % fields) == people * count + sum(alone[r] for r in rules)


def test_a_leaves_only_list_fills_one_dict_per_distinct_object(both, monkeypatch):
    """The batch forms share equal WeekLoad objects between people; a list of leaves-only
    objects then gets one dict per distinct object at its level, filled once (and the
    same bytes: orjson writes each occurrence)."""
    from api import compiled as plan

    filled: dict[str, int] = {}
    real_fill = plan._fill

    def counting_fill(selection):
        fill = real_fill(selection)

        def counted(sources, outs, following):
            name = selection.type.name
            filled[name] = filled.get(name, 0) + len(sources)
            return fill(sources, outs, following)

        return counted

    monkeypatch.setattr(plan, "_fill", counting_fill)
    plan.plans.clear()
    text = (
        "query { people(first: 50) { edges { node { name "
        "hoursByWeek(weeks: 12) { week hours capacity availableHours } } } } }"
    )
    outcome = both_paths(both, text, {})
    plan.plans.clear()
    assert outcome.ran_compiled
    assert outcome.compiled == outcome.normal
    weeks = [
        json.dumps(w, sort_keys=True)
        for e in json.loads(outcome.compiled)["data"]["people"]["edges"]
        for w in e["node"]["hoursByWeek"]
    ]
    assert len(weeks) == 50 * 12
    # at least one dict per distinct answer, fewer than one per person and week
    assert len(set(weeks)) <= filled["WeekLoad"] < len(weeks)
    assert filled["Person"] == 50


def test_the_skill_type_takes_the_loaders_rows_and_skill_tags():
    from graphql_schema.loaders.people import HeldSkillRow, SkillRow
    from graphql_schema.people.types import Skill
    from people.models import SkillTag

    row = SkillRow(7, "Python", "Language")
    held = HeldSkillRow(3, 5, row, "EXPERT", "STRENGTH")
    assert (held.skill_id, held.skill.name, held.person_id) == (7, "Python", 5)
    assert Skill.is_type_of(row, None) is True
    assert Skill.is_type_of(SkillTag(name="Go"), None) is True
    assert Skill.is_type_of(held, None) is False
    with pytest.raises(AttributeError):
        held.other = 1  # type: ignore[attr-defined]  # slotted: a read-only row


WEEK = '"2026-11-16"'


@pytest.mark.parametrize(
    ("text", "normal_sql", "compiled_sql"),
    [
        # corpus seed 18: the root person's one-week loads (hours, capacity and its
        # calendar reads) and the heatmap rows' people's, one batch each (the plan made
        # them two, a level apart: 12 queries)
        (
            "query { person(id: $P) { utilizationPercent(week: $W) } capacityHeatmap(from: $W) "
            "{ rows { person { utilizationPercent(week: $W) } } } }",
            (9,),
            9,
        ),
        # the same, the root fields the other way round
        (
            "query { capacityHeatmap(from: $W) { rows { person { utilizationPercent(week: $W) "
            "} } } person(id: $P) { utilizationPercent(week: $W) } }",
            (9,),
            9,
        ),
        # the same shape, the skills loader (the plan made it 8 queries)
        (
            "query { person(id: $P) { skills { proficiency } } capacityHeatmap(from: $W) "
            "{ rows { person { skills { proficiency } } } } }",
            (7,),
            7,
        ),
        # beside a people page: graphql-core asks for the page's loads apart from the root
        # person's when it meets the page's people a tick later (another read of the thread
        # hop), as it mostly does: 9 queries, 6 when both reads end in one tick; the plan
        # has both objects at one level and resolves the page's edges and nodes before it
        # waits: 6 every time (it made 9 before)
        (
            "query { person(id: $P) { availableHours(week: $W) } people(first: 20) "
            "{ edges { node { availableHours(week: $W) } } } }",
            (9, 6),
            6,
        ),
    ],
)
def test_loads_below_fields_with_no_wait_join_the_levels_batches(
    both, text, normal_sql, compiled_sql
):
    """Before a level waits, the plan resolves the selection sets below it whose objects
    are all there (plain fields, resolvers that answered at once): their loads join the
    level's batches, as graphql-core asks for a subtree's loads in one tick."""
    text = text.replace("$P", f'"{ids()["person"][1]}"').replace("$W", WEEK)
    outcome = both_paths(both, text, {})
    assert outcome.ran_compiled
    assert outcome.compiled == outcome.normal
    assert b'"errors"' not in outcome.normal
    assert outcome.compiled_sql == compiled_sql
    assert outcome.normal_sql in normal_sql
