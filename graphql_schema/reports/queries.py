from __future__ import annotations

import datetime as dt
import math
from collections.abc import Awaitable, Callable, Iterator, Sequence
from decimal import Decimal
from functools import partial
from typing import Annotated, TypeVar, overload

import strawberry
from asgiref.sync import sync_to_async

from assignments import aggregates
from assignments import selectors as assignment_selectors
from calendars.selectors import Calendars, load_calendars
from core.overlap import start_read
from core.routing import report_reads
from graphql_schema.assignments.types import AssignmentStatus
from graphql_schema.context import Context, Info
from graphql_schema.errors import BadUserInput, NotFound
from graphql_schema.filters import department_ids
from graphql_schema.people.types import requested_skills
from graphql_schema.permissions import AUTH
from graphql_schema.scalars import JSON
from graphql_schema.selection import selected_paths
from graphql_schema.validation import (
    MAX_LIMIT,
    MAX_ROLE_IDS,
    FromArg,
    OptionalSkillNames,
    SkillNames,
    bounded,
    check_range,
    check_weeks,
    parse_id,
    week_or_current,
)
from people import selectors as people_selectors
from people.models import Role as RoleModel
from people.selectors import people_in_scope as in_scope
from planning import reports
from planning.calendar import WeekCapacity
from planning.capacity import ZERO, first_counted_week
from planning.weeks import week_keys

from .types import (
    Absence,
    AbsenceKind,
    AvailableCandidate,
    CapacityHeatmap,
    GridAssignmentRow,
    GridPerson,
    GridPlaceholder,
    GridPlaceholderAssignment,
    GridSnapshot,
    ReportHoliday,
    ReportHolidays,
    RoleCapacityReport,
    RoleSeries,
    SkillMatch,
)

T = TypeVar("T")


def on_replica(
    compute: Callable[[], T], context: Context | None = None
) -> Callable[[], Awaitable[T]]:
    """A report's reads, in a worker thread, on the read replica when one is configured
    (DATABASE_REPLICA_URL; core/routing.py). With `context`: the request's department tree
    is loaded first in the same thread, from the primary as any resolver's (the report
    reads it with `context.loaded_department_tree()`): one thread hop per request less."""

    def run() -> T:
        if context is not None:
            context.loaded_department_tree()
        with report_reads():
            return compute()

    return sync_to_async(run)


def window(from_: dt.date | None, weeks: int | None) -> tuple[dt.date, int]:
    weeks = check_weeks(weeks)
    return week_or_current(from_, "from", weeks), weeks


def check_limit(limit: int | None, default: int) -> int:
    return check_range(default if limit is None else limit, "limit", 1, MAX_LIMIT)


# Bounded so that a score (weight x 100, rounded to 0.1) stays within Decimal's 28 digits.
MAX_NUMBER = 1_000_000


@overload
def check_number(value: float | None, field: str, default: float) -> Decimal: ...
@overload
def check_number(value: float | None, field: str, default: None) -> Decimal | None: ...
def check_number(value: float | None, field: str, default: float | None) -> Decimal | None:
    if value is None:
        return None if default is None else Decimal(str(default))
    if not math.isfinite(value) or not 0 <= value <= MAX_NUMBER:
        raise BadUserInput(
            f"{field} must be a number between 0 and {MAX_NUMBER}, got {value}", field=field
        )
    return Decimal(str(value))


def to_id(value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def to_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def absences(calendars: Calendars, person_id: int) -> list[Absence]:
    return [
        Absence(
            kind=AbsenceKind(a.kind),
            start_date=a.start_date,
            end_date=a.end_date,
            hours_per_day=to_float(a.hours_per_day),
            name=a.name,
            time_off_id=strawberry.ID(str(a.time_off_id)),
        )
        for a in calendars.absences(person_id)
    ]


class LazyAbsences(Sequence[Absence]):
    """A report row's absences, made when the answer reads them: a whole-organisation
    report's document that does not ask for them costs nothing for them."""

    __slots__ = ("_calendars", "_made", "_person_id")

    def __init__(self, calendars: Calendars, person_id: int) -> None:
        self._calendars, self._person_id = calendars, person_id
        self._made: list[Absence] | None = None

    def _list(self) -> list[Absence]:
        if self._made is None:
            self._made = absences(self._calendars, self._person_id)
        return self._made

    def __len__(self) -> int:
        return len(self._list())

    @overload
    def __getitem__(self, index: int) -> Absence: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Absence]: ...
    def __getitem__(self, index: int | slice) -> Absence | Sequence[Absence]:
        return self._list()[index]

    def __iter__(self) -> Iterator[Absence]:
        return iter(self._list())


NO_ABSENCES: tuple[Absence, ...] = ()


