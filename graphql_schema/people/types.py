from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
import strawberry_django
from strawberry import auto

from graphql_schema.batch import Failed, batch_of, settle
from graphql_schema.context import Info
from graphql_schema.errors import BadUserInput
from graphql_schema.loaders import CapacityKey, OwnerKey, PersonWindow, Span
from graphql_schema.loaders.people import SkillRow
from graphql_schema.policy import policy
from graphql_schema.scalars import JSON
from graphql_schema.validation import (
    FromArg,
    SkillNames,
    ToArg,
    check_weeks,
    date_window,
    week_or_current,
)
from people import models
from planning.calendar import WeekCapacity
from planning.capacity import ZERO, week_load
from planning.reports import CalendarMaps
from planning.skills import EmptySkillList, HeldSkill, normalize_requested, skill_score
from planning.weekmaps import LoadMaps, iso_keys
from planning.weeks import week_keys

if TYPE_CHECKING:
    from graphql_schema.assignments.types import Assignment
    from graphql_schema.calendars.types import HolidayCalendar, TimeOff, WorkSchedule

CALENDARS = "graphql_schema.calendars.types"
NO_HOURS = (ZERO, ZERO)  # (confirmed, tentative) of a week without hours
HolidayCalendarRef = Annotated["HolidayCalendar", strawberry.lazy(CALENDARS)]

# The model's choices, registered as GraphQL enums (strawberry.enum marks the class itself).
Proficiency = models.PersonSkill.Proficiency
SkillKind = models.PersonSkill.Kind
strawberry.enum(Proficiency, name="Proficiency")
strawberry.enum(SkillKind, name="SkillKind")


@strawberry_django.type(models.Role)
class Role:
    id: auto
    name: auto


@strawberry_django.type(models.SkillTag, name="Skill")
class Skill:
    id: auto
    name: auto
    category: auto

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        # the skills loader's plain rows (SkillRow) as well as SkillTag instances
        return isinstance(obj, models.SkillTag | SkillRow)


@strawberry.type
class Department:
    id: strawberry.ID
    name: str

    @strawberry.field
    async def parent(
        self, root: strawberry.Parent[models.Department], info: Info
    ) -> Department | None:
        if root.parent_id is None:
            return None
        tree = await info.context.department_tree()
        return cast("Department | None", tree.by_id.get(root.parent_id))

    @strawberry.field(metadata=policy(items=10))
    async def children(
        self, root: strawberry.Parent[models.Department], info: Info
    ) -> list[Department]:
        tree = await info.context.department_tree()
        return [cast(Department, tree.by_id[c]) for c in tree.children.get(root.id, ())]

    @strawberry.field(description="Its own; its people and subdepartments follow it by default.")
    async def holiday_calendar(
        self, root: strawberry.Parent[models.Department], info: Info
    ) -> HolidayCalendarRef | None:
        return await calendar_by_id(info, root.holiday_calendar_id)


async def calendar_by_id(info: Info, calendar_id: int | None) -> HolidayCalendar | None:
    if calendar_id is None:
        return None
    return cast(
        "HolidayCalendar | None",
        await info.context.loaders.holiday_calendar_by_id.load(calendar_id),
    )


@strawberry.type
class PersonSkill:
    proficiency: Proficiency
    kind: SkillKind

    @strawberry.field
    def skill(self, root: strawberry.Parent[models.PersonSkill]) -> Skill:
        return root.skill  # type: ignore[return-value]  # fetched by the loader's select_related


@strawberry.type
class WeekLoad:
    week: dt.date
    hours: float
    capacity: float = strawberry.field(
        description="Sum over the week's days of scheduled hours, less holidays and time off."
    )
    available_hours: float
    utilization_percent: float | None
    scheduled_hours: float = strawberry.field(
        description="The schedule's hours on the week's employed days."
    )
    holiday_hours: float = strawberry.field(
        description="Scheduled hours that fall on holidays of the calendar the person follows."
    )
    time_off_hours: float = strawberry.field(
        description="Scheduled hours removed by time off (not counting holidays)."
    )
    overbooked: bool = strawberry.field(description="hours > capacity.")
    confirmed_hours: float = strawberry.field(
        description="The hours of CONFIRMED assignments; hours = confirmedHours + tentativeHours."
    )
    tentative_hours: float = strawberry.field(description="The hours of TENTATIVE assignments.")


