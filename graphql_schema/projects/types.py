from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_schema.context import Info
from graphql_schema.loaders import AvailabilityKey, OwnerKey, StaffingKey
from graphql_schema.policy import policy
from graphql_schema.reports.types import AvailabilityScope, StaffingWeek
from graphql_schema.validation import FromArg, check_weeks, week_or_current
from planning.capacity import ZERO
from planning.weeks import week_keys
from projects import models

NO_STAFFING = (ZERO, ZERO, ZERO, ZERO)

if TYPE_CHECKING:
    from graphql_schema.assignments.types import Assignment, PlaceholderAssignment
    from graphql_schema.reports.types import PersonAvailability

ProjectStatus = models.Project.Status
strawberry.enum(ProjectStatus, name="ProjectStatus")  # marks the model's choices as the enum


@strawberry.type
class Project:
    id: strawberry.ID
    name: str
    client: str | None
    status: ProjectStatus
    start_date: dt.date | None
    end_date: dt.date | None

    @strawberry.field(metadata=policy(items=10))
    async def assignments(
        self,
        root: strawberry.Parent[models.Project],
        info: Info,
        include_inactive: bool | None = False,
    ) -> list[Annotated[Assignment, strawberry.lazy("graphql_schema.assignments.types")]]:
        # Only assignments of people the viewer may see.
        return await info.context.loaders.assignments_by_project.load(
            OwnerKey(root.id, bool(include_inactive))
        )

    @strawberry.field(
        metadata=policy(items=10),
        description="Assignments of placeholders (unstaffed demand) on the project, of "
        "placeholders the viewer may see; in the assignment order.",
    )
    async def placeholder_assignments(
        self,
        root: strawberry.Parent[models.Project],
        info: Info,
        include_inactive: bool | None = False,
    ) -> list[
        Annotated[PlaceholderAssignment, strawberry.lazy("graphql_schema.assignments.types")]
    ]:
        return await info.context.loaders.placeholder_assignments_by_project.load(
            OwnerKey(root.id, bool(include_inactive))
        )

    @strawberry.field(
        description=(
            "Load of the project's people in a week (default: this week). ASSIGNED: people "
            "with an active assignment on it; DEPARTMENTS: every active person in their "
            "departments. Ordered by name, then id."
        ),
        metadata=policy(items=50),
    )
    async def availability(
        self,
        root: strawberry.Parent[models.Project],
        info: Info,
        week: dt.date | None = None,
        scope: AvailabilityScope | None = AvailabilityScope.ASSIGNED,
        include_tentative: bool | None = True,
    ) -> list[Annotated[PersonAvailability, strawberry.lazy("graphql_schema.reports.types")]]:
        key = AvailabilityKey(
            root.id,
            week_or_current(week, "week"),
            scope == AvailabilityScope.DEPARTMENTS,
            include_tentative is not False,
        )
        return await info.context.loaders.availability_by_project.load(key)

    @strawberry.field(
        description="Hours on the project per week: people's confirmed and tentative, and "
        "placeholders' (unstaffed). Active assignments of active people and placeholders "
        "the viewer may see; every week of the window, zeros included."
    )
    async def staffing(
        self,
        root: strawberry.Parent[models.Project],
        info: Info,
        from_: FromArg = None,
        weeks: int | None = 12,
        include_tentative: bool | None = True,
    ) -> list[StaffingWeek]:
        weeks = check_weeks(weeks)
        first = week_or_current(from_, "from", weeks)
        tentative = include_tentative is not False
        by_week = await info.context.loaders.staffing_by_project.load(
            StaffingKey(root.id, first, weeks, tentative)
        )
        result = []
        for w in week_keys(first, weeks):
            confirmed, held, unstaffed, unstaffed_held = by_week.get(w, NO_STAFFING)
            result.append(
                StaffingWeek(
                    week=w,
                    confirmed_hours=confirmed,
                    tentative_hours=held if tentative else ZERO,  # type: ignore[arg-type]
                    unstaffed_hours=unstaffed + unstaffed_held if tentative else unstaffed,
                )
            )
        return result
