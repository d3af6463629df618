"""PostgreSQL's set-based paths give exactly what the portable (SQLite) path gives."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.access import Scope
from assignments.aggregates import role_week_totals
from planning.weeks import week_keys
from tests.client import exact_queries
from tests.conftest import MEDIUM

pytestmark = pytest.mark.postgres

CASES = [
    # (visible, departments, roles, first, weeks)
    (None, None, None, dt.date(2026, 11, 2), 26),
    (None, None, None, dt.date(2026, 10, 26), 4),  # starts before the data
    (None, {1, 2, 3, 4, 5, 6}, None, dt.date(2026, 11, 16), 12),
    ({3}, None, {1, 7, 8}, dt.date(2026, 11, 2), 12),
    (None, None, {7}, dt.date(2027, 1, 4), 8),
]


@pytest.fixture(params=["small", "medium"])
def dataset(request, db, tokens):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    if request.param == "medium":
        call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())


@pytest.mark.parametrize(("visible", "departments", "roles", "first", "weeks"), CASES)
def test_role_week_totals_match_the_portable_path(
    dataset, visible, departments, roles, first, weeks
):
    keys = week_keys(first, weeks)
    scope = Scope(None if visible is None else frozenset(visible))
    pg = role_week_totals(scope, departments, roles, keys)
    portable = role_week_totals(scope, departments, roles, keys, portable=True)
    assert pg == portable
    assert pg, "the case must cover some data"
    assert sum(sum(assigned) for assigned, _ in pg.values()) > 0 or first.year == 2027


@pytest.mark.parametrize(
    ("departments", "roles"),
    [(frozenset(), None), (None, [])],  # a token whose departments were all deleted; roles: []
)
def test_nobody_in_scope_is_still_one_statement_and_no_rows(dataset, departments, roles):
    keys = week_keys(dt.date(2026, 11, 2), 4)
    scope = Scope(departments)
    with exact_queries(1):
        assert role_week_totals(scope, None, roles, keys) == {}
    assert role_week_totals(scope, None, roles, keys, portable=True) == {}
