"""Set-based reads behind the reports and the export that combine people and their
assignments: one query each, whatever the number of people.

Every read is limited to active people in the viewer's `scope` and, when a report asks for
them, in some departments (`departments`; None means no limit). The people themselves come
from people.selectors, hours(P, W) from assignments.selectors.
"""

import datetime as dt
from collections.abc import Callable, Collection
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.functions import Lower

from accounts.access import Scope
from calendars.selectors import load_calendars
from core.overlap import start_read
from core.routing import read_alias
from people.selectors import active_people, people_in_scope
from people.tree import DepartmentTree
from planning.reports import role_series

from . import selectors
from .models import Assignment
from .selectors import HoursMap, IsoHoursMap

__all__ = [
    "GridJson",
    "GridRows",
    "PlaceholderGridJson",
    "PlaceholderGridRows",
    "active_people",
    "grid_json",
    "grid_rows",
    "placeholder_grid_json",
    "placeholder_grid_rows",
    "role_week_totals",
    "start_grid_json",
]

Departments = Collection[int] | None


class GridRows(NamedTuple):
    # (id, person_id, project_id, name, client, role, version, status)
    assignments: list[tuple]
    hours_by_assignment: HoursMap
    hours_by_person: HoursMap


class GridJson(NamedTuple):
    """GridRows with the hours as the grid sends them ({"<Monday>": float}, in order)."""

    assignments: list[tuple]
    hours_by_assignment: IsoHoursMap
    hours_by_person: IsoHoursMap


ASSIGNMENT_COLUMNS = (
    "project_id",
    "project__name",
    "project__client",
    "role_on_project",
    "version",
    "status",
)


def grid_rows(
    scope: Scope,
    departments: Departments,
    first: dt.date,
    last: dt.date,
    include_tentative: bool = True,
) -> GridRows:
    """Active assignments of active people in scope (by person name and id, then docs/design.md's
    assignment order) and their hours in the window (two queries). Without
    `include_tentative`, TENTATIVE assignments and their hours are left out."""
    by_assignment, by_person = selectors.hours_by_assignment_and_person(
        first, last, scope, departments, include_tentative
    )
    return GridRows(
        _grid_assignments(scope, departments, include_tentative), by_assignment, by_person
    )


def grid_json(
    scope: Scope,
    departments: Departments,
    first: dt.date,
    last: dt.date,
    include_tentative: bool = True,
) -> GridJson:
    """`grid_rows` with the hours as the grid sends them (the same two queries)."""
    return start_grid_json(scope, departments, first, last, include_tentative)()


def start_grid_json(
    scope: Scope,
    departments: Departments,
    first: dt.date,
    last: dt.date,
    include_tentative: bool = True,
) -> Callable[[], GridJson]:
    """`grid_json` begun: the hours' read starts on another connection (core.overlap), the
    caller makes its own reads meanwhile, and the function returned reads the assignments
    and joins the hours. PostgreSQL's time on the hours (the window's weeks joined to their
    assignments and people and sorted: the grid's longest query) then runs beside the
    others' instead of after them."""
    hours = start_read(
        partial(
            selectors.iso_hours_by_assignment_and_person,
            first,
            last,
            scope,
            departments,
            include_tentative,
        )
    )

    def finish() -> GridJson:
        assignments = _grid_assignments(scope, departments, include_tentative)
        return GridJson(assignments, *hours())

    return finish


def _grid_assignments(
    scope: Scope, departments: Departments, include_tentative: bool
) -> list[tuple]:
    assignments = (
        Assignment.objects.filter(is_active=True, person__is_active=True)
        .visible_to(scope)
        .in_departments(departments)
    )
    if not include_tentative:
        assignments = assignments.exclude(status=Assignment.Status.TENTATIVE)
    assignments = assignments.order_by(
        "person__name",
        "person_id",
        Lower("project__client").asc(nulls_last=True),
        Lower("project__name"),
        "id",
    )
    return list(assignments.values_list("id", "person_id", *ASSIGNMENT_COLUMNS))


class PlaceholderGridRows(NamedTuple):
    # (id, name, role_id, department_id) by name then id: placeholders with an assignment listed
    placeholders: list[tuple]
    # (id, placeholder_id, project_id, name, client, role, version, status)
    assignments: list[tuple]
    hours_by_assignment: HoursMap
    hours_by_placeholder: HoursMap


class PlaceholderGridJson(NamedTuple):
    """PlaceholderGridRows with the hours as the grid sends them."""

    placeholders: list[tuple]
    assignments: list[tuple]
    hours_by_assignment: IsoHoursMap
    hours_by_placeholder: IsoHoursMap


def placeholder_grid_rows(
    scope: Scope,
    departments: Departments,
    first: dt.date,
    last: dt.date,
    include_tentative: bool = True,
) -> PlaceholderGridRows:
    """The grid's placeholder rows: the active assignments of placeholders in scope (and in
    `departments`, by the placeholder's department), by placeholder name and id, then the
    assignment order, with their placeholders, and their hours in the window (two queries).
    A placeholder is listed when it has such an assignment."""
    placeholders, assignments = _placeholder_assignments(scope, departments, include_tentative)
    by_assignment, by_placeholder = selectors.hours_by_assignment_and_person(
        first, last, scope, departments, include_tentative, placeholders=True
    )
    return PlaceholderGridRows(placeholders, assignments, by_assignment, by_placeholder)