@strawberry.type(
    description="Person.hoursByWeek as JSON maps keyed by Monday (YYYY-MM-DD), as the "
    "heatmap's rows: the same values for the same arguments. Each map is made only when "
    "selected."
)
class WeekLoadMaps:
    week_keys: list[dt.date] = strawberry.field(description="The window's Mondays.")
    hours_by_week: JSON = strawberry.field(description='{ "<Monday>": hours }, non-zero weeks.')
    confirmed_by_week: JSON = strawberry.field(
        description='{ "<Monday>": confirmedHours }, non-zero weeks.'
    )
    tentative_by_week: JSON = strawberry.field(
        description='{ "<Monday>": tentativeHours }, non-zero weeks (empty when '
        "includeTentative is false)."
    )
    capacity_by_week: JSON = strawberry.field(
        description='{ "<Monday>": capacity }, every week (schedule, holidays, time off).'
    )
    scheduled_by_week: JSON = strawberry.field(
        description='{ "<Monday>": scheduledHours }, every week.'
    )
    available_by_week: JSON = strawberry.field(
        description='{ "<Monday>": availableHours }, every week.'
    )
    percent_by_week: JSON = strawberry.field(
        description='{ "<Monday>": utilizationPercent }, every week; null where capacity is 0.'
    )
    time_off_by_week: JSON = strawberry.field(
        description='{ "<Monday>": timeOffHours }, non-zero weeks.'
    )
    holiday_by_week: JSON = strawberry.field(
        description='{ "<Monday>": holidayHours }, non-zero weeks.'
    )
    overbooked_by_week: JSON = strawberry.field(
        description='{ "<Monday>": true }, the weeks where hours > capacity.'
    )


@strawberry.type
class SkillScore:
    score: int
    matched_skills: list[str]
    missing_skills: list[str]


def requested_skills(skills: list[str], field: str = "skills") -> list[str]:
    try:
        return normalize_requested(skills)
    except EmptySkillList:
        raise BadUserInput("skills must name at least one skill", field=field) from None


def capacity_key(root: models.Person, first: dt.date, weeks: int) -> CapacityKey:
    return CapacityKey(
        root.id,
        root.weekly_capacity,
        root.hire_date,
        root.end_date,
        root.department_id,
        root.holiday_calendar_id,
        first,
        weeks,
    )


async def person_window(
    root: models.Person,
    info: Info,
    first: dt.date,
    weeks: int,
    include_tentative: bool | None = True,
) -> tuple[Any, list[WeekCapacity]]:
    """The person's hours per week of the window (confirmed, tentative) and the calendar's
    weeks: what the week list and the week maps are made from. With `include_tentative`
    false, tentative hours count nowhere (tentativeHours 0)."""
    loaders = info.context.loaders
    window = PersonWindow(root.id, first, weeks, include_tentative is not False)
    hours, capacities = await asyncio.gather(
        loaders.hours_by_person_window.load(window),
        loaders.capacity_by_person_window.load(capacity_key(root, first, weeks)),
    )
    return hours, capacities


async def person_loads(
    root: models.Person,
    info: Info,
    first: dt.date,
    weeks: int,
    include_tentative: bool | None = True,
) -> list[WeekLoad]:
    hours, capacities = await person_window(root, info, first, weeks, include_tentative)
    loads = []
    for w, wc in zip(week_keys(first, weeks), capacities, strict=True):
        confirmed, tentative = hours.get(w, NO_HOURS)
        loads.append(cast(WeekLoad, week_load(w, confirmed + tentative, wc, tentative)))
    return loads


async def followed_calendar(root: models.Person, info: Info) -> int | None:
    # The tree first even for people with a calendar of their own: every person of a page
    # then asks for their calendar in the same tick, one batch (else two, by timing).
    tree = await info.context.department_tree()
    if root.holiday_calendar_id is not None:
        return root.holiday_calendar_id
    return tree.holiday_calendar(root.department_id)


