"""Load arithmetic for one person and one week (docs/design.md, "Computed values"); the
capacity it starts from is the availability calendar's (planning.calendar).

Hours and capacities are Decimals exact to 0.01; rounding is half away from zero.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .calendar import WeekCapacity
from .weeks import monday

ZERO = Decimal(0)
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def round_half_away(value: Decimal, places: Decimal = ONE_DECIMAL) -> Decimal:
    # Decimal's ROUND_HALF_UP rounds ties away from zero (1.25 -> 1.3, -1.25 -> -1.3).
    return value.quantize(places, rounding=ROUND_HALF_UP)


def first_counted_week(hire_date: dt.date | None) -> dt.date | None:
    """The first week that may hold planned hours: the week (Monday) that holds the hire
    date, any week when there is none. Hours writes are checked against it; capacity itself
    comes from the availability calendar, day by day (planning.calendar)."""
    return None if hire_date is None else monday(hire_date)


def is_counted(hire_date: dt.date | None, week: dt.date) -> bool:
    """Whether a person hired on `hire_date` may have hours in the week holding `week`."""
    first = first_counted_week(hire_date)
    return first is None or monday(week) >= first


_CENTS: dict[int, Decimal] = {}  # cents(n) by n: the same few capacities, week after week
_MAX_CENTS = 65536


def cents(value: int) -> Decimal:
    if type(value) is not int:
        return Decimal(value).scaleb(-2)
    found = _CENTS.get(value)
    if found is None:
        found = Decimal(value).scaleb(-2)
        if len(_CENTS) < _MAX_CENTS:
            _CENTS[value] = found
    return found


def available_hours(capacity_: Decimal, hours: Decimal) -> Decimal:
    return max(ZERO, capacity_ - hours)


def utilization_percent(hours: Decimal, capacity_: Decimal) -> Decimal | None:
    if capacity_ == 0:
        return None
    return round_half_away(HUNDRED * hours / capacity_)


def availability_percent(available: Decimal, capacity_: Decimal) -> Decimal:
    if capacity_ == 0:
        return ZERO
    return HUNDRED * available / capacity_


@dataclass(frozen=True, slots=True)
class WeekLoad:
    week: dt.date
    hours: Decimal
    capacity: Decimal
    available_hours: Decimal
    utilization_percent: Decimal | None
    scheduled_hours: Decimal
    holiday_hours: Decimal
    time_off_hours: Decimal
    overbooked: bool
    confirmed_hours: Decimal  # hours = confirmed_hours + tentative_hours
    tentative_hours: Decimal


def week_load(
    week: dt.date, hours: Decimal, week_capacity: WeekCapacity, tentative: Decimal = ZERO
) -> WeekLoad:
    """`hours` counts every assignment; `tentative` is the part of it that is TENTATIVE."""
    cap = cents(week_capacity.capacity)
    return WeekLoad(
        week=week,
        hours=hours,
        capacity=cap,
        available_hours=available_hours(cap, hours),
        utilization_percent=utilization_percent(hours, cap),
        scheduled_hours=cents(week_capacity.scheduled),
        holiday_hours=cents(week_capacity.holiday),
        time_off_hours=cents(week_capacity.time_off),
        overbooked=hours > cap,
        confirmed_hours=hours - tentative,
        tentative_hours=tentative,
    )
