"""Writes to the availability calendar, each in one transaction that bumps the data version
(every capacity figure reads these rows, so no cached answer may outlive a change).

Time off and schedules belong to a person: a department-restricted viewer edits them only
for its people, and anyone else's are NOT_FOUND, as the person is. Holiday calendars are a
shared catalogue: the GraphQL edge refuses restricted viewers before these run
(Context.require_unrestricted), except for giving one of its own people a calendar.
"""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import IntegrityError, transaction

from accounts.access import Scope
from changes import log
from core.dataversion import write_transaction
from core.errors import Denied, InvalidInput, Missing
from core.text import CONTROL
from people.models import Department, Person
from people.services import clean_name, visible_person
from planning.hours import LAST_DAY, parse_amount

from .models import WEEKDAYS, Holiday, HolidayCalendar, TimeOff, WorkSchedule

MAX_DAY_HOURS = Decimal(24)
MAX_TIME_OFF_DAYS = 366 * 5
MAX_NOTE = 500
MAX_HOLIDAY_RANGE_DAYS = 3653  # ten years, leap days included
MAX_SUBDIVISION = 10
COUNTRY = re.compile(r"[A-Z]{2}")
TIME_OFF_FIELDS = ("person_id", "start_date", "end_date", "hours_per_day", "kind", "note")
SCHEDULE_FIELDS = ("person_id", "effective_from", *WEEKDAYS)
CALENDAR_FIELDS = ("name", "country", "subdivision")


def check_day(value: dt.date, field: str) -> dt.date:
    """A date whose week ends by 9999-12-31: every capacity window is whole weeks."""
    if value > LAST_DAY:
        raise InvalidInput(
            f"{field} must be on or before {LAST_DAY.isoformat()}, got {value.isoformat()}",
            field,
        )
    return value


# --- time off ------------------------------------------------------------------------------


def clean_note(value: Any, field: str) -> str:
    if value is None:
        return ""
    value = str(value).strip()
    if len(value) > MAX_NOTE:
        raise InvalidInput(f"{field} must be at most {MAX_NOTE} characters", field)
    if CONTROL.search(value):  # the edge refuses these first; a service has callers besides it
        raise InvalidInput(f"{field} contains a control character", field)
    return value


def _apply_time_off(entry: TimeOff, data: Mapping[str, Any]) -> None:
    for key, name in (("start_date", "startDate"), ("end_date", "endDate"), ("kind", "kind")):
        if key in data:
            if data[key] is None:
                raise InvalidInput(f"input.{name} must not be null", f"input.{name}")
            setattr(entry, key, data[key])
    check_day(entry.start_date, "input.startDate")
    check_day(entry.end_date, "input.endDate")
    if entry.end_date < entry.start_date:
        raise InvalidInput("endDate must be on or after startDate", "input.endDate")
    days = (entry.end_date - entry.start_date).days + 1
    if days > MAX_TIME_OFF_DAYS:
        raise InvalidInput(
            f"A time-off entry spans at most {MAX_TIME_OFF_DAYS} days, got {days}",
            "input.endDate",
        )
    if "hours_per_day" in data:
        value = data["hours_per_day"]
        entry.hours_per_day = (
            None if value is None else parse_amount(value, "input.hoursPerDay", MAX_DAY_HOURS)
        )
    if "note" in data:
        entry.note = clean_note(data["note"], "input.note")


def visible_time_off(time_off_id: int, scope: Scope) -> TimeOff:
    # With its person: the change log scopes the entry by the person's department.
    qs = TimeOff.objects.visible_to(scope).select_related("person")
    try:
        return qs.select_for_update(of=("self",)).get(pk=time_off_id)
    except TimeOff.DoesNotExist:
        raise Missing(f"Time off {time_off_id} not found", "id") from None


@write_transaction
def create_time_off(data: Mapping[str, Any], scope: Scope) -> TimeOff:
    person = visible_person(data["person_id"], scope, "input.personId")
    entry = TimeOff(person=person, kind=TimeOff.Kind.VACATION)
    _apply_time_off(entry, data)
    entry.save()
    fields = log.created(log.snapshot(entry, TIME_OFF_FIELDS))
    log.append_one(log.TIME_OFF, entry.pk, log.CREATE, fields, person.department_id)
    return entry


