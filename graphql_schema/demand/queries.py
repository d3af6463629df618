from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from django.db.models import Q

from demand import models
from graphql_schema.changes.queries import check_since
from graphql_schema.context import Info
from graphql_schema.errors import NotFound
from graphql_schema.filters import department_ids
from graphql_schema.pagination import Connection, paginate
from graphql_schema.permissions import AUTH
from graphql_schema.validation import parse_id

from .types import Placeholder


async def placeholder_or_not_found(info: Info, id: str, field: str = "id") -> models.Placeholder:
    placeholder = await info.context.loaders.placeholder_by_id.load(parse_id(id, field))
    if placeholder is None:  # missing, or outside the viewer's departments: the same answer
        raise NotFound(f"Placeholder {id} not found", field=field)
    return placeholder


@strawberry.type
class DemandQuery:
    @strawberry.field(permission_classes=AUTH)
    async def placeholder(self, info: Info, id: strawberry.ID) -> Placeholder | None:
        return await placeholder_or_not_found(info, id)  # type: ignore[return-value]

    @strawberry.field(
        permission_classes=AUTH,
        description="Placeholders ordered by name, then id. A department-restricted viewer "
        "sees those in its departments; placeholders without a department only unrestricted.",
    )
    async def placeholders(
        self,
        info: Info,
        department: strawberry.ID | None = None,
        include_children: bool | None = False,
        role: strawberry.ID | None = None,
        search: str | None = None,
        first: int | None = 50,
        after: str | None = None,
        updated_since: Annotated[
            dt.datetime | None,
            strawberry.argument(description="Only records changed after this instant."),
        ] = None,
    ) -> Connection[Placeholder]:
        qs = models.Placeholder.objects.visible_to(info.context.scope).order_by("name", "id")
        if check_since(updated_since) is not None:
            qs = qs.filter(updated_at__gt=updated_since)
        qs = qs.in_departments(await department_ids(info, department, include_children))
        if role is not None:
            qs = qs.filter(role_id=parse_id(role, "role"))
        if search and search.strip():
            qs = qs.filter(Q(name__icontains=search.strip()))
        return await paginate(qs, first, after)
