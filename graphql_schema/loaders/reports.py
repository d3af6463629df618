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


def _sums(split: selectors.SplitMap, tentative: bool) -> dict[int, dict[dt.date, Decimal]]:
    return {
        pid: {w: c + t if tentative else c for w, (c, t) in weeks.items()}
        for pid, weeks in split.items()
    }


class AvailabilityKey(NamedTuple):
    project_id: int
    week: dt.date
    by_departments: bool
    include_tentative: bool = True


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
        # Tentative hours are read when any key counts them (else a WHERE leaves them out),
        # kept apart, and added only for the keys that count them.
        tentative = any(k.include_tentative for k in keys)
        split = selectors.split_hours_of_people_in_weeks(weeks, ids, tentative)
        hours = {True: _sums(split, True), False: _sums(split, False)}
        on_project: dict[tuple[int, dt.date, bool], dict[int, Decimal]] = defaultdict(dict)
        for (project_id, pid, week), (c, t) in selectors.project_hours_by_person_week(
            projects, weeks, ids, tentative
        ).items():
            on_project[project_id, week, True][pid] = c + t
            on_project[project_id, week, False][pid] = c
        calendars = load_calendars(people, min(weeks), max(weeks), self.tree)
        capacities = {week: calendars.in_week(week) for week in weeks}
        result = {}
        for key in keys:
            rows = project_availability(
                people,
                assigned[key.project_id],
                departments[key.project_id] if key.by_departments else None,
                hours[key.include_tentative],
                on_project.get((key.project_id, key.week, key.include_tentative), {}),
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


class StaffingKey(NamedTuple):
    project_id: int
    first: dt.date
    weeks: int
    include_tentative: bool


class StaffingByProjectLoader(SyncBatchLoader[StaffingKey, dict[dt.date, selectors.StaffingHours]]):
    """Project.staffing for every project and window asked in one tick: one GROUP BY over
    the combined range (tentative rows left out by a WHERE when no key counts them)."""

    def load_batch(
        self, keys: Sequence[StaffingKey]
    ) -> dict[StaffingKey, dict[dt.date, selectors.StaffingHours]]:
        first = min(k.first for k in keys)
        last = max(k.first + dt.timedelta(weeks=k.weeks - 1) for k in keys)
        by_project = selectors.staffing_by_project_week(
            first,
            last,
            {k.project_id for k in keys},
            self.context.scope,
            any(k.include_tentative for k in keys),
        )
        return {key: by_project.get(key.project_id, {}) for key in keys}

    def default(self) -> dict[dt.date, selectors.StaffingHours]:
        return {}
