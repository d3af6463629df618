import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from assignments import selectors
from assignments.models import Assignment
from calendars.selectors import load_calendars
from people.models import Person, person_in_departments
from planning.reports import project_availability

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
    """Project.availability for every project and week asked in one tick: four queries, and
    the calendar of the people listed (at most three more)."""

    needs_tree = True

    def load_batch(
        self, keys: Sequence[AvailabilityKey]
    ) -> dict[AvailabilityKey, list[AvailabilityRow]]:
        scope = self.context.scope
        projects = {k.project_id for k in keys}
        weeks = {k.week for k in keys}
        members = (
            Assignment.objects.filter(
                project_id__in=projects, is_active=True, person__is_active=True
            )
            .visible_to(scope)
            .values_list("project_id", "person_id", "person__department_id")
        )
        assigned: dict[int, set[int]] = defaultdict(set)
        departments: dict[int, set[int]] = defaultdict(set)
        for project_id, person_id, department_id in members:
            assigned[project_id].add(person_id)
            if department_id is not None:
                departments[project_id].add(department_id)
        wanted_deps = set().union(*(departments[k.project_id] for k in keys if k.by_departments))
        all_assigned = set().union(*assigned.values())
        people = list(
            Person.objects.visible_to(scope)
            .filter(Q(pk__in=all_assigned) | person_in_departments(wanted_deps), is_active=True)
            .order_by("name", "id")
        )
        ids = [p.id for p in people]
        hours = selectors.hours_by_person_week(weeks=weeks, person_ids=ids)
        on_project: dict[tuple[int, dt.date], dict[int, Decimal]] = defaultdict(dict)
        for (project_id, pid, week), h in selectors.project_hours_by_person_week(
            projects, weeks, ids
        ).items():
            on_project[project_id, week][pid] = h
        calendars = load_calendars(people, min(weeks), max(weeks), self.tree)
        capacities = {week: calendars.in_week(week) for week in weeks}
        result = {}
        for key in keys:
            rows = project_availability(
                people,
                assigned[key.project_id],
                departments[key.project_id] if key.by_departments else None,
                hours,
                on_project.get((key.project_id, key.week), {}),
                key.week,
                capacities[key.week],
            )
            result[key] = [
                AvailabilityRow(
                    person=person,
                    project_hours=on,
                    total_hours=load.hours,
                    capacity=load.capacity,
                    available_hours=load.available_hours,
                    utilization_percent=load.utilization_percent,
                )
                for person, on, load in rows
            ]
        return result

    def default(self) -> list[AvailabilityRow]:
        return []
