"""The availability calendar read set-based: for any number of people and a window, one
query for their schedules, one for the holidays of the calendars they follow and one for
their time off (each skipped when there is nothing to ask for)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple, Protocol

from django.db.models import Q, QuerySet

from core.rows import fetch_all
from people.models import Person
from people.tree import DepartmentTree
from planning.calendar import (
    Availability,
    Leave,
    Schedule,
    WeekCapacity,
    Window,
    WindowDays,
    leave_in_window,
    week_capacities,
    window_signature,
    with_leave,
)
from planning.weeks import sunday

from .models import WEEKDAYS, Holiday, TimeOff, WorkSchedule


class CalendarPerson(Protocol):
    """What the calendar reads of a person: a `people.models.Person` or a report's
    `PersonFacts`."""

    @property
    def id(self) -> int: ...
    @property
    def weekly_capacity(self) -> Decimal: ...
    @property
    def hire_date(self) -> dt.date | None: ...
    @property
    def end_date(self) -> dt.date | None: ...
    @property
    def department_id(self) -> int | None: ...
    @property
    def holiday_calendar_id(self) -> int | None: ...


class TimeOffRow(NamedTuple):
    id: int
    person_id: int
    start_date: dt.date
    end_date: dt.date
    hours_per_day: Decimal | None
    kind: str
    note: str


class AbsenceRow(NamedTuple):
    kind: str  # a time-off kind
    start_date: dt.date
    end_date: dt.date
    hours_per_day: Decimal | None
    name: str
    time_off_id: int


@dataclass(slots=True)
class Calendars:
    """The calendar of some people in a window (first Monday .. last Sunday)."""

    first: dt.date
    last: dt.date
    availability: dict[int, Availability] = field(default_factory=dict)
    calendar_of: dict[int, int | None] = field(default_factory=dict)  # person -> calendar
    holidays: dict[int, dict[dt.date, str]] = field(default_factory=dict)  # calendar -> names
    time_off: dict[int, list[TimeOffRow]] = field(default_factory=dict)  # person -> entries

    def absences(self, person_id: int) -> list[AbsenceRow]:
        """P's time off in the window, by start date. Holidays are not repeated per person:
        `holiday_lists` gives each calendar's once, `calendar_of` who follows which."""
        return [
            AbsenceRow(t.kind, t.start_date, t.end_date, t.hours_per_day, t.note, t.id)
            for t in self.time_off.get(person_id, ())
        ]

    def holiday_lists(self) -> list[tuple[int, list[tuple[dt.date, str]]]]:
        """The holidays in the window of every calendar someone here follows, by calendar
        id, each by date."""
        return [(cal, sorted(self.holidays[cal].items())) for cal in sorted(self.holidays)]

    def weeks(self, person_id: int, weeks: Sequence[dt.date]) -> list[WeekCapacity]:
        """capacity(P, W) and its parts for `weeks` (ascending Mondays in the window)."""
        return week_capacities(self.availability[person_id], weeks)

    def by_person(self, weeks: Sequence[dt.date]) -> dict[int, list[WeekCapacity]]:
        """Most people share their weeks, leave aside, with others: the same schedule in the
        window (or weekly capacity without one), the same holiday calendar, employed over
        the whole window (`planning.calendar.window_signature`). Those days are laid out
        and summed once per such group (`Window.days`), and a person's leave then removes
        hours from the days it covers (`leave_in_window`): a whole report's people
        otherwise cost several times the report without a calendar."""
        if not weeks:
            return {pid: [] for pid in self.availability}
        first, last = weeks[0], weeks[-1] + dt.timedelta(days=6)
        if (last - first).days + 1 != 7 * len(weeks):  # not one run of weeks: one by one
            return self._by_person_apart(weeks)
        window = Window(first, len(weeks))
        shared: dict[tuple, WindowDays] = {}
        result = {}
        calendar_of = self.calendar_of
        for pid, av in self.availability.items():
            key = (window_signature(av, first, last), calendar_of.get(pid))
            days = shared.get(key)
            if days is None:
                days = shared[key] = window.days(av)
            # one list for the group (read, never changed), unless leave changes some weeks
            result[pid] = leave_in_window(av.leave, days) if av.leave else days.weeks
        return result

    def _by_person_apart(self, weeks: Sequence[dt.date]) -> dict[int, list[WeekCapacity]]:
        first, last = weeks[0], weeks[-1] + dt.timedelta(days=6)
        shared: dict[tuple, list[WeekCapacity]] = {}
        result = {}
        for pid, av in self.availability.items():
            key = (window_signature(av, first, last), self.calendar_of.get(pid))
            if key not in shared:
                shared[key] = week_capacities(replace(av, leave=()), weeks)
            result[pid] = with_leave(av, weeks, shared[key])
        return result

    def in_week(self, week: dt.date) -> dict[int, WeekCapacity]:
        return {pid: weeks[0] for pid, weeks in self.by_person([week]).items()}


