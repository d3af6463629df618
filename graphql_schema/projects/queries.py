from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from django.db.models import Q
from django.db.models.functions import Lower

from graphql_schema.changes.queries import check_since
from graphql_schema.context import Info
from graphql_schema.errors import NotFound
from graphql_schema.pagination import Connection, paginate
from graphql_schema.permissions import AUTH
from graphql_schema.validation import MAX_STATUSES, bounded, parse_id
from projects import models

from .types import Project, ProjectStatus


async def project_or_not_found(info: Info, id: str, field: str = "id") -> models.Project:
    project = await info.context.loaders.project_by_id.load(parse_id(id, field))
    if project is None:
        raise NotFound(f"Project {id} not found", field=field)
    return project


@strawberry.type
class ProjectsQuery:
    @strawberry.field(permission_classes=AUTH)
    async def project(self, info: Info, id: strawberry.ID) -> Project | None:
        return await project_or_not_found(info, id)  # type: ignore[return-value]

    @strawberry.field(
        permission_classes=AUTH, description="Projects ordered by name (case-insensitive), id."
    )
    async def projects(
        self,
        info: Info,
        status: Annotated[list[ProjectStatus] | None, bounded(MAX_STATUSES, "statuses")] = None,
        client: str | None = None,
        search: str | None = None,
        first: int | None = 50,
        after: str | None = None,
        updated_since: Annotated[
            dt.datetime | None,
            strawberry.argument(description="Only records changed after this instant."),
        ] = None,
    ) -> Connection[Project]:
        qs = models.Project.objects.order_by(Lower("name"), "id")
        if check_since(updated_since) is not None:
            qs = qs.filter(updated_at__gt=updated_since)
        if status:
            qs = qs.filter(status__in=[s.value for s in status])
        if client is not None:
            qs = qs.filter(client__iexact=client.strip())
        if search and search.strip():
            term = search.strip()
            qs = qs.filter(Q(name__icontains=term) | Q(client__icontains=term))
        return await paginate(qs, first, after)