def row_absences(calendars: Calendars, person_id: int) -> Sequence[Absence]:
    """A report row's absences: none for most people (no time off in the window), else
    made when read (LazyAbsences)."""
    if person_id in calendars.time_off:
        return LazyAbsences(calendars, person_id)
    return NO_ABSENCES


def report_holidays(calendars: Calendars) -> list[ReportHolidays]:
    return [
        ReportHolidays(
            calendar_id=strawberry.ID(str(calendar_id)),
            holidays=[ReportHoliday(date=day, name=name) for day, name in days],
        )
        for calendar_id, days in calendars.holiday_lists()
    ]


# The grid's ids as strings and statuses by value, made here: a 10,000-person grid has
# 20,000 assignments, and an int coerced to an ID (or an enum looked up by value) per field
# was a tenth of its time.
STATUSES = {status.value: status for status in AssignmentStatus}


def grid_calendar(maps: reports.CalendarMaps, weeks: list[WeekCapacity]) -> dict[str, JSON]:
    """A grid person's calendar maps, as the heatmap's (planning.reports.CalendarMaps)."""
    capacity, time_off, holiday = maps(weeks)
    return {
        "capacity_by_week": JSON(capacity),
        "time_off_by_week": JSON(time_off),
        "holiday_by_week": JSON(holiday),
    }


# GridSnapshot's fields (dotted paths of names, graphql_schema.selection) made from the
# calendar (schedules, holidays, time off) and from the placeholders (rows, assignments,
# hours): a document that selects none of them reads neither.
GRID_CALENDAR_FIELDS = frozenset(
    (
        "holidays",
        "people.capacityByWeek",
        "people.timeOffByWeek",
        "people.holidayByWeek",
        "people.absences",
        "people.holidayCalendarId",
    )
)
GRID_DEMAND_FIELDS = frozenset(("placeholders", "placeholderAssignments"))
NO_DEMAND = aggregates.PlaceholderGridJson([], [], {}, {})
# a grid person's calendar maps when the document selects none of them (never sent)
NO_CALENDAR_MAPS: dict[str, JSON] = {
    "capacity_by_week": JSON({}),
    "time_off_by_week": JSON({}),
    "holiday_by_week": JSON({}),
}


