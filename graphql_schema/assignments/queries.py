from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from assignments import models
from assignments.queries import ordered_assignments
from graphql_schema.changes.queries import check_since
from graphql_schema.context import Info
from graphql_schema.filters import department_ids
from graphql_schema.pagination import Connection, paginate
from graphql_schema.permissions import AUTH
from graphql_schema.validation import parse_id

from .types import Assignment


@strawberry.type
class AssignmentsQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="Ordered by project client (case-insensitive, none last), project name, id.",
    )
    async def assignments(
        self,
        info: Info,
        person: strawberry.ID | None = None,
        project: strawberry.ID | None = None,
        department: strawberry.ID | None = None,
        include_children: bool | None = False,
        include_inactive: bool | None = False,
        first: int | None = 50,
        after: str | None = None,
        updated_since: Annotated[
            dt.datetime | None,
            strawberry.argument(description="Only records changed after this instant."),
        ] = None,
    ) -> Connection[Assignment]:
        qs = models.Assignment.objects.visible_to(info.context.scope)
        if check_since(updated_since) is not None:
            qs = qs.filter(updated_at__gt=updated_since)
        if person is not None:
            qs = qs.filter(person_id=parse_id(person, "person"))
        if project is not None:
            qs = qs.filter(project_id=parse_id(project, "project"))
        qs = qs.in_departments(await department_ids(info, department, include_children))
        if not include_inactive:
            qs = qs.filter(is_active=True)
        return await paginate(ordered_assignments(qs), first, after)
