from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from assignments import models
from graphql_schema.context import Info
from graphql_schema.scalars import JSON
from graphql_schema.validation import FromArg, check_weeks, week_or_current
from planning.capacity import ZERO
from planning.weeks import week_keys

if TYPE_CHECKING:
    from graphql_schema.people.types import Person
    from graphql_schema.projects.types import Project


@strawberry.type
class WeekHours:
    week: dt.date
    hours: float


@strawberry.type
class Assignment:
    id: strawberry.ID
    role_on_project: str | None
    is_active: bool
    version: int

    @strawberry.field
    async def person(
        self, root: strawberry.Parent[models.Assignment], info: Info
    ) -> Annotated[Person, strawberry.lazy("graphql_schema.people.types")]:
        # Assignments reach a resolver only after the viewer's department filter.
        return await info.context.loaders.person_by_id.load(root.person_id)

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
            WeekHours(week=w, hours=hours.get(w, ZERO))
            for w in week_keys(week_or_current(from_, "from", weeks), weeks)
        ]
