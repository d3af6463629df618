"""The hire date, two rules (docs/design.md): hours may be written from the week (Monday)
that holds it (planning.capacity.first_counted_week, applied by every write); capacity counts
from the day itself (the availability calendar, planning.calendar). Everything agrees."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import InvalidInput
from planning.calendar import Availability, WeekCapacity, week_capacities
from planning.capacity import first_counted_week, is_counted
from planning.hours import parse_weekly_hours
from planning.reports import PersonFacts, heatmap_rows
from planning.weeks import week_keys

WEEKS = week_keys(dt.date(2026, 11, 2), 3)  # Mondays 2026-11-02, -09, -16


@pytest.mark.parametrize(
    ("hired", "first"),
    [
        (None, None),
        (dt.date(2026, 11, 9), dt.date(2026, 11, 9)),  # a Monday: that week
        (dt.date(2026, 11, 15), dt.date(2026, 11, 9)),  # a Sunday: still that week
        (dt.date(2026, 11, 16), dt.date(2026, 11, 16)),
        (dt.date(1, 1, 1), dt.date(1, 1, 1)),  # the calendar's first day is a Monday
    ],
)
def test_a_person_may_have_hours_from_the_week_of_the_hire_date(hired, first):
    assert first_counted_week(hired) == first


def test_a_sunday_hire_opens_the_week_for_hours_but_adds_no_capacity():
    hired = dt.date(2026, 11, 15)  # the Sunday of the second week
    person = PersonFacts(1, "A", Decimal("40.00"), hired)
    capacities = week_capacities(Availability(Decimal("40.00"), hire_date=hired), WEEKS)
    (row,) = heatmap_rows([person], {1: {WEEKS[1]: Decimal(5)}}, WEEKS, {1: capacities})
    assert [is_counted(hired, w) for w in WEEKS] == [False, True, True]
    assert [is_counted(hired, w + dt.timedelta(days=6)) for w in WEEKS] == [False, True, True]
    # Employed on the week's Sunday only, and Sunday's default schedule is 0 h.
    assert capacities == [
        WeekCapacity(capacity=0, scheduled=0, holiday=0, time_off=0),
        WeekCapacity(capacity=0, scheduled=0, holiday=0, time_off=0),
        WeekCapacity(capacity=4000, scheduled=4000, holiday=0, time_off=0),  # cents
    ]
    assert row.percent_by_week == {"2026-11-02": None, "2026-11-09": None, "2026-11-16": 0.0}
    assert row.capacity_by_week == {"2026-11-02": 0.0, "2026-11-09": 0.0, "2026-11-16": 40.0}
    assert parse_weekly_hours({"2026-11-09": 5}, "h", hired) == {WEEKS[1]: Decimal("5.00")}
    with pytest.raises(InvalidInput, match="fall before the hire date 2026-11-15"):
        parse_weekly_hours({"2026-11-08": 5}, "h", hired)


def test_a_wednesday_hire_counts_three_default_days():
    hired = dt.date(2026, 11, 11)  # Wednesday of the second week
    got = week_capacities(Availability(Decimal("37.50"), hire_date=hired), WEEKS)
    # 37.5 / 5 = 7.5 h on Wednesday, Thursday, Friday
    assert [w.capacity for w in got] == [0, 2250, 3750]
    assert [w.scheduled for w in got] == [0, 2250, 3750]