@strawberry.type
class ReportsQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="People x weeks: one row per active person in scope, by name then id.",
    )
    async def capacity_heatmap(
        self,
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
        department: strawberry.ID | None = None,
        include_children: bool | None = False,
        include_tentative: bool | None = True,
    ) -> CapacityHeatmap:
        keys = week_keys(*window(from_, weeks))
        deps = await department_ids(info, department, include_children)
        scope = info.context.scope
        context = info.context
        tentative = include_tentative is not False

        def compute() -> CapacityHeatmap:
            tree = context.loaded_department_tree()
            # The hours are read beside the people and the calendar (core.overlap):
            # PostgreSQL's time on them (the report's longest statement) then runs while
            # this thread reads and lays out the calendar, instead of before it.
            hours = start_read(
                partial(
                    assignment_selectors.split_cents_by_person_week,
                    keys[0],
                    keys[-1],
                    scope=scope,
                    departments=deps,
                    include_tentative=tentative,
                )
            )
            people = people_selectors.active_people(scope, deps)
            calendars = load_calendars(people, keys[0], keys[-1], tree, in_scope(scope, deps))
            capacities = calendars.by_person(keys)
            absences = {p.id: row_absences(calendars, p.id) for p in people}
            rows = reports.heatmap_rows_in_cents(
                people, hours(), keys, capacities, absences, calendars.calendar_of
            )
            return CapacityHeatmap(
                week_keys=keys,
                holidays=report_holidays(calendars),
                rows=rows,  # type: ignore[arg-type]  # resolved from the planning rows
            )

        return await on_replica(compute, context)()

    @strawberry.field(
        permission_classes=AUTH,
        description=(
            "People holding any of the skills, ranked by skill score (with `week`: "
            "0.7 * skill score + 0.3 * availability %), then available hours, name, id."
        ),
    )
    async def skill_match(
        self,
        info: Info,
        skills: SkillNames,
        department: strawberry.ID | None = None,
        include_children: bool | None = False,
        limit: int | None = 50,
        week: dt.date | None = None,
        include_tentative: bool | None = True,
    ) -> list[SkillMatch]:
        requested = requested_skills(skills)
        limit = check_limit(limit, 50)
        the_week = None if week is None else week_or_current(week, "week")
        deps = await department_ids(info, department, include_children)
        scope = info.context.scope
        context = None if the_week is None else info.context

        def compute() -> list[reports.Candidate]:
            tree = None if context is None else context.loaded_department_tree()
            people = people_selectors.active_people(scope, deps)
            ids = [p.id for p in people]
            hours, capacities = {}, {}
            if the_week is not None and tree is not None:
                hours = assignment_selectors.hours_by_person_week(
                    the_week,
                    the_week,
                    scope=scope,
                    departments=deps,
                    include_tentative=include_tentative is not False,
                )
                capacities = load_calendars(
                    people, the_week, the_week, tree, in_scope(scope, deps)
                ).in_week(the_week)
            ranked = reports.skill_match(
                people,
                hours,
                people_selectors.held_skills(ids, in_scope(scope, deps), requested),
                requested,
                the_week,
                capacities,
                limit,
            )
            return ranked

        return [
            SkillMatch(
                person=c.person,  # type: ignore[arg-type]
                score=c.score,  # type: ignore[arg-type]
                skill_score=c.skill_score,
                matched_skills=c.matched_skills,
                missing_skills=c.missing_skills,
            )
            for c in await on_replica(compute, context)()
        ]

    @strawberry.field(
        permission_classes=AUTH,
        description=(
            "Active people ranked for a week: availabilityWeight * availability % + "
            "skillWeight * skill score, then available hours, name, id."
        ),
    )
    async def find_available(
        self,
        info: Info,
        week: dt.date | None = None,
        skills: OptionalSkillNames = None,
        department: strawberry.ID | None = None,
        include_children: bool | None = False,
        limit: int | None = 100,
        min_available_hours: float | None = None,
        availability_weight: float | None = 0.5,
        skill_weight: float | None = 0.5,
        include_tentative: bool | None = True,
    ) -> list[AvailableCandidate]:
        requested = requested_skills(skills) if skills else None
        limit = check_limit(limit, 100)
        the_week = week_or_current(week, "week")
        min_free = check_number(min_available_hours, "minAvailableHours", None)
        aw = check_number(availability_weight, "availabilityWeight", 0.5)
        sw = check_number(skill_weight, "skillWeight", 0.5)
        deps = await department_ids(info, department, include_children)
        scope = info.context.scope
        context = info.context

        def compute() -> list[reports.Candidate]:
            tree = context.loaded_department_tree()
            people = people_selectors.active_people(scope, deps)
            hours = assignment_selectors.hours_by_person_week(
                the_week,
                the_week,
                scope=scope,
                departments=deps,
                include_tentative=include_tentative is not False,
            )
            held = (
                people_selectors.held_skills(
                    [p.id for p in people], in_scope(scope, deps), requested
                )
                if requested
                else {}
            )
            ranked = reports.find_available(
                people,
                hours,
                held,
                the_week,
                load_calendars(people, the_week, the_week, tree, in_scope(scope, deps)).in_week(
                    the_week
                ),
                requested,
                aw,
                sw,
                min_free,
                limit,
            )
            return ranked

        return [
            AvailableCandidate(
                person=c.person,  # type: ignore[arg-type]
                score=float(c.score),
                available_hours=float(c.available_hours),
                capacity=float(c.capacity),
                utilization_percent=to_float(c.utilization_percent),
                skill_score=c.skill_score,
                matched_skills=c.matched_skills,
                missing_skills=c.missing_skills,
                hours=float(c.hours),
            )
            for c in await on_replica(compute, context)()
        ]

    @strawberry.field(
        permission_classes=AUTH,
        description="Everything the assignment grid renders, in one request.",
    )
    async def grid_snapshot(
        self,
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
        department: strawberry.ID | None = None,
        include_children: bool | None = False,
        include_tentative: bool | None = True,
    ) -> GridSnapshot:
        keys = week_keys(*window(from_, weeks))
        deps = await department_ids(info, department, include_children)
        scope = info.context.scope
        context = info.context
        tentative = include_tentative is not False
        # The calendar and the placeholders are read only when the document selects a field
        # made from them (docs/design.md, "gridSnapshot"): every other field (weeklyCapacity,
        # firstEligibleWeek, hoursByPerson...) is the person's own or the assignments'.
        selected = selected_paths(info)
        with_calendar = not selected.isdisjoint(GRID_CALENDAR_FIELDS)
        with_demand = not selected.isdisjoint(GRID_DEMAND_FIELDS)

        def compute() -> GridSnapshot:
            # the assignments' hours are read beside the people and the assignments
            grid = aggregates.start_grid_json(scope, deps, keys[0], keys[-1], tentative)
            people = people_selectors.active_people(scope, deps)
            rows = grid()
            demand = (
                aggregates.placeholder_grid_json(scope, deps, keys[0], keys[-1], tentative)
                if with_demand
                else NO_DEMAND
            )
            calendars = (
                load_calendars(
                    people,
                    keys[0],
                    keys[-1],
                    context.loaded_department_tree(),
                    in_scope(scope, deps),
                )
                if with_calendar
                else Calendars(keys[0], keys[-1])
            )
            capacities = calendars.by_person(keys) if with_calendar else {}
            calendar_maps = reports.CalendarMaps([k.isoformat() for k in keys])
            by_person, by_assignment = rows.hours_by_person, rows.hours_by_assignment
            # the type's attributes in tuples (GridAssignmentRow): made faster than the type
            assignments = [
                GridAssignmentRow(
                    str(a_id),
                    str(person_id),
                    str(project_id),
                    name,
                    client,
                    role,
                    version,
                    by_assignment.get(a_id, {}),
                    STATUSES[status],
                )
                for a_id, person_id, project_id, name, client, role, version, status in (
                    rows.assignments
                )
            ]
            return GridSnapshot(
                week_keys=keys,
                holidays=report_holidays(calendars),
                people=[
                    GridPerson(
                        id=strawberry.ID(str(p.id)),
                        name=p.name,
                        weekly_capacity=p.weekly_capacity,  # type: ignore[arg-type]
                        department_id=to_id(p.department_id),
                        role_id=to_id(p.role_id),
                        email=p.email,
                        first_eligible_week=first_counted_week(p.hire_date),
                        end_date=p.end_date,
                        absences=row_absences(calendars, p.id),  # type: ignore[arg-type]
                        holiday_calendar_id=to_id(calendars.calendar_of.get(p.id)),
                        **(
                            grid_calendar(calendar_maps, capacities[p.id])
                            if with_calendar
                            else NO_CALENDAR_MAPS
                        ),
                    )
                    for p in people
                ],
                hours_by_person=JSON(
                    {str(p.id): by_person[p.id] for p in people if p.id in by_person}
                ),
                assignments=assignments,  # type: ignore[arg-type]
                placeholders=[
                    GridPlaceholder(
                        id=ph_id,
                        name=name,
                        role_id=role_id,
                        department_id=department_id,
                        hours_by_week=JSON(demand.hours_by_placeholder.get(ph_id, {})),
                    )
                    for ph_id, name, role_id, department_id in demand.placeholders
                ],
                placeholder_assignments=[
                    GridPlaceholderAssignment(
                        id=a_id,
                        placeholder_id=ph_id,
                        project_id=project_id,
                        project_name=name,
                        project_client=client,
                        role_on_project=role,
                        status=STATUSES[status],
                        version=version,
                        weekly_hours=JSON(demand.hours_by_assignment.get(a_id, {})),
                    )
                    for a_id, ph_id, project_id, name, client, role, version, status in (
                        demand.assignments
                    )
                ],
            )

        # the department tree is read for the calendar only (the people's inherited holiday
        # calendars)
        return await on_replica(compute, context if with_calendar else None)()

    @strawberry.field(
        permission_classes=AUTH,
        description=(
            "Assigned hours and capacity per role and week (active people in scope). Without "
            "`roles`: every role held by at least one of them."
        ),
    )
    async def role_capacity(
        self,
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
        department: strawberry.ID | None = None,
        include_children: bool | None = False,
        roles: Annotated[list[strawberry.ID] | None, bounded(MAX_ROLE_IDS, "roles")] = None,
        include_tentative: bool | None = True,
    ) -> RoleCapacityReport:
        keys = week_keys(*window(from_, weeks))
        role_ids = None if roles is None else [parse_id(r, "roles") for r in roles]
        deps = await department_ids(info, department, include_children)
        scope = info.context.scope
        context = info.context
        tentative = include_tentative is not False

        def compute() -> RoleCapacityReport:
            tree = context.loaded_department_tree()
            totals = aggregates.role_week_totals(
                scope, deps, role_ids, keys, tree, include_tentative=tentative
            )
            unstaffed = assignment_selectors.unstaffed_by_role_week(
                keys[0], keys[-1], scope, deps, role_ids, tentative
            )
            wanted = set(totals) | set(unstaffed) if role_ids is None else set(role_ids)
            found = list(RoleModel.objects.filter(pk__in=wanted).order_by("name", "id"))
            if len(found) != len(wanted):
                missing = sorted(wanted - {r.id for r in found})
                raise NotFound(f"Role {missing[0]} not found", field="roles")
            zeros = [ZERO] * len(keys)
            return RoleCapacityReport(
                week_keys=keys,
                roles=found,  # type: ignore[arg-type]
                series=[
                    RoleSeries(
                        role=role,  # type: ignore[arg-type]
                        assigned=totals.get(role.id, (zeros, zeros))[0],  # type: ignore[arg-type]
                        capacity=totals.get(role.id, (zeros, zeros))[1],  # type: ignore[arg-type]
                        unstaffed=[
                            unstaffed.get(role.id, {}).get(w, ZERO)  # type: ignore[misc]
                            for w in keys
                        ],
                    )
                    for role in found
                ],
            )

        return await on_replica(compute, context)()
