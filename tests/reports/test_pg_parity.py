"""PostgreSQL's set-based paths give exactly what the portable (SQLite) path gives."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.access import Scope
from assignments.aggregates import role_week_totals
from people.tree import DepartmentTree
from planning.weeks import week_keys
from tests import calendar_data
from tests.calendar_data import load_calendar_dataset
from tests.client import exact_queries
from tests.conftest import DATASETS, MEDIUM

pytestmark = pytest.mark.postgres

CASES = [
    # (visible, departments, roles, first, weeks)
    (None, None, None, dt.date(2026, 11, 2), 26),
    (None, None, None, dt.date(2026, 10, 26), 4),  # starts before the data
    (None, {1, 2, 3, 4, 5, 6}, None, dt.date(2026, 11, 16), 12),
    ({3}, None, {1, 7, 8}, dt.date(2026, 11, 2), 12),
    (None, None, {7}, dt.date(2027, 1, 4), 8),
]


@pytest.fixture(params=["small", "medium", "small_calendar"])
def dataset(request, db, tokens):
    """The dataset, and its department tree (where people's holiday calendars come from)."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    if request.param == "medium":
        call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())
    elif request.param == "small_calendar":
        load_calendar_dataset(DATASETS / "small_calendar.json")
    return DepartmentTree.load()


@pytest.mark.parametrize(("visible", "departments", "roles", "first", "weeks"), CASES)
def test_role_week_totals_match_the_portable_path(
    dataset, visible, departments, roles, first, weeks
):
    keys = week_keys(first, weeks)
    scope = Scope(None if visible is None else frozenset(visible))
    pg = role_week_totals(scope, departments, roles, keys, dataset)
    portable = role_week_totals(scope, departments, roles, keys, dataset, portable=True)
    assert pg == portable
    assert pg, "the case must cover some data"
    assert sum(sum(assigned) for assigned, _ in pg.values()) > 0 or first.year == 2027


@pytest.mark.parametrize(
    ("departments", "roles", "queries"),
    [
        # a token whose departments were all deleted: nobody, known before any SQL
        # (Django's EmptyResultSet), and the calendar has nobody to ask about
        (frozenset(), None, 0),
        # roles: [] filters the people read (one query) down to nobody
        (None, [], 1),
    ],
)
def test_nobody_in_scope_is_no_rows(dataset, departments, roles, queries):
    keys = week_keys(dt.date(2026, 11, 2), 4)
    scope = Scope(departments)
    with exact_queries(queries):
        assert role_week_totals(scope, None, roles, keys, dataset) == {}
    assert role_week_totals(scope, None, roles, keys, dataset, portable=True) == {}


def test_role_week_totals_match_on_the_calendar_cases(db, tokens):
    # Every rule of the availability calendar (tests/data/calendar_cases.json), both paths.
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    load_calendar_dataset(calendar_data.CASES)
    tree = DepartmentTree.load()
    keys = week_keys(dt.date(2027, 1, 4), 2)
    pg = role_week_totals(Scope(None), None, None, keys, tree)
    assert pg == role_week_totals(Scope(None), None, None, keys, tree, portable=True)
    assert {role: [float(c) for c in capacity] for role, (_, capacity) in pg.items()} == {
        1: [167.66, 193.33],  # tests/reports/test_calendar_reports.py, test_role_capacity
        2: [36 + 32 + 0 + 40.0, 30 + 40 + 0 + 32.5],  # Cleo, Eve, Hana, Jo
    }
