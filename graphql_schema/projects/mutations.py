from __future__ import annotations

import datetime as dt

import strawberry

from graphql_schema.context import Info
from graphql_schema.people.mutations import DeletePayload
from graphql_schema.permissions import WRITE
from graphql_schema.services import given, run_service
from graphql_schema.validation import parse_id
from projects import services

from .types import Project, ProjectStatus


@strawberry.input
class CreateProjectInput:
    name: str
    client: str | None = strawberry.UNSET
    status: ProjectStatus | None = strawberry.UNSET
    start_date: dt.date | None = strawberry.UNSET
    end_date: dt.date | None = strawberry.UNSET


@strawberry.input
class UpdateProjectInput:
    name: str | None = strawberry.UNSET
    client: str | None = strawberry.UNSET
    status: ProjectStatus | None = strawberry.UNSET
    start_date: dt.date | None = strawberry.UNSET
    end_date: dt.date | None = strawberry.UNSET


@strawberry.type
class ProjectPayload:
    project: Project


def project_data(data: CreateProjectInput | UpdateProjectInput) -> dict:
    values = given(data)
    if values.get("status") is not None:
        values["status"] = values["status"].value
    return values


@strawberry.type
class ProjectsMutation:
    @strawberry.mutation(permission_classes=WRITE)
    async def create_project(self, info: Info, input: CreateProjectInput) -> ProjectPayload:
        info.context.require_unrestricted("change projects")
        project = await run_service(services.create_project, project_data(input))
        return ProjectPayload(project=project)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def update_project(
        self, info: Info, id: strawberry.ID, input: UpdateProjectInput
    ) -> ProjectPayload:
        info.context.require_unrestricted("change projects")
        project = await run_service(
            services.update_project, parse_id(id, "id"), project_data(input)
        )
        return ProjectPayload(project=project)  # type: ignore[arg-type]

    @strawberry.mutation(permission_classes=WRITE)
    async def delete_project(self, info: Info, id: strawberry.ID) -> DeletePayload:
        info.context.require_unrestricted("change projects")
        project_id = parse_id(id, "id")
        await run_service(services.delete_project, project_id)
        return DeletePayload(id=strawberry.ID(str(project_id)))
