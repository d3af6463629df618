import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from calendars.models import Holiday, HolidayCalendar, TimeOff, WorkSchedule
from calendars.selectors import load_calendars
from planning.calendar import WeekCapacity
from planning.weeks import week_keys

from .base import SyncBatchLoader


class CapacityKey(NamedTuple):
    """A person's window; the key carries what the calendar reads of the person, so the batch
    needs no query for the people themselves."""

    id: int
    weekly_capacity: Decimal
    hire_date: dt.date | None
    end_date: dt.date | None
    department_id: int | None
    holiday_calendar_id: int | None
    first: dt.date
    weeks: int


class CapacityByPersonWindowLoader(SyncBatchLoader[CapacityKey, list[WeekCapacity]]):
    """capacity(P, W) and its parts for every window asked in one tick: the calendar of all
    those people over the combined range, in at most three queries (and the request's
    department tree, shared with every other resolver)."""

    needs_tree = True

    def load_batch(self, keys: Sequence[CapacityKey]) -> dict[CapacityKey, list[WeekCapacity]]:
        people = {k.id: k for k in keys}
        first = min(k.first for k in keys)
        last = max(k.first + dt.timedelta(weeks=k.weeks - 1) for k in keys)
        calendars = load_calendars(people.values(), first, last, self.tree)
        return {k: calendars.weeks(k.id, week_keys(k.first, k.weeks)) for k in keys}


class HolidayCalendarByIdLoader(SyncBatchLoader[int, HolidayCalendar | None]):
    """Calendars are a shared catalogue: every viewer may read every one."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, HolidayCalendar]:
        return HolidayCalendar.objects.in_bulk(keys)


class Span(NamedTuple):
    """An owner's rows overlapping first..last (None: unbounded on that side)."""

    owner: int
    first: dt.date | None
    last: dt.date | None

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return (self.first is None or end >= self.first) and (
            self.last is None or start <= self.last
        )


def union_filter(keys: Sequence[Span], start: str, end: str) -> dict[str, dt.date]:
    """The one range covering every key's window, as ORM lookups (the keys are then
    filtered in Python, so a batch stays one query whatever windows it mixes)."""
    lookups: dict[str, dt.date] = {}
    if all(k.last is not None for k in keys):
        lookups[f"{start}__lte"] = max(k.last for k in keys if k.last is not None)
    if all(k.first is not None for k in keys):
        lookups[f"{end}__gte"] = min(k.first for k in keys if k.first is not None)
    return lookups


class HolidaysByCalendarLoader(SyncBatchLoader[Span, list[Holiday]]):
    def load_batch(self, keys: Sequence[Span]) -> dict[Span, list[Holiday]]:
        rows = list(
            Holiday.objects.filter(
                calendar_id__in={k.owner for k in keys}, **union_filter(keys, "date", "date")
            ).order_by("date", "id")
        )
        return {
            key: [h for h in rows if h.calendar_id == key.owner and key.overlaps(h.date, h.date)]
            for key in keys
        }

    def default(self) -> list[Holiday]:
        return []


class SchedulesByPersonLoader(SyncBatchLoader[int, list[WorkSchedule]]):
    """Visible people's schedules only: a restricted viewer reads no one else's rows, even
    if some path led it to such a person."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, list[WorkSchedule]]:
        result: dict[int, list[WorkSchedule]] = defaultdict(list)
        rows = (
            WorkSchedule.objects.visible_to(self.context.scope)
            .filter(person_id__in=keys)
            .order_by("person_id", "effective_from")
        )
        for row in rows:
            result[row.person_id].append(row)
        return result

    def default(self) -> list[WorkSchedule]:
        return []


class TimeOffByPersonLoader(SyncBatchLoader[Span, list[TimeOff]]):
    """A person's time off overlapping a window, ordered start, end, id; visible people only."""

    def load_batch(self, keys: Sequence[Span]) -> dict[Span, list[TimeOff]]:
        rows = list(
            TimeOff.objects.visible_to(self.context.scope)
            .filter(person_id__in={k.owner for k in keys})
            .filter(**union_filter(keys, "start_date", "end_date"))
            .order_by("start_date", "end_date", "id")
        )
        return {
            key: [
                t
                for t in rows
                if t.person_id == key.owner and key.overlaps(t.start_date, t.end_date)
            ]
            for key in keys
        }

    def default(self) -> list[TimeOff]:
        return []
