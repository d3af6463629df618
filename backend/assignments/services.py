"""Writes to assignments (of people and of placeholders) and their weekly hours, each in one
transaction.

Every write to an assignment or its hours bumps `version`; a write that names a stale
`expectedVersion` is refused with the current version and changes nothing. The weeks repeat
the assignment's owner and status (`AssignmentWeek.person` / `placeholder` / `tentative`);
every write here keeps them in step.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from accounts.access import Scope
from changes import log
from core.dataversion import write_transaction
from core.errors import InvalidInput, Missing, VersionConflict
from demand.services import visible_placeholder
from people.services import visible_person
from planning.hours import parse_weekly_hours
from projects.services import get_project

from .models import Assignment, AssignmentWeek

ASSIGNMENT_FIELDS = ("person_id", "project_id", "role_on_project", "is_active", "status", "version")
# A placeholder's assignment: an ASSIGNMENT change with placeholderId in place of personId.
PLACEHOLDER_ASSIGNMENT_FIELDS = (
    "placeholder_id",
    "project_id",
    "role_on_project",
    "is_active",
    "status",
    "version",
)
PERSON, PLACEHOLDER = "person", "placeholder"  # the owner kinds


def logged_fields(assignment: Assignment) -> tuple[str, ...]:
    if assignment.placeholder_id is not None:
        return PLACEHOLDER_ASSIGNMENT_FIELDS
    return ASSIGNMENT_FIELDS


def owner_department(assignment: Assignment) -> int | None:
    """The department that scopes the assignment's changes: its person's or placeholder's."""
    owner = assignment.person if assignment.person_id is not None else assignment.placeholder
    return owner.department_id if owner is not None else None


def owner_hire_date(assignment: Assignment) -> dt.date | None:
    """Hours before the hire week are refused; a placeholder has no hire date."""
    return assignment.person.hire_date if assignment.person_id is not None else None  # type: ignore[union-attr]


def week_map(hours: Mapping[dt.date, Decimal]) -> dict[str, float]:
    """Weekly hours as the change log records them: {"YYYY-MM-DD": hours}, no zero weeks."""
    return {week.isoformat(): float(h) for week, h in sorted(hours.items()) if h}


