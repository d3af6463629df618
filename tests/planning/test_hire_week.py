"""The hire-week rule (docs/design.md: capacity counts when hireDate <= Sunday of W) is one
function, planning.capacity.first_counted_week; everything that applies it agrees."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import InvalidInput
from planning.capacity import capacity, first_counted_week, is_counted
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
def test_a_person_counts_from_the_week_of_the_hire_date(hired, first):
    assert first_counted_week(hired) == first


def test_every_use_of_the_rule_agrees():
    hired = dt.date(2026, 11, 15)  # the Sunday of the second week
    person = PersonFacts(1, "A", Decimal("40.00"), hired)
    (row,) = heatmap_rows([person], {}, WEEKS)
    assert [is_counted(hired, w) for w in WEEKS] == [False, True, True]
    assert [is_counted(hired, w + dt.timedelta(days=6)) for w in WEEKS] == [False, True, True]
    assert [capacity(Decimal(40), hired, w) for w in WEEKS] == [0, 40, 40]
    assert row.percent_by_week == {"2026-11-02": None, "2026-11-09": 0.0, "2026-11-16": 0.0}
    assert parse_weekly_hours({"2026-11-09": 5}, "h", hired) == {WEEKS[1]: Decimal("5.00")}
    with pytest.raises(InvalidInput, match="fall before the hire date 2026-11-15"):
        parse_weekly_hours({"2026-11-08": 5}, "h", hired)
