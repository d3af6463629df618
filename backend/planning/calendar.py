"""Capacity from the availability calendar (docs/design.md, "Availability calendar").

Capacity is built day by day and summed per week. The arithmetic is exact in integers: a
day's hours are counted in units of 1/500 hour, because a schedule's hours are exact to
0.01 (5 units) and the default day, weeklyCapacity / 5, is exact to 0.002 hours (1 unit).
Week sums are then rounded to cents, half away from zero.

Most weeks of most people hold no event (no holiday, leave, schedule change, hire or end
date), and their capacity is the schedule's week total: only the weeks holding an event are
walked day by day, so a report costs about what it did before the calendar.
"""

import datetime as dt
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .weeks import monday

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(weeks=1)
WEEKDAY_OFFSETS = [dt.timedelta(days=i) for i in range(7)]
UNITS_PER_CENT = 5


def units(hours: Decimal) -> int:
    """Hours exact to 0.01 as units of 1/500 hour."""
    return int(hours * 500)


def units_to_cents(value: int) -> int:
    """Round a sum of units to cents, half away from zero (value >= 0: a fifth of a cent
    is never exactly one half, so there are no ties to break)."""
    return (2 * value + UNITS_PER_CENT) // (2 * UNITS_PER_CENT)


@dataclass(frozen=True, slots=True)
class Schedule:
    effective_from: dt.date
    hours: tuple[Decimal, ...]  # Monday..Sunday


@dataclass(frozen=True, slots=True)
class Leave:
    start: dt.date
    end: dt.date
    hours_per_day: Decimal | None  # None: the whole scheduled day


@dataclass(frozen=True, slots=True)
class Availability:
    """Everything capacity(P, W) reads for one person."""

    weekly_capacity: Decimal
    hire_date: dt.date | None = None
    end_date: dt.date | None = None
    schedules: Sequence[Schedule] = ()  # any order
    holidays: Collection[dt.date] = frozenset()  # of the calendar P follows
    leave: Sequence[Leave] = ()


@dataclass(frozen=True, slots=True)
class WeekCapacity:
    """One person's week, in cents. `time_off` is the leave that removed capacity (so a
    leave on a holiday counts once, as the holiday)."""

    capacity: int
    scheduled: int
    holiday: int
    time_off: int


NOT_EMPLOYED = WeekCapacity(0, 0, 0, 0)


@dataclass(slots=True)
class _Plan:
    starts: list[dt.date]  # schedule starts, ascending; date.min is the default schedule
    days: list[tuple[int, ...]]  # units per weekday of each
    plain: list[WeekCapacity] = field(default_factory=list)  # a whole week of each

    def index(self, day: dt.date) -> int:
        if len(self.starts) == 1:
            return 0
        return bisect_right(self.starts, day) - 1


def _plan(av: Availability) -> _Plan:
    default = units(av.weekly_capacity) // 5  # weekly / 5 is an exact number of units
    plan = _Plan([dt.date.min], [(default,) * 5 + (0, 0)])
    for s in sorted(av.schedules, key=lambda s: s.effective_from):
        day_units = tuple(units(h) for h in s.hours)
        if plan.starts[-1] == s.effective_from:
            plan.days[-1] = day_units
        else:
            plan.starts.append(s.effective_from)
            plan.days.append(day_units)
    for day_units in plan.days:
        total = units_to_cents(sum(day_units))
        plan.plain.append(WeekCapacity(total, total, 0, 0))
    return plan


def _event_weeks(
    av: Availability, plan: _Plan, first: dt.date, last: dt.date
) -> tuple[set[dt.date], dict[dt.date, list[int]]]:
    """The Mondays in first..last (Mondays) whose week must be walked day by day, and the
    holidays' weekdays by week (a week with nothing else in it is summed without a walk)."""
    end = last + WEEKDAY_OFFSETS[6]
    holidays: dict[dt.date, list[int]] = {}
    for d in av.holidays:
        if first <= d <= end:
            holidays.setdefault(monday(d), []).append(d.weekday())
    walk = {monday(d) for d in plan.starts[1:] if d.weekday()}  # a change mid-week
    for bound in (av.hire_date, av.end_date):
        if bound is not None:
            walk.add(monday(bound))
    for entry in av.leave:
        week = max(monday(entry.start), first)
        stop = min(entry.end, end)
        while week <= stop:
            walk.add(week)
            week += WEEK
    return walk, holidays


