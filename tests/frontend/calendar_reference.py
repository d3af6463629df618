"""capacity(P, W) as docs/design.md's "Availability calendar" defines it, day by day, for the
dataset the web-app tests run on (small.json): it has no work schedules and no holiday
calendars, so a person's scheduled day is weeklyCapacity/5 Monday to Friday and 0 at the
weekend; the time off comes from the test itself (what the planner adds on the screen).
Computed from the dataset file, never from the code under test."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tests.reference import DATA, PEOPLE

D = Decimal
CENT = D("0.01")

# What the dataset would need for anything more than the rule above: these tests do not
# compute holidays or schedules, so they must not meet any.
assert not {"holidayCalendars", "workSchedules", "timeOff"} & DATA.keys()


@dataclass(frozen=True)
class Leave:
    """One time-off entry: whole days when hours_per_day is None."""

    start: str
    end: str
    hours_per_day: D | None = None

    def covers(self, day: dt.date) -> bool:
        return dt.date.fromisoformat(self.start) <= day <= dt.date.fromisoformat(self.end)


def employed(pid: int, day: dt.date) -> bool:
    p = PEOPLE[pid]
    hire, end = p["hireDate"], p.get("endDate")
    return (hire is None or day >= dt.date.fromisoformat(hire)) and (
        end is None or day <= dt.date.fromisoformat(end)
    )


def scheduled(pid: int, day: dt.date) -> D:
    return D(str(PEOPLE[pid]["weeklyCapacity"])) / 5 if day.weekday() < 5 else D(0)


def leave(pid: int, day: dt.date, entries: tuple[Leave, ...]) -> D:
    full = scheduled(pid, day)
    taken = sum(
        (full if e.hours_per_day is None else e.hours_per_day for e in entries if e.covers(day)),
        D(0),
    )
    return min(taken, full)


def days(week: str) -> list[dt.date]:
    monday = dt.date.fromisoformat(week)
    assert monday.weekday() == 0, week
    return [monday + dt.timedelta(days=i) for i in range(7)]


def cents(value: D) -> D:
    return value.quantize(CENT, ROUND_HALF_UP)


def capacity(pid: int, week: str, entries: tuple[Leave, ...] = ()) -> D:
    return cents(
        sum(
            (scheduled(pid, d) - leave(pid, d, entries) for d in days(week) if employed(pid, d)),
            D(0),
        )
    )


def time_off_hours(pid: int, week: str, entries: tuple[Leave, ...] = ()) -> D:
    return cents(sum((leave(pid, d, entries) for d in days(week) if employed(pid, d)), D(0)))
