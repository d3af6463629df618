"""Exact SQL query counts for the issue's documents: constant whatever the page size."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.client import exact_queries
from tests.conftest import MEDIUM
from tests.helpers import ASSIGNMENTS_DOCUMENT, PEOPLE_DOCUMENT

# token lookup, people page, department tree, roles, person skills, assignments,
# projects, assignment weeks, person-week sums
PEOPLE_QUERIES = 9
# token lookup, assignments page, assignment weeks, people, projects, roles, person skills
ASSIGNMENTS_QUERIES = 7


@pytest.fixture
def medium(db, tokens):
    call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())


@pytest.mark.parametrize("first", [50, 200])
def test_people_document_costs_the_same_for_50_and_200_people(gql, medium, first):
    with exact_queries(PEOPLE_QUERIES):
        r = gql.post(PEOPLE_DOCUMENT, {"first": first})
    edges = r.data["people"]["edges"]
    assert len(edges) == first
    assert sum(len(e["node"]["assignments"]) for e in edges) > first  # nested lists are real


@pytest.mark.parametrize("first", [50, 200])
def test_assignments_document_costs_the_same_for_50_and_200_rows(gql, medium, first):
    with exact_queries(ASSIGNMENTS_QUERIES):
        r = gql.post(ASSIGNMENTS_DOCUMENT, {"first": first})
    edges = r.data["assignments"]["edges"]
    assert len(edges) == first
    assert all(len(e["node"]["hoursByWeek"]) == 26 for e in edges)


def test_restricted_token_adds_exactly_the_department_queries(client_for, tokens, medium):
    # A restricted token also reads its departments and the department tree, once.
    with exact_queries(PEOPLE_QUERIES + 1):
        r = client_for(tokens.engineering).post(PEOPLE_DOCUMENT, {"first": 200})
    assert len(r.data["people"]["edges"]) > 0
