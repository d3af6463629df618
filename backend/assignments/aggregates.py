"""Set-based reads behind the reports: one query each, whatever the number of people."""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal

from django.db.models import Sum

from people.models import Person, PersonSkill
from planning.reports import PersonFacts
from planning.skills import HeldSkill

from .models import Assignment, AssignmentWeek

HoursMap = dict[int, dict[dt.date, Decimal]]


def active_people(
    visible: Collection[int] | None, departments: Collection[int] | None
) -> list[Person]:
    """Active people in the viewer's scope (and the asked departments), by name then id."""
    qs = Person.objects.filter(is_active=True)
    if visible is not None:
        qs = qs.filter(department_id__in=visible)
    if departments is not None:
        qs = qs.filter(department_id__in=departments)
    return list(qs.order_by("name", "id"))


def facts(person: Person) -> PersonFacts:
    return PersonFacts(
        id=person.id,
        name=person.name,
        weekly_capacity=person.weekly_capacity,
        hire_date=person.hire_date,
        department_id=person.department_id,
        role_id=person.role_id,
    )


def hours_by_person_week(
    visible: Collection[int] | None,
    departments: Collection[int] | None,
    first: dt.date,
    last: dt.date,
    person_ids: Collection[int] | None = None,
) -> HoursMap:
    """hours(P, W) for active people in scope, active assignments, weeks first..last."""
    qs = AssignmentWeek.objects.filter(
        week__gte=first, week__lte=last, assignment__is_active=True, person__is_active=True
    )
    if visible is not None:
        qs = qs.filter(person__department_id__in=visible)
    if departments is not None:
        qs = qs.filter(person__department_id__in=departments)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    result: HoursMap = defaultdict(dict)
    rows = qs.values_list("person_id", "week").annotate(total=Sum("hours")).order_by()
    for person_id, week, total in rows:
        result[person_id][week] = total
    return result


def held_skills(person_ids: Collection[int] | None) -> dict[int, list[HeldSkill]]:
    qs = PersonSkill.objects.all()
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    result: dict[int, list[HeldSkill]] = defaultdict(list)
    for person_id, name, proficiency, kind in qs.values_list(
        "person_id", "skill__name", "proficiency", "kind"
    ):
        result[person_id].append(HeldSkill(name, proficiency, kind))
    return result


def active_assignments_of(person_ids: Collection[int]) -> list[Assignment]:
    return list(
        Assignment.objects.filter(person_id__in=person_ids, is_active=True)
        .select_related("project")
        .order_by("person_id", "id")
    )


def assignment_hours(
    assignment_ids: Collection[int], first: dt.date, last: dt.date
) -> dict[int, dict[dt.date, Decimal]]:
    result: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    rows = (
        AssignmentWeek.objects.filter(
            assignment_id__in=assignment_ids, week__gte=first, week__lte=last
        )
        .order_by("assignment_id", "week")
        .values_list("assignment_id", "week", "hours")
    )
    for assignment_id, week, hours in rows:
        result[assignment_id][week] = hours
    return result


def assignment_order(assignment: Assignment) -> tuple:
    """DESIGN.md's assignment order, in Python: client (case-insensitive, none last),
    project name (case-insensitive), id. Matches `queries.ordered_assignments`."""
    client = assignment.project.client
    return (client is None, (client or "").lower(), assignment.project.name.lower(), assignment.id)
