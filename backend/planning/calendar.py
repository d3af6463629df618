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


@dataclass(slots=True)
class Availability:
    """Everything capacity(P, W) reads for one person (read, never changed; not frozen: a
    report makes one per person in scope, and a frozen dataclass's __init__ costs 3x)."""

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


NEVER_EMPLOYED = ("not employed in the window",)


def window_signature(av: Availability, first: dt.date, last: dt.date) -> tuple:
    """What a person's weeks first..last (a Monday, a Sunday) depend on, leave and holidays
    aside: people with equal signatures (and one holiday calendar) have the same weeks
    without leave. Only the schedule in effect on `first` and those starting inside the
    window count (so two people on one pattern since different dates are alike), the
    weekly capacity only when no schedule is in effect on `first`, and a hire or end date
    only inside or after the window (before it, it changes nothing). Someone employed on
    none of the window's days (hired after it, or gone before it) has no capacity in it
    whatever their schedule: all such people share one signature (`NEVER_EMPLOYED`)."""
    hire, end = av.hire_date, av.end_date
    if (hire is not None and hire > last) or (end is not None and end < first):
        return NEVER_EMPLOYED
    if not av.schedules:  # most people: their weekly capacity all along
        return (
            av.weekly_capacity,
            None,
            (),
            hire if hire is not None and hire > first else None,
            end if end is not None and end < last else None,
        )
    current: tuple[Decimal, ...] | None = None
    changes: list[tuple[dt.date, tuple[Decimal, ...]]] = []
    for s in sorted(av.schedules, key=lambda s: s.effective_from):
        if s.effective_from <= first:
            current = s.hours
        elif s.effective_from <= last:
            if changes and changes[-1][0] == s.effective_from:
                changes[-1] = (s.effective_from, s.hours)
            else:
                changes.append((s.effective_from, s.hours))
    return (
        av.weekly_capacity if current is None else None,
        current,
        tuple(changes),
        hire if hire is not None and hire > first else None,
        end if end is not None and end < last else None,
    )


class LeaveWeeks(list[WeekCapacity]):
    """A person's weeks that differ from `base` (the same weeks without their leave, shared
    with people alike) at most at the indices `changed` (ascending): what a report needs to
    build this person's maps from the shared ones instead of from scratch."""

    __slots__ = ("base", "changed")

    def __init__(
        self, weeks: list[WeekCapacity], base: list[WeekCapacity], changed: list[int]
    ) -> None:
        super().__init__(weeks)
        self.base = base
        self.changed = changed


def with_leave(
    av: Availability, weeks: Sequence[dt.date], base: list[WeekCapacity]
) -> list[WeekCapacity]:
    """The weeks of `av` given `base`, the same weeks of the same person without their leave:
    only the weeks that leave touches are walked (a report's people share bases). Returns
    `base` itself when leave touches none of them, else a `LeaveWeeks`."""
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
    result = list(base)
    changed = []
    for i, week in enumerate(weeks):
        if week in touched:
            result[i] = _walk(av, plan, week)
            changed.append(i)
    return LeaveWeeks(result, base, changed)


@dataclass(frozen=True, slots=True)
class WindowDays:
    """The days of a window (a Monday and 7 * len(weeks) days on) for people alike
    (`window_signature` and one holiday calendar), leave aside: `worked[i]` is day i's
    scheduled units if employed and not a holiday, else 0; `worked_weeks` their sums per
    week; `weeks` each week without leave."""

    first: dt.date
    worked: list[int]
    worked_weeks: list[int]
    weeks: list[WeekCapacity]


def _week(scheduled: Sequence[int], worked: Sequence[int]) -> tuple[int, WeekCapacity]:
    total, done = sum(scheduled), sum(worked)
    if not total:
        return 0, NOT_EMPLOYED
    return done, WeekCapacity(
        units_to_cents(done), units_to_cents(total), units_to_cents(total - done), 0
    )