@strawberry.type
class Person:
    id: strawberry.ID
    name: str
    email: str | None
    weekly_capacity: float
    hire_date: dt.date | None
    end_date: dt.date | None = strawberry.field(
        description="The last day employed; no capacity after it."
    )
    is_active: bool

    @strawberry.field
    async def department(
        self, root: strawberry.Parent[models.Person], info: Info
    ) -> Department | None:
        if root.department_id is None:
            return None
        tree = await info.context.department_tree()
        return cast("Department | None", tree.by_id.get(root.department_id))

    @strawberry.field
    async def role(self, root: strawberry.Parent[models.Person], info: Info) -> Role | None:
        if root.role_id is None:
            return None
        return await info.context.loaders.role_by_id.load(root.role_id)

    @strawberry.field(metadata=policy(items=10))
    async def skills(self, root: strawberry.Parent[models.Person], info: Info) -> list[PersonSkill]:
        return await info.context.loaders.skills_by_person.load(root.id)

    @strawberry.field(metadata=policy(items=10))
    async def assignments(
        self,
        root: strawberry.Parent[models.Person],
        info: Info,
        include_inactive: bool | None = False,
    ) -> list[Annotated[Assignment, strawberry.lazy("graphql_schema.assignments.types")]]:
        return await info.context.loaders.assignments_by_person.load(
            OwnerKey(root.id, bool(include_inactive))
        )

    @strawberry.field(
        description="The holiday calendar the person follows: their own, else the nearest "
        "department's up the tree."
    )
    async def holiday_calendar(
        self, root: strawberry.Parent[models.Person], info: Info
    ) -> HolidayCalendarRef | None:
        return await calendar_by_id(info, await followed_calendar(root, info))

    @strawberry.field(description="True when holidayCalendar comes from the department.")
    async def holiday_calendar_inherited(
        self, root: strawberry.Parent[models.Person], info: Info
    ) -> bool:
        return root.holiday_calendar_id is None and await followed_calendar(root, info) is not None

    @strawberry.field(metadata=policy(items=5), description="By effectiveFrom.")
    async def schedules(
        self, root: strawberry.Parent[models.Person], info: Info
    ) -> list[Annotated[WorkSchedule, strawberry.lazy(CALENDARS)]]:
        return await info.context.loaders.schedules_by_person.load(root.id)

    @strawberry.field(
        metadata=policy(items=10),
        description="Time off overlapping from..to (default: all), by startDate, endDate, id.",
    )
    async def time_off(
        self,
        root: strawberry.Parent[models.Person],
        info: Info,
        from_: FromArg = None,
        to: ToArg = None,
    ) -> list[Annotated[TimeOff, strawberry.lazy(CALENDARS)]]:
        first, last = date_window(from_, to)
        return await info.context.loaders.time_off_by_person.load(Span(root.id, first, last))

    @strawberry.field(description="Planned load per week: hours, capacity, availability.")
    async def hours_by_week(
        self,
        root: strawberry.Parent[models.Person],
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
        include_tentative: bool | None = True,
    ) -> list[WeekLoad]:
        weeks = check_weeks(weeks)
        first = week_or_current(from_, "from", weeks)
        return await person_loads(root, info, first, weeks, include_tentative)

    @strawberry.field(
        metadata=policy(sized=True),
        description="hoursByWeek as JSON maps (the same loads; priced as the list).",
    )
    async def week_maps(
        self,
        root: strawberry.Parent[models.Person],
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
        include_tentative: bool | None = True,
    ) -> WeekLoadMaps:
        weeks = check_weeks(weeks)
        first = week_or_current(from_, "from", weeks)
        hours, capacities = await person_window(root, info, first, weeks, include_tentative)
        dates = week_keys(first, weeks)
        keys = iso_keys(dates)
        return cast(WeekLoadMaps, LoadMaps(dates, keys, hours, capacities, CalendarMaps(keys)))

    @strawberry.field(description="max(0, capacity - hours) in the week (default: this week).")
    async def available_hours(
        self,
        root: strawberry.Parent[models.Person],
        info: Info,
        week: dt.date | None = None,
        include_tentative: bool | None = True,
    ) -> float:
        (load,) = await person_loads(root, info, week_or_current(week), 1, include_tentative)
        return load.available_hours

    @strawberry.field(description="round(100 * hours / capacity, 1); null when capacity is 0.")
    async def utilization_percent(
        self,
        root: strawberry.Parent[models.Person],
        info: Info,
        week: dt.date | None = None,
        include_tentative: bool | None = True,
    ) -> float | None:
        (load,) = await person_loads(root, info, week_or_current(week), 1, include_tentative)
        return load.utilization_percent

    @strawberry.field
    async def skill_score(
        self, root: strawberry.Parent[models.Person], info: Info, skills: SkillNames
    ) -> SkillScore:
        requested = requested_skills(skills)
        held = await info.context.loaders.skills_by_person.load(root.id)
        result = skill_score(
            [HeldSkill(s.skill.name, s.proficiency, s.kind) for s in held], requested
        )
        return SkillScore(
            score=result.score,
            matched_skills=result.matched_skills,
            missing_skills=result.missing_skills,
        )


