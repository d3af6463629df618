"""Exact SQL query counts for the issue's documents: constant whatever the page size."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests import calendar_data
from tests.calendar_data import load_calendar_dataset
from tests.client import exact_queries
from tests.conftest import MEDIUM
from tests.helpers import ASSIGNMENTS_DOCUMENT, PEOPLE_DOCUMENT

# token lookup, people page, department tree, roles, person skills, assignments,
# projects, assignment weeks, person-week sums, then the calendar of the page's people
# (calendars.selectors): schedules, time off, and holidays when one of them follows a
# holiday calendar. Before the calendar the document cost 9.
PEOPLE_QUERIES = 11
PEOPLE_QUERIES_WITH_HOLIDAYS = 12
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


@pytest.fixture
def medium_calendar(db, tokens):
    load_calendar_dataset(calendar_data.medium_calendar())


@pytest.mark.parametrize("first", [50, 200])
def test_people_document_on_a_calendar_costs_the_same_for_50_and_200_people(
    gql, medium_calendar, first
):
    # 500 people with schedules, holiday calendars and time off; a page holds at most 200.
    with exact_queries(PEOPLE_QUERIES_WITH_HOLIDAYS):
        r = gql.post(PEOPLE_DOCUMENT, {"first": first})
    edges = r.data["people"]["edges"]
    assert len(edges) == first
    weeks = [w for e in edges for w in e["node"]["hoursByWeek"]]
    assert any(w["holidayHours"] for w in weeks) and any(w["timeOffHours"] for w in weeks)


def test_restricted_token_adds_exactly_the_department_queries(client_for, tokens, medium):
    # A restricted token also reads its departments and the department tree, once.
    with exact_queries(PEOPLE_QUERIES + 1):
        r = client_for(tokens.engineering).post(PEOPLE_DOCUMENT, {"first": 200})
    assert len(r.data["people"]["edges"]) > 0