# Reports ask about everyone in scope: hundreds or thousands of ids. Binding that many
# parameters costs more (in Django, the driver and the planner) than the report's own
# people query as a subquery, so reports pass it (`among`); a page of people names its ids.
MAX_ID_LIST = 64


def _person_filter(ids: list[int], among: QuerySet[Person] | None) -> Q:
    if among is not None and len(ids) > MAX_ID_LIST:
        return Q(person_id__in=among.order_by().values("id"))
    return Q(person_id__in=ids)


def load_calendars(
    people: Iterable[CalendarPerson],
    first: dt.date,
    last: dt.date,
    tree: DepartmentTree,
    among: QuerySet[Person] | None = None,
) -> Calendars:
    """The calendar of `people` for the weeks first..last (Mondays): at most three queries.
    `among`: a query of people that holds them all (a report's people in scope)."""
    people = list(people)
    end = sunday(last)
    result = Calendars(first, end)
    ids = [p.id for p in people]
    wanted = set(ids)
    calendar_of = {
        p.id: p.holiday_calendar_id
        if p.holiday_calendar_id is not None
        else tree.holiday_calendar(p.department_id)
        for p in people
    }
    result.calendar_of = calendar_of
    schedules: dict[int, list[Schedule]] = defaultdict(list)
    if ids:
        rows = fetch_all(
            WorkSchedule.objects.filter(_person_filter(ids, among), effective_from__lte=end)
            .order_by()
            .values_list("person_id", "effective_from", *WEEKDAYS)
        )
        for person_id, effective_from, *hours in rows:
            if person_id in wanted:
                schedules[person_id].append(Schedule(effective_from, tuple(hours)))
    needed = {c for c in calendar_of.values() if c is not None}
    holidays: dict[int, dict[dt.date, str]] = {c: {} for c in needed}
    if needed:
        for calendar_id, date, name in Holiday.objects.filter(
            calendar_id__in=needed, date__gte=first, date__lte=end
        ).values_list("calendar_id", "date", "name"):
            holidays[calendar_id][date] = name
    result.holidays = holidays
    time_off: dict[int, list[TimeOffRow]] = defaultdict(list)
    if ids:
        for row in fetch_all(
            TimeOff.objects.filter(
                _person_filter(ids, among), start_date__lte=end, end_date__gte=first
            )
            .order_by("start_date", "end_date", "id")
            .values_list(
                "id", "person_id", "start_date", "end_date", "hours_per_day", "kind", "note"
            )
        ):
            if row[1] in wanted:
                time_off[row[1]].append(TimeOffRow(*row))
    result.time_off = time_off
    dates: dict[int | None, frozenset[dt.date]] = {
        c: frozenset(days) for c, days in holidays.items()
    }
    dates[None] = frozenset()
    leave = {
        pid: [Leave(t.start_date, t.end_date, t.hours_per_day) for t in entries]
        for pid, entries in time_off.items()
    }
    no_schedules: tuple[Schedule, ...] = ()
    no_leave: tuple[Leave, ...] = ()
    availability = result.availability
    # positional, in the field order: this runs once per person in scope
    for p in people:
        pid = p.id
        availability[pid] = Availability(
            p.weekly_capacity,
            p.hire_date,
            p.end_date,
            schedules.get(pid, no_schedules),
            dates[calendar_of[pid]],
            leave.get(pid, no_leave),
        )
    return result