# Batch forms of the resolvers above, for compiled execution (graphql_schema.batch): the
# same loads, checks and arithmetic, for every object of a level at once.


async def _tree_lookups(info: Info, ids: list[int | None]) -> list[Any]:
    if all(i is None for i in ids):
        return [None] * len(ids)
    try:
        tree = await info.context.department_tree()
    except Exception as error:
        return [None if i is None else Failed(error) for i in ids]
    return [None if i is None else tree.by_id.get(i) for i in ids]


@batch_of(Department, "parent")
async def _parents(roots: list[models.Department], info: Info) -> list[Any]:
    return await _tree_lookups(info, [r.parent_id for r in roots])


@batch_of(Person, "department")
async def _departments(roots: list[models.Person], info: Info) -> list[Any]:
    return await _tree_lookups(info, [r.department_id for r in roots])


@batch_of(Person, "role")
async def _roles(roots: list[models.Person], info: Info) -> list[Any]:
    loader = info.context.loaders.role_by_id
    return await settle([None if r.role_id is None else loader.load(r.role_id) for r in roots])


@batch_of(Person, "skills")
async def _skills(roots: list[models.Person], info: Info) -> list[Any]:
    loader = info.context.loaders.skills_by_person
    return await settle([loader.load(r.id) for r in roots])


@batch_of(Person, "assignments")
async def _assignments(
    roots: list[models.Person], info: Info, include_inactive: bool | None = False
) -> list[Any]:
    loader = info.context.loaders.assignments_by_person
    inactive = bool(include_inactive)
    return await settle([loader.load(OwnerKey(r.id, inactive)) for r in roots])


def _window_futures(
    roots: list[models.Person], info: Info, first: dt.date, weeks: int, include: bool
) -> list[Any]:
    """person_window's two loads for every root, in order: hours, capacities, hours..."""
    by_window = info.context.loaders.hours_by_person_window
    by_capacity = info.context.loaders.capacity_by_person_window
    futures = []
    for root in roots:
        futures.append(by_window.load(PersonWindow(root.id, first, weeks, include)))
        futures.append(by_capacity.load(capacity_key(root, first, weeks)))
    return futures


