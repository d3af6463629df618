import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

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