class Window:
    """A window of `count` weeks from the Monday `first`, and what people alike share in it:
    each (weekday units, holidays) pattern laid over the whole window, summed per week once
    (`pattern`), and each signature's days cut from those (`days`)."""

    def __init__(self, first: dt.date, count: int) -> None:
        self.first, self.count = first, count
        self.last = first + dt.timedelta(days=7 * count - 1)
        self.patterns: dict[tuple, tuple[list[int], list[int], list[int], list[WeekCapacity]]]
        self.patterns = {}

    def pattern(
        self, day_units: tuple[int, ...], holidays: Collection[dt.date]
    ) -> tuple[list[int], list[int], list[int], list[WeekCapacity]]:
        """Scheduled and worked units per day, worked units per week and the weeks, of
        someone on `day_units` all window long, following `holidays`."""
        key = (day_units, holidays if isinstance(holidays, frozenset) else frozenset(holidays))
        found = self.patterns.get(key)
        if found is not None:
            return found
        first, n = self.first, 7 * self.count
        scheduled = list(day_units) * self.count  # day i is weekday i % 7
        worked = scheduled.copy()
        off = set()
        for day in holidays:
            if first <= day <= self.last:
                i = (day - first).days
                worked[i] = 0
                off.add(i // 7)
        plain_week = _week(day_units, day_units)
        worked_weeks, weeks = [], []
        for w, i in enumerate(range(0, n, 7)):
            done, week = _week(scheduled[i : i + 7], worked[i : i + 7]) if w in off else plain_week
            worked_weeks.append(done)
            weeks.append(week)
        found = self.patterns[key] = (scheduled, worked, worked_weeks, weeks)
        return found

    def days(self, av: Availability) -> WindowDays:
        """`av`'s days in the window, leave aside: each schedule's pattern over the days it
        is in effect, the days outside employment cleared; weeks wholly inside one schedule
        and employment are the pattern's own, the others summed from the days (the
        definitions of `_walk`, for every day at once)."""
        first, last, n = self.first, self.last, 7 * self.count
        lo = 0 if av.hire_date is None else min(max((av.hire_date - first).days, 0), n)
        hi = n if av.end_date is None else min(max((av.end_date - first).days + 1, 0), n)
        if lo >= hi:  # employed on none of the days
            return WindowDays(first, [0] * n, [0] * self.count, [NOT_EMPLOYED] * self.count)
        plan = _plan(av)
        scheduled: list[int] = []
        worked: list[int] = []
        worked_weeks = [0] * self.count
        weeks: list[WeekCapacity | None] = [None] * self.count
        for k, start in enumerate(plan.starts):
            stop = plan.starts[k + 1] - DAY if k + 1 < len(plan.starts) else last
            if stop < first or start > last:
                continue
            a = max((start - first).days, 0)
            b = min((stop - first).days, n - 1) + 1
            p_scheduled, p_worked, p_worked_weeks, p_weeks = self.pattern(plan.days[k], av.holidays)
            scheduled += p_scheduled[a:b]
            worked += p_worked[a:b]
            # the weeks wholly inside this schedule and employment
            wa, wb = -(-max(a, lo) // 7), min(b, hi) // 7
            if wa < wb:
                weeks[wa:wb] = p_weeks[wa:wb]
                worked_weeks[wa:wb] = p_worked_weeks[wa:wb]
        if lo or hi < n:
            scheduled[:lo] = worked[:lo] = [0] * lo
            scheduled[hi:] = worked[hi:] = [0] * (n - hi)
        done_weeks: list[WeekCapacity] = []
        for w, week in enumerate(weeks):
            if week is None:
                i = 7 * w
                worked_weeks[w], week = _week(scheduled[i : i + 7], worked[i : i + 7])
            done_weeks.append(week)
        return WindowDays(first, worked, worked_weeks, done_weeks)


def leave_in_window(leave: Sequence[Leave], days: WindowDays) -> list[WeekCapacity]:
    """The weeks of `days` less one person's `leave`: a day's leave (the whole scheduled day,
    or its hours per day; entries add up) removes at most its worked units, and only the
    weeks where some was removed change (`LeaveWeeks`; `days.weeks` itself if none)."""
    worked, first, n = days.worked, days.first, len(days.worked)
    taken: dict[int, int] = {}
    for entry in leave:
        per_day = None if entry.hours_per_day is None else units(entry.hours_per_day)
        for i in range(
            max((entry.start - first).days, 0), min((entry.end - first).days, n - 1) + 1
        ):
            hours = worked[i]
            if hours:
                taken[i] = taken.get(i, 0) + (hours if per_day is None else per_day)
    off_by_week: dict[int, int] = {}
    for i, total in taken.items():
        off = min(total, worked[i])
        if off:
            off_by_week[i // 7] = off_by_week.get(i // 7, 0) + off
    if not off_by_week:
        return days.weeks
    result = list(days.weeks)
    changed = sorted(off_by_week)
    for w in changed:
        off, same = off_by_week[w], days.weeks[w]
        result[w] = WeekCapacity(
            units_to_cents(days.worked_weeks[w] - off),
            same.scheduled,
            same.holiday,
            units_to_cents(off),
        )
    return LeaveWeeks(result, days.weeks, changed)
