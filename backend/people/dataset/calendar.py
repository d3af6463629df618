"""The availability calendar of a `capgraph-dataset/2` file: holiday calendars and their
holidays, people's end dates, calendars and work schedules, and time off.

Every key is optional, so a /1 file reads as a /2 file with no calendar.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from calendars.models import WEEKDAYS, Holiday, HolidayCalendar, TimeOff, WorkSchedule

from .fields import (
    DatasetError,
    Reader,
    amount,
    date,
    ids,
    need,
    optional_text,
    ref,
    required_date,
    text,
)

MAX_DAY = Decimal(24)
COUNTRY = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2


def calendars(reader: Reader, out: dict[type, list[Any]]) -> set[int]:
    """Holiday calendars and their holidays; the ids of the calendars."""
    calendar_ids: set[int] = set()
    names: set[str] = set()
    for where, row in reader.records("holidayCalendars"):
        pk = ids(where, row, calendar_ids)
        name = text(row, "name", where, 200)
        if name.casefold() in names:
            raise DatasetError(f"{where}: calendar name {name!r} repeats another ignoring case")
        names.add(name.casefold())
        country = optional_text(row, "country", where, 2)
        if country and not COUNTRY.fullmatch(country):
            raise DatasetError(
                f"{where}: country must be an ISO 3166 code like 'GB', got {country!r}"
            )
        subdivision = optional_text(row, "subdivision", where, 10)
        out[HolidayCalendar].append(
            HolidayCalendar(
                id=pk, name=name, country=country or None, subdivision=subdivision or None
            )
        )

    seen: set[tuple[int, dt.date]] = set()
    for where, row in reader.records("holidays"):
        calendar_id = ref(row, "calendarId", where, calendar_ids, "holiday calendar", False)
        day = required_date(row, "date", where)
        if (calendar_id, day) in seen:
            raise DatasetError(f"{where}: calendar {calendar_id} already has a holiday on {day}")
        seen.add((calendar_id, day))
        out[Holiday].append(
            Holiday(calendar_id=calendar_id, date=day, name=text(row, "name", where, 200))
        )
    return calendar_ids


def calendar_of(row: dict[str, Any], where: str, calendar_ids: set[int]) -> int | None:
    """A department's or person's own holiday calendar (null: none of its own)."""
    if "holidayCalendarId" not in row:
        return None
    return ref(row, "holidayCalendarId", where, calendar_ids, "holiday calendar", True)


def end_date(row: dict[str, Any], where: str, hire_date: dt.date | None) -> dt.date | None:
    end = date(row, "endDate", where) if "endDate" in row else None
    if end is not None and hire_date is not None and end < hire_date:
        raise DatasetError(f"{where}: endDate {end} is before hireDate {hire_date}")
    return end


def schedules(row: dict[str, Any], where: str, out: dict[type, list[Any]]) -> None:
    if "schedules" not in row:
        return
    seen: set[dt.date] = set()
    for j, schedule in enumerate(need(row, "schedules", where, list)):
        swhere = f"{where}.schedules[{j}]"
        if not isinstance(schedule, dict):
            raise DatasetError(f"{swhere}: must be an object")
        effective = required_date(schedule, "effectiveFrom", swhere)
        if effective in seen:
            raise DatasetError(f"{swhere}: another schedule is effective from {effective}")
        seen.add(effective)
        hours = need(schedule, "hours", swhere, list)
        if len(hours) != len(WEEKDAYS):
            raise DatasetError(
                f"{swhere}: hours must list 7 numbers (Monday to Sunday), got {len(hours)}"
            )
        days = {
            day: amount(value, f"hours[{k}]", swhere, MAX_DAY)
            for k, (day, value) in enumerate(zip(WEEKDAYS, hours, strict=True))
        }
        out[WorkSchedule].append(
            WorkSchedule(person_id=row["id"], effective_from=effective, **days)
        )


def time_off(reader: Reader, out: dict[type, list[Any]], person_ids: set[int]) -> None:
    seen: set[int] = set()
    for where, row in reader.records("timeOff"):
        pk = ids(where, row, seen)
        person_id = ref(row, "personId", where, person_ids, "person", False)
        start = required_date(row, "startDate", where)
        end = required_date(row, "endDate", where)
        if end < start:
            raise DatasetError(f"{where}: endDate {end} is before startDate")
        per_day = row.get("hoursPerDay")
        kind = need(row, "kind", where, str)
        if kind not in TimeOff.Kind.values:
            raise DatasetError(f"{where}: unknown kind {kind!r}")
        note = optional_text(row, "note", where, 500)
        out[TimeOff].append(
            TimeOff(
                id=pk,
                person_id=person_id,
                start_date=start,
                end_date=end,
                hours_per_day=None
                if per_day is None
                else amount(per_day, "hoursPerDay", where, MAX_DAY),
                kind=kind,
                note=note or "",
            )
        )