async def _person_loads(
    roots: list[models.Person],
    info: Info,
    first: dt.date,
    weeks: int,
    include_tentative: bool | None,
) -> list[Any]:
    """person_loads for every root: each one's list of WeekLoad, or Failed (the hours'
    error first, as asyncio.gather meets it: that batch is dispatched first)."""
    loaders = info.context.loaders
    include = include_tentative is not False
    # availableHours and utilizationPercent of one level ask for the same one-week loads:
    # the second one reuses the first one's futures and answers (the same loads, once).
    memo_key = (first, weeks, include, tuple(r.id for r in roots))
    memo = loaders.person_loads.get(memo_key)
    if memo is not None:
        await settle(memo[0])
        if memo[1]:
            return memo[1][0]
    futures = _window_futures(roots, info, first, weeks, include)
    answered: list[list[Any]] = []
    loaders.person_loads[memo_key] = (futures, answered)
    found = await settle(futures)
    if answered:  # the other caller built them while this one waited
        return answered[0]
    keys = week_keys(first, weeks)
    answers: list[Any] = []
    # One WeekLoad per distinct (week, hours, capacity), shared by the people who have the
    # same: week_load is a pure function, and the plan only reads what it returns.
    made: dict[tuple[Any, ...], Any] = {}
    for i in range(0, len(found), 2):
        hours, capacities = found[i], found[i + 1]
        if isinstance(hours, Failed):
            answers.append(hours)
        elif isinstance(capacities, Failed):
            answers.append(capacities)
        else:
            loads = []
            for w, wc in zip(keys, capacities, strict=True):
                confirmed, tentative = hours.get(w, NO_HOURS)
                key = (w, confirmed, tentative, wc)
                load = made.get(key)
                if load is None:
                    load = made[key] = week_load(w, confirmed + tentative, wc, tentative)
                loads.append(load)
            answers.append(loads)
    answered.append(answers)
    return answers


@batch_of(Person, "hours_by_week")
async def _hours_by_week(
    roots: list[models.Person],
    info: Info,
    from_: dt.date | None = None,
    weeks: int | None = 12,
    include_tentative: bool | None = True,
) -> list[Any]:
    weeks = check_weeks(weeks)
    first = week_or_current(from_, "from", weeks)
    return await _person_loads(roots, info, first, weeks, include_tentative)


@batch_of(Person, "week_maps")
async def _week_maps(
    roots: list[models.Person],
    info: Info,
    from_: dt.date | None = None,
    weeks: int | None = 12,
    include_tentative: bool | None = True,
) -> list[Any]:
    weeks = check_weeks(weeks)
    first = week_or_current(from_, "from", weeks)
    found = await settle(_window_futures(roots, info, first, weeks, include_tentative is not False))
    dates = week_keys(first, weeks)
    keys = iso_keys(dates)
    calendar = CalendarMaps(keys)
    answers: list[Any] = []
    for i in range(0, len(found), 2):
        hours, capacities = found[i], found[i + 1]
        if isinstance(hours, Failed):  # the hours' error first, as in _person_loads
            answers.append(hours)
        elif isinstance(capacities, Failed):
            answers.append(capacities)
        else:
            answers.append(LoadMaps(dates, keys, hours, capacities, calendar))
    return answers


async def _one_week(
    roots: list[models.Person],
    info: Info,
    week: dt.date | None,
    include_tentative: bool | None,
    attribute: str,
) -> list[Any]:
    found = await _person_loads(roots, info, week_or_current(week), 1, include_tentative)
    return [f if isinstance(f, Failed) else getattr(f[0], attribute) for f in found]


@batch_of(Person, "available_hours")
async def _available_hours(
    roots: list[models.Person],
    info: Info,
    week: dt.date | None = None,
    include_tentative: bool | None = True,
) -> list[Any]:
    return await _one_week(roots, info, week, include_tentative, "available_hours")


@batch_of(Person, "utilization_percent")
async def _utilization_percent(
    roots: list[models.Person],
    info: Info,
    week: dt.date | None = None,
    include_tentative: bool | None = True,
) -> list[Any]:
    return await _one_week(roots, info, week, include_tentative, "utilization_percent")


@batch_of(Person, "skill_score")
async def _skill_scores(roots: list[models.Person], info: Info, skills: list[str]) -> list[Any]:
    requested = requested_skills(skills)
    loader = info.context.loaders.skills_by_person
    found = await settle([loader.load(r.id) for r in roots])
    answers: list[Any] = []
    for held in found:
        if isinstance(held, Failed):
            answers.append(held)
            continue
        result = skill_score(
            [HeldSkill(s.skill.name, s.proficiency, s.kind) for s in held], requested
        )
        answers.append(
            SkillScore(
                score=result.score,
                matched_skills=result.matched_skills,
                missing_skills=result.missing_skills,
            )
        )
    return answers
