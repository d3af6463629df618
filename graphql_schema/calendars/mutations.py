from __future__ import annotations

import datetime as dt
from typing import Annotated, cast

import strawberry

from calendars import services
from graphql_schema.context import Info
from graphql_schema.people.mutations import DeletePayload, PersonPayload
from graphql_schema.people.types import Department, Person
from graphql_schema.permissions import WRITE
from graphql_schema.services import given, run_service
from graphql_schema.validation import MAX_HOLIDAYS, bounded, parse_id

from .types import HolidayCalendar, TimeOff, TimeOffKind

CATALOGUE = "change the holiday calendars"


@strawberry.input
class CreateTimeOffInput:
    person_id: strawberry.ID
    start_date: dt.date
    end_date: dt.date = strawberry.field(description="The last day off, inclusive.")
    hours_per_day: float | None = strawberry.field(
        default=None, description="Hours off on each day, 0..24; null: whole scheduled days."
    )
    kind: TimeOffKind = TimeOffKind.VACATION
    note: str | None = strawberry.field(default=None, description="At most 500 characters.")


@strawberry.input
class UpdateTimeOffInput:
    start_date: dt.date | None = strawberry.UNSET
    end_date: dt.date | None = strawberry.UNSET
    hours_per_day: float | None = strawberry.UNSET
    kind: TimeOffKind | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


@strawberry.type
class TimeOffPayload:
    time_off: TimeOff


@strawberry.input
class CreateHolidayCalendarInput:
    name: str
    country: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2: two uppercase letters."
    )
    subdivision: str | None = strawberry.field(default=None, description="At most 10 characters.")


@strawberry.input
class HolidayInput:
    date: dt.date
    name: str


@strawberry.type
class HolidayCalendarPayload:
    holiday_calendar: HolidayCalendar


@strawberry.type
class AssignHolidayCalendarPayload:
    person: Person | None
    department: Department | None


def time_off_data(data: CreateTimeOffInput | UpdateTimeOffInput) -> dict:
    values = given(data)
    if "person_id" in values:
        values["person_id"] = parse_id(values["person_id"], "input.personId")
    if values.get("kind") is not None:
        values["kind"] = TimeOffKind(values["kind"]).value
    return values


def optional_id(value: strawberry.ID | None, field: str) -> int | None:
    return None if value is None else parse_id(value, field)


@strawberry.type
class CalendarsMutation:
    @strawberry.mutation(permission_classes=WRITE, description="Add a time-off entry.")
    async def create_time_off(self, info: Info, input: CreateTimeOffInput) -> TimeOffPayload:
        entry = await run_service(
            services.create_time_off, time_off_data(input), info.context.scope
        )
        return TimeOffPayload(time_off=cast(TimeOff, entry))

    @strawberry.mutation(permission_classes=WRITE, description="Change the given fields.")
    async def update_time_off(
        self, info: Info, id: strawberry.ID, input: UpdateTimeOffInput
    ) -> TimeOffPayload:
        entry = await run_service(
            services.update_time_off, parse_id(id, "id"), time_off_data(input), info.context.scope
        )
        return TimeOffPayload(time_off=cast(TimeOff, entry))

    @strawberry.mutation(permission_classes=WRITE)
    async def delete_time_off(self, info: Info, id: strawberry.ID) -> DeletePayload:
        time_off_id = parse_id(id, "id")
        await run_service(services.delete_time_off, time_off_id, info.context.scope)
        return DeletePayload(id=strawberry.ID(str(time_off_id)))

    @strawberry.mutation(
        permission_classes=WRITE,
        description="Set the weekly hours (Monday..Sunday) taking effect on effectiveFrom; "
        "hours null removes the schedule taking effect that day.",
    )
    async def set_work_schedule(
        self,
        info: Info,
        person_id: strawberry.ID,
        effective_from: dt.date,
        hours: Annotated[list[float] | None, bounded(7, "days")] = None,
    ) -> PersonPayload:
        person = await run_service(
            services.set_work_schedule,
            parse_id(person_id, "personId"),
            effective_from,
            hours,
            info.context.scope,
        )
        return PersonPayload(person=cast(Person, person))

    @strawberry.mutation(permission_classes=WRITE, description="Needs an unrestricted token.")
    async def create_holiday_calendar(
        self, info: Info, input: CreateHolidayCalendarInput
    ) -> HolidayCalendarPayload:
        info.context.require_unrestricted(CATALOGUE)
        calendar = await run_service(services.create_holiday_calendar, given(input))
        return HolidayCalendarPayload(holiday_calendar=cast(HolidayCalendar, calendar))

    @strawberry.mutation(
        permission_classes=WRITE,
        description="The calendar's holidays in from..to become exactly these (at most ten "
        "years). Needs an unrestricted token.",
    )
    async def set_holidays(
        self,
        info: Info,
        calendar_id: strawberry.ID,
        from_: Annotated[dt.date, strawberry.argument(name="from")],
        to: dt.date,
        holidays: Annotated[list[HolidayInput], bounded(MAX_HOLIDAYS, "holidays")],
    ) -> HolidayCalendarPayload:
        info.context.require_unrestricted(CATALOGUE)
        calendar = await run_service(
            services.set_holidays,
            parse_id(calendar_id, "calendarId"),
            from_,
            to,
            [services.HolidayEntry(h.date, h.name) for h in holidays],
        )
        return HolidayCalendarPayload(holiday_calendar=cast(HolidayCalendar, calendar))

    @strawberry.mutation(
        permission_classes=WRITE,
        description="Give exactly one of a person or a department a calendar (null: none of "
        "its own). A department needs an unrestricted token.",
    )
    async def assign_holiday_calendar(
        self,
        info: Info,
        calendar_id: strawberry.ID | None = None,
        person_id: strawberry.ID | None = None,
        department_id: strawberry.ID | None = None,
    ) -> AssignHolidayCalendarPayload:
        if department_id is not None:
            info.context.require_unrestricted("assign a holiday calendar to a department")
        assigned = await run_service(
            services.assign_holiday_calendar,
            optional_id(calendar_id, "calendarId"),
            optional_id(person_id, "personId"),
            optional_id(department_id, "departmentId"),
            info.context.scope,
        )
        return AssignHolidayCalendarPayload(
            person=cast(Person | None, assigned.person),
            department=cast(Department | None, assigned.department),
        )
