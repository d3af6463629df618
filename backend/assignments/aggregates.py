"""Set-based reads behind the reports: one query each, whatever the number of people.

Every read is limited to active people in the viewer's departments (`visible`) and, when a
report asks for them, in some departments (`departments`); None means no limit.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import QuerySet, Sum
from django.db.models.functions import Lower

from core.routing import read_alias
from people.models import Person, PersonSkill
from planning.capacity import ZERO
from planning.reports import PersonFacts, role_series
from planning.skills import HeldSkill

from .models import Assignment, AssignmentWeek

Departments = Collection[int] | None
HoursMap = dict[int, dict[dt.date, Decimal]]
FACT_FIELDS = ("id", "name", "weekly_capacity", "hire_date", "department_id", "role_id", "email")


def _in_scope(qs: QuerySet, prefix: str, visible: Departments, departments: Departments):
    qs = qs.filter(**{f"{prefix}is_active": True})
    if visible is not None:
        qs = qs.filter(**{f"{prefix}department_id__in": visible})
    if departments is not None:
        qs = qs.filter(**{f"{prefix}department_id__in": departments})
    return qs


def active_people(visible: Departments, departments: Departments) -> list[PersonFacts]:
    """Active people in scope, by name then id (rows, not model instances: reports read
    hundreds of people and only these attributes)."""
    qs = _in_scope(Person.objects.all(), "", visible, departments).order_by("name", "id")
    return [PersonFacts(*row) for row in qs.values_list(*FACT_FIELDS)]


def hours_by_person_week(
    visible: Departments,
    departments: Departments,
    first: dt.date,
    last: dt.date,
    person_ids: Collection[int] | None = None,
) -> HoursMap:
    """hours(P, W) for active people in scope, active assignments, weeks first..last."""
    qs = _in_scope(
        AssignmentWeek.objects.filter(week__gte=first, week__lte=last, assignment__is_active=True),
        "person__",
        visible,
        departments,
    )
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    result: HoursMap = defaultdict(dict)
    rows = qs.values_list("person_id", "week").annotate(total=Sum("hours")).order_by()
    for person_id, week, total in rows:
        result[person_id][week] = total
    return result


def held_skills(person_ids: Collection[int]) -> dict[int, list[HeldSkill]]:
    result: dict[int, list[HeldSkill]] = defaultdict(list)
    rows = PersonSkill.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "skill__name", "proficiency", "kind"
    )
    for person_id, name, proficiency, kind in rows:
        result[person_id].append(HeldSkill(name, proficiency, kind))
    return result


class GridRows(NamedTuple):
    assignments: list[tuple]  # (id, person_id, project_id, name, client, role, version)
    hours_by_assignment: HoursMap
    hours_by_person: HoursMap


def grid_rows(
    visible: Departments, departments: Departments, first: dt.date, last: dt.date
) -> GridRows:
    """Active assignments of active people in scope (by person name and id, then DESIGN.md's
    assignment order) and their hours in the window. Per-person hours are summed from the
    same rows, so they cost no query of their own."""
    assignments = _in_scope(
        Assignment.objects.filter(is_active=True), "person__", visible, departments
    ).order_by(
        "person__name",
        "person_id",
        Lower("project__client").asc(nulls_last=True),
        Lower("project__name"),
        "id",
    )
    weeks = _in_scope(
        AssignmentWeek.objects.filter(week__gte=first, week__lte=last, assignment__is_active=True),
        "person__",
        visible,
        departments,
    ).order_by("assignment_id", "week")
    by_assignment: HoursMap = defaultdict(dict)
    by_person: HoursMap = defaultdict(dict)
    for assignment_id, person_id, week, hours in weeks.values_list(
        "assignment_id", "person_id", "week", "hours"
    ):
        by_assignment[assignment_id][week] = hours
        per_week = by_person[person_id]
        per_week[week] = per_week.get(week, ZERO) + hours
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
    visible: Departments,
    departments: Departments,
    roles: Collection[int] | None,
    weeks: list[dt.date],
    portable: bool = False,
) -> RoleTotals:
    """Per role held by active people in scope (or among `roles`): (assigned, capacity)
    aligned to `weeks`. PostgreSQL computes the dense matrix in one statement; the portable
    path (SQLite, or `portable=True`) sums rows in Python. Both give the same numbers."""
    if connections[read_alias()].vendor == "postgresql" and not portable:
        return _role_week_totals_pg(visible, departments, roles, weeks)
    people = [
        p
        for p in active_people(visible, departments)
        if p.role_id is not None and (roles is None or p.role_id in roles)
    ]
    hours = hours_by_person_week(
        visible, departments, weeks[0], weeks[-1], person_ids=[p.id for p in people]
    )
    role_ids = sorted({p.role_id for p in people if p.role_id is not None})
    return role_series(people, hours, role_ids, weeks)


_ROLE_WEEKS_SQL = """
WITH weeks AS (
    SELECT generate_series(%(first)s::date, %(last)s::date, interval '7 days')::date AS week
), people AS (
    SELECT id, role_id, weekly_capacity, hire_date FROM people_person
    WHERE is_active AND role_id IS NOT NULL {filters}
), hours AS (
    SELECT aw.person_id, aw.week, SUM(aw.hours) AS hours
    FROM assignments_assignmentweek aw
    JOIN assignments_assignment a ON a.id = aw.assignment_id AND a.is_active
    WHERE aw.person_id IN (SELECT id FROM people) AND aw.week BETWEEN %(first)s AND %(last)s
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
    visible: Departments,
    departments: Departments,
    roles: Collection[int] | None,
    weeks: list[dt.date],
) -> RoleTotals:
    filters: list[str] = []
    params: dict[str, Any] = {"first": weeks[0], "last": weeks[-1]}
    for name, ids in (("visible", visible), ("departments", departments), ("roles", roles)):
        if ids is not None:
            column = "role_id" if name == "roles" else "department_id"
            filters.append(f"AND {column} = ANY(%({name})s)")
            params[name] = list(ids)
    result: RoleTotals = {}
    index = {week: i for i, week in enumerate(weeks)}
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(_ROLE_WEEKS_SQL.format(filters=" ".join(filters)), params)
        for role_id, week, assigned, capacity in cursor.fetchall():
            if role_id not in result:
                result[role_id] = ([ZERO] * len(weeks), [ZERO] * len(weeks))
            result[role_id][0][index[week]] = assigned
            result[role_id][1][index[week]] = capacity
    return result