def stored_weeks(assignment_ids: Any) -> dict[int, dict[str, float]]:
    found: dict[int, dict[str, float]] = {}
    rows = AssignmentWeek.all_rows.filter(assignment_id__in=assignment_ids).values_list(
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


def week_row(assignment: Assignment, week: dt.date, hours: Decimal) -> AssignmentWeek:
    """A planned week, repeating its assignment's owner and status."""
    return AssignmentWeek(
        assignment=assignment,
        person_id=assignment.person_id,
        placeholder_id=assignment.placeholder_id,
        tentative=assignment.tentative,
        week=week,
        hours=hours,
    )


def replace_weeks(assignment: Assignment, hours: dict[dt.date, Decimal]) -> None:
    AssignmentWeek.all_rows.filter(assignment=assignment).delete()
    AssignmentWeek.all_rows.bulk_create(
        week_row(assignment, w, h) for w, h in sorted(hours.items()) if h
    )


def clean_status(data: Mapping[str, Any], default: str | None = None) -> str | None:
    """The `status` given (a model value), `default` when not given."""
    if "status" not in data:
        return default
    status = data["status"]
    if status is None:
        raise InvalidInput("input.status must not be null", "input.status")
    if status not in Assignment.Status.values:
        raise InvalidInput("input.status must be CONFIRMED or TENTATIVE", "input.status")
    return str(status)


@write_transaction
def create_assignment(data: Mapping[str, Any], scope: Scope) -> Assignment:
    """An assignment of a person (`person_id`) or of a placeholder (`placeholder_id`)."""
    person = placeholder = None
    if "placeholder_id" in data:
        placeholder = visible_placeholder(data["placeholder_id"], scope, "input.placeholderId")
    else:
        person = visible_person(data["person_id"], scope, "input.personId")
    project = get_project(data["project_id"], "input.projectId")
    hours = parse_weekly_hours(
        data.get("weekly_hours") or {},
        "input.weeklyHours",
        person.hire_date if person is not None else None,
    )
    is_active = data.get("is_active", True)
    if is_active is None:
        raise InvalidInput("input.isActive must not be null", "input.isActive")
    assignment = Assignment.all_rows.create(
        person=person,
        placeholder=placeholder,
        project=project,
        role_on_project=clean_role(data.get("role_on_project")),
        is_active=is_active,
        status=clean_status(data, Assignment.Status.CONFIRMED) or Assignment.Status.CONFIRMED,
    )
    replace_weeks(assignment, hours)
    fields = log.created(log.snapshot(assignment, logged_fields(assignment)))
    fields["weeklyHours"] = {"after": week_map(hours)}
    log.append_one(log.ASSIGNMENT, assignment.pk, log.CREATE, fields, owner_department(assignment))
    return assignment


def locked_assignment(
    assignment_id: int, scope: Scope, field: str = "id", owner: str = PERSON
) -> Assignment:
    """A person's assignment (`owner` PERSON) or a placeholder's (PLACEHOLDER), locked; an
    assignment of the other kind is NOT_FOUND, as one outside the viewer's departments."""
    if owner == PLACEHOLDER:
        qs = Assignment.placeholder_rows.select_related("placeholder")
    else:
        qs = Assignment.objects.select_related("person")
    try:
        return qs.visible_to(scope).select_for_update(of=("self",)).get(pk=assignment_id)
    except Assignment.DoesNotExist:
        raise Missing(f"Assignment {assignment_id} not found", field) from None


@write_transaction
def update_assignment(
    assignment_id: int,
    expected_version: int,
    data: Mapping[str, Any],
    scope: Scope,
    owner: str = PERSON,
) -> Assignment:
    assignment = locked_assignment(assignment_id, scope, owner=owner)  # no lost updates
    if assignment.version != expected_version:
        raise VersionConflict([(assignment.pk, assignment.version)])
    before = log.snapshot(assignment, logged_fields(assignment))
    hours_changed = None
    if "project_id" in data:
        assignment.project = get_project(data["project_id"], "input.projectId")
    if "role_on_project" in data:
        assignment.role_on_project = clean_role(data["role_on_project"])
    if "is_active" in data:
        if data["is_active"] is None:
            raise InvalidInput("input.isActive must not be null", "input.isActive")
        assignment.is_active = data["is_active"]
    status_changed = False
    if "status" in data:
        status = clean_status(data)
        status_changed = status != assignment.status
        assignment.status = str(status)
    if "weekly_hours" in data:
        hours = parse_weekly_hours(
            data["weekly_hours"] if data["weekly_hours"] is not None else {},
            "input.weeklyHours",
            owner_hire_date(assignment),
        )
        old = stored_weeks([assignment.pk]).get(assignment.pk, {})
        hours_changed = log.map_diff(old, week_map(hours), absent=0.0)
        replace_weeks(assignment, hours)  # the new rows carry the new status
    elif status_changed:
        AssignmentWeek.all_rows.filter(assignment=assignment).update(tentative=assignment.tentative)
    assignment.version += 1  # safe: the row is locked until commit
    assignment.save()
    fields = log.diff(before, log.snapshot(assignment, logged_fields(assignment)))
    if hours_changed:
        fields["weeklyHours"] = hours_changed
    log.append_one(log.ASSIGNMENT, assignment.pk, log.UPDATE, fields, owner_department(assignment))
    return assignment


@write_transaction
def delete_assignment(
    assignment_id: int, expected_version: int | None, scope: Scope, owner: str = PERSON
) -> None:
    assignment = locked_assignment(assignment_id, scope, owner=owner)
    if expected_version is not None and assignment.version != expected_version:
        raise VersionConflict([(assignment.pk, assignment.version)])
    before = log.snapshot(assignment, logged_fields(assignment))
    department = owner_department(assignment)
    assignment.delete()
    log.append_one(log.ASSIGNMENT, assignment_id, log.DELETE, log.deleted(before), department)
