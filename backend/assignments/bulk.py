"""Many assignments' weekly hours in one transaction, all or nothing: assignments of people
and of placeholders alike."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from accounts.access import Scope
from changes import log
from core.dataversion import write_transaction
from core.errors import InvalidInput, Missing, TooLarge, VersionConflict
from planning.hours import parse_weekly_hours

from .models import Assignment, AssignmentWeek
from .services import owner_department, owner_hire_date, week_row

MAX_ITEMS = 500


@dataclass(frozen=True, slots=True)
class HoursItem:
    assignment_id: int
    expected_version: int
    weekly_hours: Any  # the client's raw { "YYYY-MM-DD": hours } map
    replace: bool = False  # REPLACE sets exactly these weeks; MERGE keeps the others


def _check_items(items: Sequence[HoursItem]) -> None:
    if not items:
        raise InvalidInput("items must hold at least one item", "items")
    if len(items) > MAX_ITEMS:
        raise TooLarge(f"items holds {len(items)} items; at most {MAX_ITEMS} per request", "items")
    first_seen: dict[int, int] = {}
    for i, item in enumerate(items):
        if item.assignment_id in first_seen:
            raise InvalidInput(
                f"items.{i} names assignment {item.assignment_id} again "
                f"(items.{first_seen[item.assignment_id]}): one item per assignment",
                f"items.{i}.assignmentId",
            )
        first_seen[item.assignment_id] = i


@write_transaction
def bulk_update_hours(items: Sequence[HoursItem], scope: Scope) -> list[Assignment]:
    """Check every item (existence and access, hours, versions) before writing anything.

    The assignments are locked in id order (no deadlock between two bulk updates), so a
    concurrent update waits and then sees the new version: it conflicts, nothing is lost.
    """
    _check_items(items)
    qs = (
        Assignment.all_rows.visible_to(scope)
        .select_for_update(of=("self",))
        .select_related("person", "placeholder", "project")
        .filter(pk__in=[item.assignment_id for item in items])
        .order_by("pk")
    )
    locked = {a.pk: a for a in qs}
    for i, item in enumerate(items):
        if item.assignment_id not in locked:
            raise Missing(f"Assignment {item.assignment_id} not found", f"items.{i}.assignmentId")
    parsed = [
        parse_weekly_hours(
            item.weekly_hours,
            f"items.{i}.weeklyHours",
            owner_hire_date(locked[item.assignment_id]),
        )
        for i, item in enumerate(items)
    ]
    conflicts = [
        (item.assignment_id, locked[item.assignment_id].version)
        for item in items
        if locked[item.assignment_id].version != item.expected_version
    ]
    if conflicts:
        raise VersionConflict(conflicts)

    # The hours before, of the weeks this write can change (the change log's "before"):
    # every week of a REPLACE item, the named weeks of a MERGE item.
    touched = Q()
    for item, hours in zip(items, parsed, strict=True):
        if item.replace:
            touched |= Q(assignment_id=item.assignment_id)
        elif hours:
            touched |= Q(assignment_id=item.assignment_id, week__in=list(hours))
    old: dict[int, dict[str, float]] = {}
    if touched:
        for assignment_id, week, h in AssignmentWeek.all_rows.filter(touched).values_list(
            "assignment_id", "week", "hours"
        ):
            old.setdefault(assignment_id, {})[week.isoformat()] = float(h)

    doomed = Q()
    rows: list[AssignmentWeek] = []
    entries: list[log.Entry] = []
    for item, hours in zip(items, parsed, strict=True):
        assignment = locked[item.assignment_id]
        before = old.get(assignment.pk, {})  # only the weeks this item can change
        after = {w.isoformat(): float(h) for w, h in hours.items() if h}
        fields: dict[str, Any] = {
            "version": {"before": assignment.version, "after": assignment.version + 1}
        }
        changed = log.map_diff(before, after, absent=0.0)
        if changed:
            fields["weeklyHours"] = changed
        entries.append(
            log.Entry(
                log.ASSIGNMENT, assignment.pk, log.UPDATE, fields, owner_department(assignment)
            )
        )
        if item.replace:
            doomed |= Q(assignment_id=assignment.pk)
        else:
            zeros = [week for week, h in hours.items() if not h]
            if zeros:
                doomed |= Q(assignment_id=assignment.pk, week__in=zeros)
        rows.extend(week_row(assignment, w, h) for w, h in sorted(hours.items()) if h)
    if doomed:
        AssignmentWeek.all_rows.filter(doomed).delete()
    if rows:
        AssignmentWeek.all_rows.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["assignment", "week"],
            update_fields=["hours"],
        )
    now = timezone.now()
    Assignment.all_rows.filter(pk__in=locked).update(version=F("version") + 1, updated_at=now)
    for assignment in locked.values():
        assignment.version += 1
        assignment.updated_at = now
    log.append(entries)
    return [locked[item.assignment_id] for item in items]
