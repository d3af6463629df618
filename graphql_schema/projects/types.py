from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_schema.context import Info
from graphql_schema.loaders import AvailabilityKey, OwnerKey
from graphql_schema.policy import policy
from graphql_schema.reports.types import AvailabilityScope
from graphql_schema.validation import week_or_current
from projects import models

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
    ) -> list[Annotated[PersonAvailability, strawberry.lazy("graphql_schema.reports.types")]]:
        key = AvailabilityKey(
            root.id, week_or_current(week, "week"), scope == AvailabilityScope.DEPARTMENTS
        )
        return await info.context.loaders.availability_by_project.load(key)