@write_transaction
def update_time_off(time_off_id: int, data: Mapping[str, Any], scope: Scope) -> TimeOff:
    entry = visible_time_off(time_off_id, scope)
    before = log.snapshot(entry, TIME_OFF_FIELDS)
    _apply_time_off(entry, data)
    entry.save()
    fields = log.diff(before, log.snapshot(entry, TIME_OFF_FIELDS))
    if fields:
        log.append_one(log.TIME_OFF, entry.pk, log.UPDATE, fields, entry.person.department_id)
    return entry


@write_transaction
def delete_time_off(time_off_id: int, scope: Scope) -> None:
    entry = visible_time_off(time_off_id, scope)
    before = log.snapshot(entry, TIME_OFF_FIELDS)
    entry.delete()
    fields = log.deleted(before)
    log.append_one(log.TIME_OFF, time_off_id, log.DELETE, fields, entry.person.department_id)


# --- work schedules ------------------------------------------------------------------------


@write_transaction
def set_work_schedule(
    person_id: int, effective_from: dt.date, hours: Sequence[Any] | None, scope: Scope
) -> Person:
    """Upsert the schedule taking effect on `effective_from`; hours None removes it."""
    person = visible_person(person_id, scope, "personId", lock=True)
    check_day(effective_from, "effectiveFrom")
    # The person's row lock serializes writes to its schedules: no second lock needed.
    schedule = WorkSchedule.objects.filter(person=person, effective_from=effective_from).first()
    if hours is None:
        if schedule is None:
            raise Missing(
                f"Person {person_id} has no schedule effective from {effective_from.isoformat()}",
                "effectiveFrom",
            )
        schedule_id, before = schedule.pk, log.snapshot(schedule, SCHEDULE_FIELDS)
        schedule.delete()
        fields = log.deleted(before)
        log.append_one(log.WORK_SCHEDULE, schedule_id, log.DELETE, fields, person.department_id)
        return person
    if len(hours) != len(WEEKDAYS):
        raise InvalidInput(f"hours must hold 7 numbers (Monday..Sunday), got {len(hours)}", "hours")
    values = {
        day: parse_amount(value, f"hours.{i}", MAX_DAY_HOURS)
        for i, (day, value) in enumerate(zip(WEEKDAYS, hours, strict=True))
    }
    if schedule is None:
        schedule = WorkSchedule(person=person, effective_from=effective_from, **values)
        schedule.save()
        fields = log.created(log.snapshot(schedule, SCHEDULE_FIELDS))
        log.append_one(log.WORK_SCHEDULE, schedule.pk, log.CREATE, fields, person.department_id)
        return person
    before = log.snapshot(schedule, SCHEDULE_FIELDS)
    for day, value in values.items():
        setattr(schedule, day, value)
    schedule.save()
    fields = log.diff(before, log.snapshot(schedule, SCHEDULE_FIELDS))
    if fields:
        log.append_one(log.WORK_SCHEDULE, schedule.pk, log.UPDATE, fields, person.department_id)
    return person


# --- holiday calendars ---------------------------------------------------------------------


