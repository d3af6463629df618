from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from calendars import models
from graphql_schema.context import Info
from graphql_schema.loaders import Span
from graphql_schema.policy import policy
from graphql_schema.validation import FromArg, ToArg, date_window

if TYPE_CHECKING:
    from graphql_schema.people.types import Person

PersonRef = Annotated["Person", strawberry.lazy("graphql_schema.people.types")]

TimeOffKind = models.TimeOff.Kind
strawberry.enum(TimeOffKind, name="TimeOffKind")


@strawberry.type(description="A day of a holiday calendar: no one following it works that day.")
class Holiday:
    date: dt.date
    name: str


@strawberry.type(
    description="A shared catalogue entry; people follow their own or their department's."
)
class HolidayCalendar:
    id: strawberry.ID
    name: str
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2, e.g. DE.")
    subdivision: str | None = strawberry.field(description="ISO 3166-2 suffix, e.g. BY.")

    @strawberry.field(
        metadata=policy(items=20), description="Holidays by date, within from..to when given."
    )
    async def holidays(
        self,
        root: strawberry.Parent[models.HolidayCalendar],
        info: Info,
        from_: FromArg = None,
        to: ToArg = None,
    ) -> list[Holiday]:
        first, last = date_window(from_, to)
        rows = await info.context.loaders.holidays_by_calendar.load(Span(root.id, first, last))
        return cast(list[Holiday], rows)


@strawberry.type(description="Hours per weekday from effectiveFrom until the next schedule.")
class WorkSchedule:
    id: strawberry.ID
    effective_from: dt.date

    @strawberry.field(description="Monday..Sunday.")
    def hours(self, root: strawberry.Parent[models.WorkSchedule]) -> list[float]:
        return [float(h) for h in root.hours]

    @strawberry.field
    def weekly_hours(self, root: strawberry.Parent[models.WorkSchedule]) -> float:
        return float(sum(root.hours))


@strawberry.type(description="Leave: whole days (hoursPerDay null) or some hours on each day.")
class TimeOff:
    id: strawberry.ID
    start_date: dt.date
    end_date: dt.date
    hours_per_day: float | None = strawberry.field(description="Null: whole scheduled days.")
    kind: TimeOffKind
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @strawberry.field
    async def person(self, root: strawberry.Parent[models.TimeOff], info: Info) -> PersonRef:
        person = await info.context.loaders.person_by_id.load(root.person_id)
        return cast("Person", person)
