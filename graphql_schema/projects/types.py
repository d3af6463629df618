from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_schema.context import Info
from graphql_schema.loaders import OwnerKey
from projects import models

if TYPE_CHECKING:
    from graphql_schema.assignments.types import Assignment

ProjectStatus = strawberry.enum(models.Project.Status, name="ProjectStatus")


@strawberry.type
class Project:
    id: strawberry.ID
    name: str
    client: str | None
    status: ProjectStatus
    start_date: dt.date | None
    end_date: dt.date | None

    @strawberry.field
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
