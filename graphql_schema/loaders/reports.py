import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, Sum

from assignments.models import Assignment, AssignmentWeek
from people.models import Person
from planning.capacity import ZERO, available_hours, capacity, utilization_percent

from .base import SyncBatchLoader


class AvailabilityKey(NamedTuple):
    project_id: int
    week: dt.date
    by_departments: bool


class AvailabilityRow(NamedTuple):
    person: Person
    project_hours: Decimal
    total_hours: Decimal
    capacity: Decimal
    available_hours: Decimal
    utilization_percent: Decimal | None


class AvailabilityByProjectLoader(SyncBatchLoader[AvailabilityKey, list[AvailabilityRow]]):
    """Project.availability for every project and week asked in one tick: four queries."""

    def load_batch(
        self, keys: Sequence[AvailabilityKey]
    ) -> dict[AvailabilityKey, list[AvailabilityRow]]:
        ctx = self.context
        projects = {k.project_id for k in keys}
        weeks = {k.week for k in keys}
        members = ctx.scope_people(
            Assignment.objects.filter(
                project_id__in=projects, is_active=True, person__is_active=True
            ),
            prefix="person__",
        ).values_list("project_id", "person_id", "person__department_id")
        assigned: dict[int, set[int]] = defaultdict(set)
        departments: dict[int, set[int]] = defaultdict(set)
        for project_id, person_id, department_id in members:
            assigned[project_id].add(person_id)
            if department_id is not None:
                departments[project_id].add(department_id)
        wanted_deps = set().union(*(departments[k.project_id] for k in keys if k.by_departments))
        all_assigned = set().union(*assigned.values())
        people = list(
            ctx.scope_people(
                Person.objects.filter(
                    Q(pk__in=all_assigned) | Q(department_id__in=wanted_deps), is_active=True
                )
            ).order_by("name", "id")
        )
        ids = [p.id for p in people]
        totals: dict[tuple[int, dt.date], Decimal] = {
            (pid, week): total
            for pid, week, total in AssignmentWeek.objects.filter(
                person_id__in=ids, week__in=weeks, assignment__is_active=True
            )
            .values_list("person_id", "week")
            .annotate(total=Sum("hours"))
            .order_by()
        }
        on_project: dict[tuple[int, int, dt.date], Decimal] = {
            (project_id, pid, week): total
            for project_id, pid, week, total in AssignmentWeek.objects.filter(
                assignment__project_id__in=projects,
                person_id__in=ids,
                week__in=weeks,
                assignment__is_active=True,
            )
            .values_list("assignment__project_id", "person_id", "week")
            .annotate(total=Sum("hours"))
            .order_by()
        }
        result = {}
        for key in keys:
            rows = []
            for person in people:
                if key.by_departments:
                    if person.department_id not in departments[key.project_id]:
                        continue
                elif person.id not in assigned[key.project_id]:
                    continue
                total = totals.get((person.id, key.week), ZERO)
                cap = capacity(person.weekly_capacity, person.hire_date, key.week)
                rows.append(
                    AvailabilityRow(
                        person=person,
                        project_hours=on_project.get((key.project_id, person.id, key.week), ZERO),
                        total_hours=total,
                        capacity=cap,
                        available_hours=available_hours(cap, total),
                        utilization_percent=utilization_percent(total, cap),
                    )
                )
            result[key] = rows
        return result

    def default(self) -> list[AvailabilityRow]:
        return []