def placeholder_grid_json(
    scope: Scope,
    departments: Departments,
    first: dt.date,
    last: dt.date,
    include_tentative: bool = True,
) -> PlaceholderGridJson:
    """`placeholder_grid_rows` with the hours as the grid sends them (the same queries)."""
    placeholders, assignments = _placeholder_assignments(scope, departments, include_tentative)
    by_assignment, by_placeholder = selectors.iso_hours_by_assignment_and_person(
        first, last, scope, departments, include_tentative, placeholders=True
    )
    return PlaceholderGridJson(placeholders, assignments, by_assignment, by_placeholder)


def _placeholder_assignments(
    scope: Scope, departments: Departments, include_tentative: bool
) -> tuple[list[tuple], list[tuple]]:
    assignments = (
        Assignment.placeholder_rows.filter(is_active=True)
        .visible_to(scope)
        .in_departments(departments)
    )
    if not include_tentative:
        assignments = assignments.exclude(status=Assignment.Status.TENTATIVE)
    rows = list(
        assignments.order_by(
            "placeholder__name",
            "placeholder_id",
            Lower("project__client").asc(nulls_last=True),
            Lower("project__name"),
            "id",
        ).values_list(
            "id",
            "placeholder_id",
            *ASSIGNMENT_COLUMNS,
            "placeholder__name",
            "placeholder__role_id",
            "placeholder__department_id",
        )
    )
    placeholders: dict[int, tuple] = {}
    for row in rows:
        placeholders.setdefault(row[1], (row[1], *row[-3:]))
    return list(placeholders.values()), [row[:-3] for row in rows]


RoleTotals = dict[int, tuple[list[Decimal], list[Decimal]]]


def role_week_totals(
    scope: Scope,
    departments: Departments,
    roles: Collection[int] | None,
    weeks: list[dt.date],
    tree: DepartmentTree,
    portable: bool = False,
    include_tentative: bool = True,
) -> RoleTotals:
    """Per role held by active people in scope (or among `roles`): (assigned, capacity)
    aligned to `weeks`. Capacity comes from the people's calendars (at most three queries);
    assigned hours are summed per person in Python (planning.reports.role_series) on the
    portable path (SQLite, or `portable=True`), per role and week in one statement on
    PostgreSQL. Both give the same numbers (tests/reports/test_pg_parity.py)."""
    people = [
        p
        for p in active_people(scope, departments)
        if p.role_id is not None and (roles is None or p.role_id in roles)
    ]
    capacities = load_calendars(
        people, weeks[0], weeks[-1], tree, people_in_scope(scope, departments)
    ).by_person(weeks)
    role_ids = sorted({p.role_id for p in people if p.role_id is not None})
    if connections[read_alias()].vendor == "postgresql" and not portable:
        series = role_series(people, {}, role_ids, weeks, capacities)
        for role_id, week, assigned in _assigned_by_role_pg(
            scope, departments, roles, weeks, include_tentative
        ):
            series[role_id][0][weeks.index(week)] = assigned
        return series
    hours = selectors.hours_by_person_week(
        weeks[0],
        weeks[-1],
        scope=scope,
        departments=departments,
        person_ids=[p.id for p in people],
        include_tentative=include_tentative,
    )
    return role_series(people, hours, role_ids, weeks, capacities)


# Why a second path: at 10,000 people (datasets/generate.py --people 10000, 26 weeks of
# data), summing hours per role and week in the database returns roles x weeks rows instead
# of one row per person and week, 3.2x to 4.5x faster than the portable path (measured
# before the calendar, when this statement also computed capacity). The people come from the
# same queryset as every report (`people_in_scope`, so the department filter is not written
# again); the parity test holds the two paths to the same numbers.
_ROLE_HOURS_SQL = """
SELECT p.role_id, aw.week, SUM(aw.hours)
FROM assignments_assignmentweek aw
JOIN assignments_assignment a ON a.id = aw.assignment_id AND a.is_active
JOIN ({people}) p (id, role_id) ON p.id = aw.person_id
WHERE aw.week BETWEEN %s AND %s{tentative}
GROUP BY p.role_id, aw.week
"""


def _assigned_by_role_pg(
    scope: Scope,
    departments: Departments,
    roles: Collection[int] | None,
    weeks: list[dt.date],
    include_tentative: bool = True,
) -> list[tuple[int, dt.date, Decimal]]:
    alias = read_alias()
    people = people_in_scope(scope, departments).filter(role_id__isnull=False)
    if roles is not None:
        people = people.filter(role_id__in=roles)
    columns = people.order_by().values_list("id", "role_id")
    try:
        people_sql, people_params = columns.query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:  # an empty list of roles or departments: nobody
        return []
    with connections[alias].cursor() as cursor:
        cursor.execute(
            _ROLE_HOURS_SQL.format(
                people=people_sql, tentative="" if include_tentative else " AND NOT aw.tentative"
            ),
            [*people_params, weeks[0], weeks[-1]],
        )
        return cursor.fetchall()
