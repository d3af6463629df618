from __future__ import annotations

import datetime as dt
from typing import Annotated, cast

import strawberry
from django.db.models import Q

from graphql_schema.changes.queries import check_since
from graphql_schema.context import Info
from graphql_schema.errors import NotFound
from graphql_schema.filters import department_ids
from graphql_schema.pagination import Connection, paginate
from graphql_schema.permissions import AUTH
from graphql_schema.policy import policy
from graphql_schema.validation import parse_id
from people import models

from .types import Department, Person, Role, Skill


async def person_or_not_found(info: Info, id: str, field: str = "id") -> models.Person:
    person = await info.context.loaders.person_by_id.load(parse_id(id, field))
    if person is None:  # missing, or outside the viewer's departments: the same answer
        raise NotFound(f"Person {id} not found", field=field)
    return person


@strawberry.type
class PeopleQuery:
    @strawberry.field(permission_classes=AUTH)
    async def person(self, info: Info, id: strawberry.ID) -> Person | None:
        return await person_or_not_found(info, id)  # type: ignore[return-value]

    @strawberry.field(permission_classes=AUTH, description="People ordered by name, then id.")
    async def people(
        self,
        info: Info,
        department: strawberry.ID | None = None,
        include_children: bool | None = False,
        search: str | None = None,
        include_inactive: bool | None = False,
        first: int | None = 50,
        after: str | None = None,
        updated_since: Annotated[
            dt.datetime | None,
            strawberry.argument(description="Only records changed after this instant."),
        ] = None,
    ) -> Connection[Person]:
        # No field of Person reads the timestamps (only the updatedSince filter, in SQL);
        # parsing two timezone-aware datetimes per row was a third of the page's ORM CPU.
        qs = (
            models.Person.objects.visible_to(info.context.scope)
            .order_by("name", "id")
            .defer("created_at", "updated_at")
        )
        if check_since(updated_since) is not None:
            qs = qs.filter(updated_at__gt=updated_since)
        qs = qs.in_departments(await department_ids(info, department, include_children))
        if not include_inactive:
            qs = qs.filter(is_active=True)
        if search and search.strip():
            term = search.strip()
            qs = qs.filter(Q(name__icontains=term) | Q(email__icontains=term))
        return await paginate(qs, first, after)

    @strawberry.field(permission_classes=AUTH, metadata=policy(items=50))
    async def departments(self, info: Info) -> list[Department]:
        tree = await info.context.department_tree()
        return list(tree.by_id.values())  # type: ignore[arg-type]

    @strawberry.field(permission_classes=AUTH, metadata=policy(items=50))
    async def roles(self, info: Info) -> list[Role]:
        return cast(list[Role], [r async for r in models.Role.objects.order_by("name", "id")])

    # 10: the estimate this list has always had (it shared Person.skills' name)
    @strawberry.field(permission_classes=AUTH, metadata=policy(items=10))
    async def skills(self, info: Info, search: str | None = None) -> list[Skill]:
        qs = models.SkillTag.objects.order_by("name", "id")
        if search and search.strip():
            qs = qs.filter(name__icontains=search.strip())
        return cast(list[Skill], [s async for s in qs])
