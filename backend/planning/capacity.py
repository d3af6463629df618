"""Capacity arithmetic for one person and one week (docs/design.md, "Computed values").

Hours and capacities are Decimals exact to 0.01; rounding is half away from zero.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .weeks import monday

ZERO = Decimal(0)
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


def round_half_away(value: Decimal, places: Decimal = ONE_DECIMAL) -> Decimal:
    # Decimal's ROUND_HALF_UP rounds ties away from zero (1.25 -> 1.3, -1.25 -> -1.3).
    return value.quantize(places, rounding=ROUND_HALF_UP)


def first_counted_week(hire_date: dt.date | None) -> dt.date | None:
    """The hire-week rule: a person counts from the week (Monday) that holds the hire date,
    always when there is none. Every capacity, heatmap cell and hours check derives from it
    (the role-capacity SQL in assignments.aggregates states it as `hire_date <= week + 6`)."""
    return None if hire_date is None else monday(hire_date)


def is_counted(hire_date: dt.date | None, week: dt.date) -> bool:
    """Whether a person hired on `hire_date` counts in the week holding `week`."""
    first = first_counted_week(hire_date)
    return first is None or monday(week) >= first


def capacity(weekly_capacity: Decimal, hire_date: dt.date | None, week: dt.date) -> Decimal:
    return weekly_capacity if is_counted(hire_date, week) else ZERO


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


def week_load(
    week: dt.date, hours: Decimal, weekly_capacity: Decimal, hire_date: dt.date | None
) -> WeekLoad:
    cap = capacity(weekly_capacity, hire_date, week)
    return WeekLoad(
        week=week,
        hours=hours,
        capacity=cap,
        available_hours=available_hours(cap, hours),
        utilization_percent=utilization_percent(hours, cap),
    )
