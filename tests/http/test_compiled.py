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
from tests.compiled_corpus import both_paths, documents_of_tests, generate, variables_for
from tests.conftest import REPO
from tests.helpers import ASSIGNMENTS_DOCUMENT, PEOPLE_DOCUMENT

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
        assert outcome.compiled == outcome.normal, (text, variables)
        if outcome.ran_compiled:
            compiled += 1
            assert outcome.compiled_sql == outcome.normal_sql, (text, variables, outcome.sql)
        errors += b'"errors"' in outcome.normal
    return compiled, errors


def test_the_nested_documents_run_compiled_and_identical(both):
    from api import compiled as plan

    plan.plans.clear()
    for text, variables in (
        (PEOPLE_DOCUMENT, {"first": 200}),
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
