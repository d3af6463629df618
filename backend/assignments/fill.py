"""Filling a placeholder: a placeholder assignment's hours (all, or the weeks from..to) move to
the person's assignment on the same project, in one transaction, all or nothing
(docs/design.md, "fillPlaceholder")."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from accounts.access import Scope
from calendars.selectors import load_calendars
from changes import log
from core.dataversion import write_transaction
from core.errors import InvalidInput, Missing, VersionConflict
from people.models import Person
from people.services import visible_person
from people.tree import DepartmentTree
from planning.capacity import ZERO, cents, is_counted
from planning.hours import MAX_HOURS

from .models import Assignment, AssignmentWeek
from .selectors import hours_by_person_week
from .services import logged_fields, owner_department, week_map, week_row


@dataclass(frozen=True, slots=True)
class OverbookedWeek:
    week: dt.date
    hours: Decimal
    capacity: Decimal


@dataclass(frozen=True, slots=True)
class FillResult:
    assignment: Assignment  # the person's assignment after the move
    placeholder_assignment: Assignment | None  # None: emptied, so removed
    remaining_hours: Decimal
    overbooked_weeks: list[OverbookedWeek]


def _missing(assignment_id: int) -> Missing:
    return Missing(f"Assignment {assignment_id} not found", "placeholderAssignmentId")


def _check_employed(person: Person, weeks: list[dt.date]) -> None:
    """Hours may not move to a week before the hire week (as hours edits refuse), nor to a
    week that starts after the end date (a fill is new work; an edit may keep old hours)."""
    for week in weeks:
        before_hire = not is_counted(person.hire_date, week)
        after_end = person.end_date is not None and person.end_date < week
        if before_hire or after_end:
            raise InvalidInput(
                f"personId: {person.name} is not employed in the week of {week.isoformat()}",
                "personId",
            )


@write_transaction
def fill_placeholder(
    placeholder_assignment_id: int,
    person_id: int,
    expected_version: int,
    first: dt.date | None,
    last: dt.date | None,
    scope: Scope,
) -> FillResult:
    """`first`/`last`: Mondays (None: no bound). The placeholder assignment and the person's
    assignment on its project are locked together in id order (as bulk edits lock), so a
    concurrent fill of the same placeholder assignment waits, then sees the new version (or
    finds it removed) and changes nothing."""
    if first is not None and last is not None and first > last:
        raise InvalidInput("from must not be after to", "from")
    booking_id = placeholder_assignment_id
    project_id = (
        Assignment.placeholder_rows.visible_to(scope)
        .filter(pk=booking_id)
        .values_list("project_id", flat=True)
        .first()
    )
    if project_id is None:
        raise _missing(booking_id)
    person = visible_person(person_id, scope, "personId")
    if not person.is_active:
        raise InvalidInput(f"personId: {person.name} is not active", "personId")
    target_ids = list(
        Assignment.objects.filter(person=person, project_id=project_id, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:1]
    )
    locked = {
        a.pk: a
        for a in Assignment.all_rows.select_for_update(of=("self",))
        .select_related("placeholder")
        .filter(pk__in=[booking_id, *target_ids])
        .order_by("pk")
    }
    booking = locked.get(booking_id)
    if booking is None or booking.placeholder is None:  # removed by a fill that won
        raise _missing(booking_id)
    if not scope.can_see_department(booking.placeholder.department_id):
        raise _missing(booking_id)
    if booking.version != expected_version or booking.project_id != project_id:
        raise VersionConflict([(booking.pk, booking.version)])
    if not booking.is_active:
        raise InvalidInput(
            f"Assignment {booking_id} is inactive: its hours count nowhere to fill from",
            "placeholderAssignmentId",
        )
    held = dict(AssignmentWeek.all_rows.filter(assignment=booking).values_list("week", "hours"))
    moved = {
        week: h
        for week, h in held.items()
        if (first is None or week >= first) and (last is None or week <= last)
    }
    if not moved:
        field = "placeholderAssignmentId" if first is None and last is None else "from"
        raise InvalidInput(f"Assignment {booking_id} has no hours to move in those weeks", field)
    weeks = sorted(moved)
    _check_employed(person, weeks)

    target = locked.get(target_ids[0]) if target_ids else None
    if target is not None and (
        target.person_id != person.pk or target.project_id != project_id or not target.is_active
    ):
        target = None  # changed since it was found: the fill makes a new one
    entries: list[log.Entry] = []
    if target is None:
        target = Assignment.all_rows.create(
            person=person,
            project_id=project_id,
            role_on_project=booking.role_on_project,
            is_active=True,
            status=booking.status,  # a new assignment takes the placeholder's status
        )
        before_hours: dict[dt.date, Decimal] = {}
        created = True
    else:
        target.person = person
        before_hours = dict(
            AssignmentWeek.all_rows.filter(assignment=target, week__in=weeks).values_list(
                "week", "hours"
            )
        )
        created = False
    after_hours = {w: before_hours.get(w, ZERO) + moved[w] for w in weeks}
    for week, h in after_hours.items():
        if h > MAX_HOURS:
            raise InvalidInput(
                f"personId: {person.name}'s assignment would hold {h} hours in the week of "
                f"{week.isoformat()}, more than {MAX_HOURS}",
                "personId",
            )

    AssignmentWeek.all_rows.bulk_create(
        [week_row(target, w, h) for w, h in sorted(after_hours.items())],
        update_conflicts=True,
        unique_fields=["assignment", "week"],
        update_fields=["hours"],
    )
    AssignmentWeek.all_rows.filter(assignment=booking, week__in=weeks).delete()
    remaining = sum((h for w, h in held.items() if w not in moved), ZERO)

    if created:
        fields = log.created(log.snapshot(target, logged_fields(target)))
        fields["weeklyHours"] = {"after": week_map(after_hours)}
        entries.append(
            log.Entry(log.ASSIGNMENT, target.pk, log.CREATE, fields, owner_department(target))
        )
    else:
        target_fields: dict[str, Any] = {
            "version": {"before": target.version, "after": target.version + 1}
        }
        target_fields["weeklyHours"] = log.map_diff(
            week_map(before_hours), week_map(after_hours), absent=0.0
        )
        target.version += 1
        target.save(update_fields=["version", "updated_at"])
        entries.append(
            log.Entry(
                log.ASSIGNMENT, target.pk, log.UPDATE, target_fields, owner_department(target)
            )
        )

    department = owner_department(booking)
    placeholder_assignment: Assignment | None
    if remaining:
        booking_fields: dict[str, Any] = {
            "version": {"before": booking.version, "after": booking.version + 1},
            "weeklyHours": log.map_diff(week_map(moved), {}, absent=0.0),
        }
        booking.version += 1
        booking.save(update_fields=["version", "updated_at"])
        entries.append(
            log.Entry(log.ASSIGNMENT, booking.pk, log.UPDATE, booking_fields, department)
        )
        placeholder_assignment = booking
    else:
        before = log.snapshot(booking, logged_fields(booking))
        booking.delete()
        entries.append(
            log.Entry(log.ASSIGNMENT, booking_id, log.DELETE, log.deleted(before), department)
        )
        placeholder_assignment = None
    log.append(entries)
    return FillResult(
        assignment=target,
        placeholder_assignment=placeholder_assignment,
        remaining_hours=remaining,
        overbooked_weeks=overbooked(person, weeks),
    )


def overbooked(person: Person, weeks: list[dt.date]) -> list[OverbookedWeek]:
    """The `weeks` where hours(P, W) (tentative included) is above capacity(P, W)."""
    hours = hours_by_person_week(weeks=weeks, person_ids=[person.pk]).get(person.pk, {})
    calendars = load_calendars([person], weeks[0], weeks[-1], DepartmentTree.load())
    result = []
    for week, wc in zip(weeks, calendars.by_person(weeks)[person.pk], strict=True):
        h, cap = hours.get(week, ZERO), cents(wc.capacity)
        if h > cap:
            result.append(OverbookedWeek(week, h, cap))
    return result
