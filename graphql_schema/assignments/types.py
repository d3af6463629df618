from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from assignments import models
from graphql_schema.batch import Failed, batch_of, settle
from graphql_schema.context import Info
from graphql_schema.policy import policy
from graphql_schema.scalars import JSON
from graphql_schema.validation import FromArg, check_weeks, week_or_current
from planning.capacity import ZERO
from planning.weekmaps import NO_WEEKS, HoursMaps, iso_keys
from planning.weeks import week_keys

if TYPE_CHECKING:
    from graphql_schema.demand.types import Placeholder
    from graphql_schema.people.types import Person
    from graphql_schema.projects.types import Project

AssignmentStatus = models.Assignment.Status
strawberry.enum(  # marks the model's choices as the enum
    AssignmentStatus,
    name="AssignmentStatus",
    description="CONFIRMED (the default) or TENTATIVE: not yet certain, e.g. a deal not signed.",
)


@strawberry.type
class WeekHours:
    week: dt.date
    hours: float = strawberry.field(description="confirmedHours + tentativeHours.")
    confirmed_hours: float
    tentative_hours: float


def split_week(week: dt.date, hours: Any, tentative: bool) -> WeekHours:
    """One week of an assignment: all of its hours are of its status (Decimals, sent as
    JSON numbers like every hours field)."""
    zero: Any = ZERO
    return WeekHours(
        week=week,
        hours=hours,
        confirmed_hours=zero if tentative else hours,
        tentative_hours=hours if tentative else zero,
    )


@strawberry.type(
    description="hoursByWeek of an assignment or a placeholder as JSON maps keyed by Monday "
    "(YYYY-MM-DD): the same values for the same arguments, weeks where they are not 0. "
    "Each map is made only when selected."
)
class WeekHoursMaps:
    week_keys: list[dt.date] = strawberry.field(description="The window's Mondays.")
    hours_by_week: JSON = strawberry.field(description='{ "<Monday>": hours }, non-zero weeks.')
    confirmed_by_week: JSON = strawberry.field(
        description='{ "<Monday>": confirmedHours }, non-zero weeks.'
    )
    tentative_by_week: JSON = strawberry.field(
        description='{ "<Monday>": tentativeHours }, non-zero weeks.'
    )


def booking_maps(
    weeks: list[dt.date], keys: list[str], hours: Any, tentative: bool
) -> WeekHoursMaps:
    """An assignment's window as maps: all of a week's hours on the side of its status."""
    confirmed, held = (NO_WEEKS, hours) if tentative else (hours, NO_WEEKS)
    return cast(WeekHoursMaps, HoursMaps(weeks, keys, confirmed, held))


@strawberry.interface(
    description="What assignments of people and of placeholders share: a project, a status "
    "and weekly hours."
)
class Booking:
    id: strawberry.ID
    role_on_project: str | None
    is_active: bool
    version: int
    status: AssignmentStatus

    @strawberry.field
    async def project(
        self, root: strawberry.Parent[models.Assignment], info: Info
    ) -> Annotated[Project, strawberry.lazy("graphql_schema.projects.types")]:
        return await info.context.loaders.project_by_id.load(root.project_id)

    @strawberry.field(description='Every planned week: { "YYYY-MM-DD": hours }.')
    async def weekly_hours(self, root: strawberry.Parent[models.Assignment], info: Info) -> JSON:
        hours = await info.context.loaders.hours_by_assignment.load(root.id)
        return JSON({week.isoformat(): float(h) for week, h in hours.items()})

    @strawberry.field(description="Hours per week over a window, zeros included.")
    async def hours_by_week(
        self,
        root: strawberry.Parent[models.Assignment],
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
    ) -> list[WeekHours]:
        weeks = check_weeks(weeks)
        hours = await info.context.loaders.hours_by_assignment.load(root.id)
        return [
            split_week(w, hours.get(w, ZERO), root.tentative)
            for w in week_keys(week_or_current(from_, "from", weeks), weeks)
        ]

    @strawberry.field(
        metadata=policy(sized=True),
        description="hoursByWeek as JSON maps (the same load; priced as the list).",
    )
    async def week_maps(
        self,
        root: strawberry.Parent[models.Assignment],
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
    ) -> WeekHoursMaps:
        weeks = check_weeks(weeks)
        hours = await info.context.loaders.hours_by_assignment.load(root.id)
        dates = week_keys(week_or_current(from_, "from", weeks), weeks)
        return booking_maps(dates, iso_keys(dates), hours, root.tentative)


