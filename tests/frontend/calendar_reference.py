"""The web-app tests' capacity: tests/reference.py's day-by-day Reference on small.json (the
dataset they run on), plus the time off a test adds on screen. One reference for every
test: this module only turns the on-screen entries into dataset rows."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from tests.reference import DATA, Reference

D = Decimal


@dataclass(frozen=True)
class Leave:
    """One time-off entry: whole days when hours_per_day is None."""

    start: str
    end: str
    hours_per_day: D | None = None


@cache
def _reference(pid: int, entries: tuple[Leave, ...]) -> Reference:
    added = [
        {
            "id": 1_000_000 + i,  # above the dataset's ids
            "personId": pid,
            "startDate": e.start,
            "endDate": e.end,
            "hoursPerDay": e.hours_per_day,
            "kind": "vacation",
            "note": "",
        }
        for i, e in enumerate(entries)
    ]
    return Reference({**DATA, "timeOff": [*DATA.get("timeOff", []), *added]})


def capacity(pid: int, week: str, entries: tuple[Leave, ...] = ()) -> D:
    return _reference(pid, entries).week(pid, dt.date.fromisoformat(week)).capacity


def time_off_hours(pid: int, week: str, entries: tuple[Leave, ...] = ()) -> D:
    return _reference(pid, entries).week(pid, dt.date.fromisoformat(week)).time_off
