"""Writes to assignments and their weekly hours, each in one transaction.

Every write to an assignment or its hours bumps `version`; a write that names a stale
`expectedVersion` is refused with the current version and changes nothing.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from accounts.access import Scope
from changes import log
from core.dataversion import write_transaction
from core.errors import InvalidInput, Missing, VersionConflict
from people.services import visible_person
from planning.hours import parse_weekly_hours
from projects.services import get_project

from .models import Assignment, AssignmentWeek

ASSIGNMENT_FIELDS = ("person_id", "project_id", "role_on_project", "is_active", "version")


def week_map(hours: Mapping[dt.date, Decimal]) -> dict[str, float]:
    """Weekly hours as the change log records them: {"YYYY-MM-DD": hours}, no zero weeks."""
    return {week.isoformat(): float(h) for week, h in sorted(hours.items()) if h}


def stored_weeks(assignment_ids: Any) -> dict[int, dict[str, float]]:
    found: dict[int, dict[str, float]] = {}
    rows = AssignmentWeek.objects.filter(assignment_id__in=assignment_ids).values_list(
        "assignment_id", "week", "hours"
    )
    for assignment_id, week, hours in rows:
        found.setdefault(assignment_id, {})[week.isoformat()] = float(hours)
    return found


def clean_role(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if len(value) > 100:
        raise InvalidInput(
            "input.roleOnProject must be at most 100 characters", "input.roleOnProject"
        )
    return value


def replace_weeks(assignment: Assignment, hours: dict[dt.date, Decimal]) -> None:
    AssignmentWeek.objects.filter(assignment=assignment).delete()
    AssignmentWeek.objects.bulk_create(
        AssignmentWeek(assignment=assignment, person_id=assignment.person_id, week=w, hours=h)
        for w, h in sorted(hours.items())
        if h
    )


@write_transaction
def create_assignment(data: Mapping[str, Any], scope: Scope) -> Assignment:
    person = visible_person(data["person_id"], scope, "input.personId")
    project = get_project(data["project_id"], "input.projectId")
    hours = parse_weekly_hours(
        data.get("weekly_hours") or {}, "input.weeklyHours", person.hire_date
    )
    is_active = data.get("is_active", True)
    if is_active is None:
        raise InvalidInput("input.isActive must not be null", "input.isActive")
    assignment = Assignment.objects.create(
        person=person,
        project=project,
        role_on_project=clean_role(data.get("role_on_project")),
        is_active=is_active,
    )
    replace_weeks(assignment, hours)
    fields = log.created(log.snapshot(assignment, ASSIGNMENT_FIELDS))
    fields["weeklyHours"] = {"after": week_map(hours)}
    log.append_one(log.ASSIGNMENT, assignment.pk, log.CREATE, fields, person.department_id)
    return assignment


def locked_assignment(assignment_id: int, scope: Scope, field: str = "id") -> Assignment:
    qs = Assignment.objects.visible_to(scope).select_for_update().select_related("person")
    try:
        return qs.get(pk=assignment_id)
    except Assignment.DoesNotExist:
        raise Missing(f"Assignment {assignment_id} not found", field) from None


@write_transaction
def update_assignment(
    assignment_id: int, expected_version: int, data: Mapping[str, Any], scope: Scope
) -> Assignment:
    assignment = locked_assignment(assignment_id, scope)  # row lock: no lost updates
    if assignment.version != expected_version:
        raise VersionConflict([(assignment.pk, assignment.version)])
    before = log.snapshot(assignment, ASSIGNMENT_FIELDS)
    hours_changed = None
    if "project_id" in data:
        assignment.project = get_project(data["project_id"], "input.projectId")
    if "role_on_project" in data:
        assignment.role_on_project = clean_role(data["role_on_project"])
    if "is_active" in data:
        if data["is_active"] is None:
            raise InvalidInput("input.isActive must not be null", "input.isActive")
        assignment.is_active = data["is_active"]
    if "weekly_hours" in data:
        hours = parse_weekly_hours(
            data["weekly_hours"] if data["weekly_hours"] is not None else {},
            "input.weeklyHours",
            assignment.person.hire_date,
        )
        old = stored_weeks([assignment.pk]).get(assignment.pk, {})
        hours_changed = log.map_diff(old, week_map(hours), absent=0.0)
        replace_weeks(assignment, hours)
    assignment.version += 1  # safe: the row is locked until commit
    assignment.save()
    fields = log.diff(before, log.snapshot(assignment, ASSIGNMENT_FIELDS))
    if hours_changed:
        fields["weeklyHours"] = hours_changed
    log.append_one(
        log.ASSIGNMENT, assignment.pk, log.UPDATE, fields, assignment.person.department_id
    )
    return assignment


@write_transaction
def delete_assignment(assignment_id: int, expected_version: int | None, scope: Scope) -> None:
    assignment = locked_assignment(assignment_id, scope)
    if expected_version is not None and assignment.version != expected_version:
        raise VersionConflict([(assignment.pk, assignment.version)])
    before = log.snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.delete()
    log.append_one(
        log.ASSIGNMENT,
        assignment_id,
        log.DELETE,
        log.deleted(before),
        assignment.person.department_id,
    )
