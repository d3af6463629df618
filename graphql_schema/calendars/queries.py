from __future__ import annotations

from typing import cast

import strawberry

from calendars import models
from graphql_schema.context import Info
from graphql_schema.errors import NotFound
from graphql_schema.permissions import AUTH
from graphql_schema.policy import policy
from graphql_schema.validation import parse_id

from .types import HolidayCalendar


@strawberry.type
class CalendarsQuery:
    @strawberry.field(
        permission_classes=AUTH,
        metadata=policy(items=20),
        description="The shared catalogue of holiday calendars, by name.",
    )
    async def holiday_calendars(self, info: Info) -> list[HolidayCalendar]:
        rows = [c async for c in models.HolidayCalendar.objects.order_by("name", "id")]
        return cast(list[HolidayCalendar], rows)

    @strawberry.field(permission_classes=AUTH)
    async def holiday_calendar(self, info: Info, id: strawberry.ID) -> HolidayCalendar | None:
        calendar = await info.context.loaders.holiday_calendar_by_id.load(parse_id(id, "id"))
        if calendar is None:
            raise NotFound(f"Holiday calendar {id} not found", field="id")
        return cast(HolidayCalendar, calendar)
