"""heatmap_row computes in integer cents; it must agree with the Decimal definitions of
capacity.week_load on every cell, including rounding ties."""

import datetime as dt
import random
from decimal import Decimal

from planning.capacity import week_load
from planning.reports import PersonFacts, heatmap_rows
from planning.weeks import week_keys

WEEKS = week_keys(dt.date(2026, 11, 2), 26)


def heatmap_row(person, hours, weeks):
    (row,) = heatmap_rows([person], {person.id: hours}, weeks)
    return row


def test_rounding_ties_go_away_from_zero():
    # 4.1 / 40 = 10.25 %: half away from zero gives 10.3 (floats would say 10.2)
    person = PersonFacts(1, "A", Decimal("40.00"), None)
    row = heatmap_row(person, {WEEKS[0]: Decimal("4.10")}, WEEKS[:1])
    assert row.percent_by_week == {"2026-11-02": 10.3}
    assert row.available_by_week == {"2026-11-02": 35.9}
    assert row.hours_by_week == {"2026-11-02": 4.1}
    assert (row.peak_percent, row.average_percent) == (10.3, 10.3)


def test_hire_week_and_zero_capacity_weeks_have_no_percent():
    person = PersonFacts(1, "A", Decimal("40.00"), dt.date(2026, 11, 15))  # Sunday of week 2
    row = heatmap_row(person, {WEEKS[0]: Decimal("8"), WEEKS[1]: Decimal("10")}, WEEKS[:3])
    assert row.percent_by_week == {"2026-11-02": None, "2026-11-09": 25.0, "2026-11-16": 0.0}
    assert row.available_by_week == {"2026-11-02": 0.0, "2026-11-09": 30.0, "2026-11-16": 40.0}
    assert row.hours_by_week == {"2026-11-02": 8.0, "2026-11-09": 10.0}
    # week 1 has no capacity: its hours count in neither peak nor average
    assert (row.peak_percent, row.average_percent) == (25.0, 12.5)


def test_capacity_zero_person_has_null_percentages():
    row = heatmap_row(PersonFacts(1, "A", Decimal("0"), None), {WEEKS[0]: Decimal(5)}, WEEKS[:2])
    assert row.percent_by_week == {"2026-11-02": None, "2026-11-09": None}
    assert row.available_by_week == {"2026-11-02": 0.0, "2026-11-09": 0.0}
    assert (row.peak_percent, row.average_percent) == (None, None)


def test_every_cell_agrees_with_the_decimal_definitions():
    rnd = random.Random(7)
    for pid in range(300):
        cap = Decimal(rnd.choice([0, 20, 32, 36, 37.5, 40, 41.25])).quantize(Decimal("0.01"))
        hire = rnd.choice([None, WEEKS[0] + dt.timedelta(days=rnd.randrange(-30, 200))])
        hours = {w: Decimal(rnd.randrange(0, 6000)) / 100 for w in WEEKS if rnd.random() < 0.7}
        row = heatmap_row(PersonFacts(pid, "P", cap, hire), hours, WEEKS)
        for week in WEEKS:
            load = week_load(week, hours.get(week, Decimal(0)), cap, hire)
            key = week.isoformat()
            expected_pct = (
                None if load.utilization_percent is None else float(load.utilization_percent)
            )
            assert row.percent_by_week[key] == expected_pct, (pid, key)
            assert row.available_by_week[key] == float(load.available_hours), (pid, key)
            assert row.hours_by_week.get(key, 0.0) == float(load.hours), (pid, key)
