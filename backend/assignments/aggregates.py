"""Set-based reads behind the reports and the export that combine people and their
assignments: one query each, whatever the number of people.

Every read is limited to active people in the viewer's `scope` and, when a report asks for
them, in some departments (`departments`; None means no limit). The people themselves come
from people.selectors, hours(P, W) from assignments.selectors.
"""

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.functions import Lower

from accounts.access import Scope
from core.routing import read_alias
from people.selectors import active_people, people_in_scope
from planning.capacity import ZERO
from planning.reports import role_series

from . import selectors
from .models import Assignment
from .selectors import HoursMap

__all__ = ["GridRows", "active_people", "grid_rows", "role_week_totals"]

Departments = Collection[int] | None


class GridRows(NamedTuple):
    assignments: list[tuple]  # (id, person_id, project_id, name, client, role, version)
    hours_by_assignment: HoursMap
    hours_by_person: HoursMap


def grid_rows(scope: Scope, departments: Departments, first: dt.date, last: dt.date) -> GridRows:
    """Active assignments of active people in scope (by person name and id, then docs/design.md's
    assignment order) and their hours in the window (two queries)."""
    assignments = (
        Assignment.objects.filter(is_active=True, person__is_active=True)
        .visible_to(scope)
        .in_departments(departments)
        .order_by(
            "person__name",
            "person_id",
            Lower("project__client").asc(nulls_last=True),
            Lower("project__name"),
            "id",
        )
    )
    by_assignment, by_person = selectors.hours_by_assignment_and_person(
        first, last, scope, departments
    )
    return GridRows(
        list(
            assignments.values_list(
                "id",
                "person_id",
                "project_id",
                "project__name",
                "project__client",
                "role_on_project",
                "version",
            )
        ),
        by_assignment,
        by_person,
    )


RoleTotals = dict[int, tuple[list[Decimal], list[Decimal]]]


def role_week_totals(
    scope: Scope,
    departments: Departments,
    roles: Collection[int] | None,
    weeks: list[dt.date],
    portable: bool = False,
) -> RoleTotals:
    """Per role held by active people in scope (or among `roles`): (assigned, capacity)
    aligned to `weeks`. The portable path (SQLite, or `portable=True`) sums rows in Python
    with planning.reports.role_series; PostgreSQL computes the dense matrix in one statement.
    Both give the same numbers (tests/reports/test_pg_parity.py)."""
    if connections[read_alias()].vendor == "postgresql" and not portable:
        return _role_week_totals_pg(scope, departments, roles, weeks)
    people = [
        p
        for p in active_people(scope, departments)
        if p.role_id is not None and (roles is None or p.role_id in roles)
    ]
    hours = selectors.hours_by_person_week(
        weeks[0], weeks[-1], scope=scope, departments=departments, person_ids=[p.id for p in people]
    )
    role_ids = sorted({p.role_id for p in people if p.role_id is not None})
    return role_series(people, hours, role_ids, weeks)


# Why a second path: at 10,000 people (datasets/generate.py --people 10000, 26 weeks of
# data) this statement took 65 ms for 12 weeks and 180 ms for 26, against 294 ms and 578 ms
# for the portable path (medians of 15 runs in one process on PostgreSQL 15): 3.2x to 4.5x,
# past the 2x that keeping it needs. The people come from the same queryset as every report
# (`people_in_scope`, so the department filter is not written again), and `hire_date <=
# week + 6` is planning.capacity.is_counted (a hire counts from the week of the hire date)
# in SQL; the parity test holds the two paths to the same numbers.
_ROLE_WEEKS_SQL = """
WITH weeks AS (
    SELECT generate_series(%s::date, %s::date, interval '7 days')::date AS week
), people (id, role_id, weekly_capacity, hire_date) AS (
    {people}
), hours AS (
    SELECT aw.person_id, aw.week, SUM(aw.hours) AS hours
    FROM assignments_assignmentweek aw
    JOIN assignments_assignment a ON a.id = aw.assignment_id AND a.is_active
    WHERE aw.person_id IN (SELECT id FROM people) AND aw.week BETWEEN %s AND %s
    GROUP BY aw.person_id, aw.week
)
SELECT p.role_id, w.week,
       COALESCE(SUM(h.hours), 0),
       SUM(CASE WHEN p.hire_date IS NULL OR p.hire_date <= w.week + 6
                THEN p.weekly_capacity ELSE 0 END)
FROM people p
CROSS JOIN weeks w
LEFT JOIN hours h ON h.person_id = p.id AND h.week = w.week
GROUP BY p.role_id, w.week
ORDER BY p.role_id, w.week
"""


def _role_week_totals_pg(
    scope: Scope,
    departments: Departments,
    roles: Collection[int] | None,
    weeks: list[dt.date],
) -> RoleTotals:
    alias = read_alias()
    people = people_in_scope(scope, departments).filter(role_id__isnull=False)
    if roles is not None:
        people = people.filter(role_id__in=roles)
    columns = people.order_by().values_list("id", "role_id", "weekly_capacity", "hire_date")
    try:
        people_sql, people_params = columns.query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:  # an empty list of roles or departments: nobody (one query still)
        people_sql, people_params = (
            "SELECT NULL::int, NULL::int, NULL::numeric, NULL::date LIMIT 0",
            (),
        )
    first, last = weeks[0], weeks[-1]
    result: RoleTotals = {}
    index = {week: i for i, week in enumerate(weeks)}
    with connections[alias].cursor() as cursor:
        cursor.execute(
            _ROLE_WEEKS_SQL.format(people=people_sql),
            [first, last, *people_params, first, last],
        )
        for role_id, week, assigned, capacity in cursor.fetchall():
            if role_id not in result:
                result[role_id] = ([ZERO] * len(weeks), [ZERO] * len(weeks))
            result[role_id][0][index[week]] = assigned
            result[role_id][1][index[week]] = capacity
    return result