@strawberry.type(description="An assignment of a person.")
class Assignment(Booking):
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Assignment) and obj.person_id is not None

    @strawberry.field
    async def person(
        self, root: strawberry.Parent[models.Assignment], info: Info
    ) -> Annotated[Person, strawberry.lazy("graphql_schema.people.types")]:
        # Assignments reach a resolver only after the viewer's department filter.
        return await info.context.loaders.person_by_id.load(root.person_id)


@strawberry.type(description="An assignment of a placeholder: unstaffed demand on a project.")
class PlaceholderAssignment(Booking):
    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, models.Assignment) and obj.placeholder_id is not None

    @strawberry.field
    async def placeholder(
        self, root: strawberry.Parent[models.Assignment], info: Info
    ) -> Annotated[Placeholder, strawberry.lazy("graphql_schema.demand.types")]:
        # Placeholder assignments reach a resolver only after the viewer's department filter.
        return await info.context.loaders.placeholder_by_id.load(root.placeholder_id)


# Batch forms of the resolvers above, for compiled execution (graphql_schema.batch).


@batch_of(Booking, "project")
async def _projects(roots: list[models.Assignment], info: Info) -> list[Any]:
    loader = info.context.loaders.project_by_id
    return await settle([loader.load(r.project_id) for r in roots])


async def _hours_in_window(
    roots: list[models.Assignment], info: Info, from_: dt.date | None, weeks: int | None
) -> tuple[list[Any], list[dt.date] | None]:
    """Each root's stored hours (or its Failed), and the window's Mondays; None for the
    window when its arguments fail, with every root's answer that error (or its own)."""
    weeks = check_weeks(weeks)
    loader = info.context.loaders.hours_by_assignment
    found = await settle([loader.load(r.id) for r in roots])
    try:  # after the wait, as in the resolver: a failed load's error comes first
        return found, week_keys(week_or_current(from_, "from", weeks), weeks)
    except Exception as error:
        return [f if isinstance(f, Failed) else Failed(error) for f in found], None


@batch_of(Booking, "hours_by_week")
async def _hours_by_week(
    roots: list[models.Assignment],
    info: Info,
    from_: dt.date | None = None,
    weeks: int | None = 12,
) -> list[Any]:
    found, keys = await _hours_in_window(roots, info, from_, weeks)
    if keys is None:
        return found
    # One WeekHours per distinct (week, hours, status), shared by the assignments that have
    # the same (the plan only reads them).
    made: dict[tuple[Any, ...], WeekHours] = {}
    answers: list[Any] = []
    for root, f in zip(roots, found, strict=True):
        if isinstance(f, Failed):
            answers.append(f)
            continue
        tentative = root.tentative
        row = []
        for w in keys:
            hours = f.get(w, ZERO)
            week = made.get((w, hours, tentative))
            if week is None:
                week = made[(w, hours, tentative)] = split_week(w, hours, tentative)
            row.append(week)
        answers.append(row)
    return answers


@batch_of(Booking, "week_maps")
async def _week_maps(
    roots: list[models.Assignment],
    info: Info,
    from_: dt.date | None = None,
    weeks: int | None = 12,
) -> list[Any]:
    found, dates = await _hours_in_window(roots, info, from_, weeks)
    if dates is None:
        return found
    keys = iso_keys(dates)
    return [
        f if isinstance(f, Failed) else booking_maps(dates, keys, f, root.tentative)
        for root, f in zip(roots, found, strict=True)
    ]