def clean_country(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not COUNTRY.fullmatch(value):
        raise InvalidInput(
            f"input.country must be two uppercase letters (ISO 3166-1 alpha-2), got {value!r}",
            "input.country",
        )
    return value


def clean_subdivision(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if len(value) > MAX_SUBDIVISION:
        raise InvalidInput(
            f"input.subdivision must be at most {MAX_SUBDIVISION} characters",
            "input.subdivision",
        )
    return value


@write_transaction
def create_holiday_calendar(data: Mapping[str, Any]) -> HolidayCalendar:
    name = clean_name(data.get("name"), "input.name")
    taken = InvalidInput(f"A holiday calendar named {name} exists", "input.name")
    # Compared in Python: SQLite's lower() folds ASCII only, the constraint would miss "É".
    if any(
        n.casefold() == name.casefold()
        for n in HolidayCalendar.objects.values_list("name", flat=True)
    ):
        raise taken
    calendar = HolidayCalendar(
        name=name,
        country=clean_country(data.get("country")),
        subdivision=clean_subdivision(data.get("subdivision")),
    )
    try:
        with transaction.atomic():  # a concurrent create of the same name
            calendar.save()
    except IntegrityError:
        raise taken from None
    fields = log.created(log.snapshot(calendar, CALENDAR_FIELDS))
    log.append_one(log.HOLIDAY_CALENDAR, calendar.pk, log.CREATE, fields)
    return calendar


def get_calendar(calendar_id: int, field: str = "calendarId") -> HolidayCalendar:
    try:
        return HolidayCalendar.objects.get(pk=calendar_id)
    except HolidayCalendar.DoesNotExist:
        raise Missing(f"Holiday calendar {calendar_id} not found", field) from None


@dataclass(frozen=True)
class HolidayEntry:
    date: dt.date
    name: str


@write_transaction
def set_holidays(
    calendar_id: int, first: dt.date, last: dt.date, entries: Sequence[HolidayEntry]
) -> HolidayCalendar:
    """The calendar's holidays in first..last become exactly `entries`."""
    calendar = HolidayCalendar.objects.select_for_update().filter(pk=calendar_id).first()
    if calendar is None:
        raise Missing(f"Holiday calendar {calendar_id} not found", "calendarId")
    if last < first:
        raise InvalidInput("to must be on or after from", "to")
    days = (last - first).days + 1
    if days > MAX_HOLIDAY_RANGE_DAYS:
        raise InvalidInput(
            f"from..to spans at most {MAX_HOLIDAY_RANGE_DAYS} days (ten years), got {days}", "to"
        )
    seen: set[dt.date] = set()
    rows = []
    for i, entry in enumerate(entries):
        field = f"holidays.{i}.date"
        if not first <= entry.date <= last:
            raise InvalidInput(
                f"{field} {entry.date.isoformat()} is outside "
                f"{first.isoformat()}..{last.isoformat()}",
                field,
            )
        if entry.date in seen:
            raise InvalidInput(f"{field} {entry.date.isoformat()} is listed twice", field)
        seen.add(entry.date)
        name = clean_name(entry.name, f"holidays.{i}.name")
        rows.append(Holiday(calendar=calendar, date=entry.date, name=name))
    window = Holiday.objects.filter(calendar=calendar, date__gte=first, date__lte=last)
    before = {day.isoformat(): name for day, name in window.values_list("date", "name")}
    window.delete()
    Holiday.objects.bulk_create(rows)
    calendar.save(update_fields=["updated_at"])
    # One row for the calendar, with the dates whose holiday changed (null: none).
    changed = log.map_diff(before, {h.date.isoformat(): h.name for h in rows})
    if changed:
        log.append_one(log.HOLIDAY_CALENDAR, calendar.pk, log.UPDATE, {"holidays": changed})
    return calendar


@dataclass(frozen=True)
class Assigned:
    person: Person | None = None
    department: Department | None = None


@write_transaction
def assign_holiday_calendar(
    calendar_id: int | None, person_id: int | None, department_id: int | None, scope: Scope
) -> Assigned:
    """Give a person or a department a calendar (None: none of its own)."""
    if (person_id is None) == (department_id is None):
        raise InvalidInput("Give exactly one of personId and departmentId", "personId")
    calendar = None if calendar_id is None else get_calendar(calendar_id)
    if department_id is None:
        person = visible_person(cast(int, person_id), scope, "personId", lock=True)
        before = person.holiday_calendar_id
        person.holiday_calendar = calendar
        person.save(update_fields=["holiday_calendar", "updated_at"])
        if before != person.holiday_calendar_id:
            fields = {"holidayCalendarId": {"before": before, "after": calendar_id}}
            log.append_one(log.PERSON, person.pk, log.UPDATE, fields, person.department_id)
        return Assigned(person=person)
    if scope.restricted:  # the edge refuses first (Context.require_unrestricted)
        raise Denied(
            "A department-restricted viewer cannot assign a holiday calendar to a department",
            "departmentId",
        )
    department = Department.objects.select_for_update().filter(pk=department_id).first()
    if department is None:
        raise Missing(f"Department {department_id} not found", "departmentId")
    before = department.holiday_calendar_id
    department.holiday_calendar = calendar
    department.save(update_fields=["holiday_calendar"])
    if before != department.holiday_calendar_id:
        fields = {"holidayCalendarId": {"before": before, "after": calendar_id}}
        log.append_one(log.DEPARTMENT, department.pk, log.UPDATE, fields)
    return Assigned(department=department)