def _walk(av: Availability, plan: _Plan, week: dt.date) -> WeekCapacity:
    first, stop = 0, 7  # the weekdays employed
    if av.hire_date is not None and av.hire_date > week:
        first = (av.hire_date - week).days
    if av.end_date is not None and av.end_date < week + WEEKDAY_OFFSETS[6]:
        stop = (av.end_date - week).days + 1
    # One schedule for the whole week unless one starts inside it (then looked up per day).
    start = plan.index(week)
    days = plan.days[start] if start == plan.index(week + WEEKDAY_OFFSETS[6]) else None
    last = week + WEEKDAY_OFFSETS[6]
    leave_entries = [
        (e.start, e.end, None if e.hours_per_day is None else units(e.hours_per_day))
        for e in av.leave
        if e.start <= last and e.end >= week
    ]
    scheduled = holiday = leave_total = capacity = 0
    for weekday in range(first, stop):
        day = week + WEEKDAY_OFFSETS[weekday]
        hours = (days or plan.days[plan.index(day)])[weekday]
        if not hours:
            continue
        scheduled += hours
        if day in av.holidays:
            holiday += hours
            continue
        leave = 0
        for entry_start, entry_end, per_day in leave_entries:
            if entry_start <= day <= entry_end:
                leave += hours if per_day is None else per_day
        leave = min(leave, hours)
        leave_total += leave
        capacity += hours - leave
    return WeekCapacity(
        units_to_cents(capacity),
        units_to_cents(scheduled),
        units_to_cents(holiday),
        units_to_cents(leave_total),
    )


def week_capacities(av: Availability, weeks: Sequence[dt.date]) -> list[WeekCapacity]:
    """capacity(P, W) and its parts for each of `weeks` (Mondays, ascending)."""
    if not weeks:
        return []
    plan = _plan(av)
    walk, holidays = _event_weeks(av, plan, weeks[0], weeks[-1])
    hire, end = av.hire_date, av.end_date
    plain = plan.plain[0] if len(plan.starts) == 1 else None  # one schedule all along
    result = []
    for week in weeks:
        if week in walk:
            result.append(_walk(av, plan, week))
        elif (hire is not None and hire > week) or (end is not None and end < week):
            result.append(NOT_EMPLOYED)  # the whole week lies outside employment
        elif week in holidays:
            days = plan.days[plan.index(week)]
            scheduled = sum(days)
            off = sum(days[weekday] for weekday in holidays[week])
            result.append(
                WeekCapacity(
                    units_to_cents(scheduled - off),
                    units_to_cents(scheduled),
                    units_to_cents(off),
                    0,
                )
            )
        else:  # shared objects: WeekCapacity is immutable
            result.append(plain or plan.plain[plan.index(week)])
    return result


def with_leave(
    av: Availability, weeks: Sequence[dt.date], base: list[WeekCapacity]
) -> list[WeekCapacity]:
    """The weeks of `av` given `base`, the same weeks of the same person without their leave:
    only the weeks that leave touches are walked (a report's people share bases)."""
    if not av.leave or not weeks:
        return base
    first, end = weeks[0], weeks[-1] + WEEKDAY_OFFSETS[6]
    touched: set[dt.date] = set()
    for entry in av.leave:
        week = max(monday(entry.start), first)
        stop = min(entry.end, end)
        while week <= stop:
            touched.add(week)
            week += WEEK
    if not touched:
        return base
    plan = _plan(av)
    return [
        _walk(av, plan, week) if week in touched else same
        for week, same in zip(weeks, base, strict=True)
    ]
