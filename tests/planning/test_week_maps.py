"""planning.weekmaps computes a person's week maps in integer cents; they must equal the
typed list's values (capacity.week_load, in Decimal, each sent as float) on every cell:
random hours and calendar weeks, rounding ties, no capacity, hours over capacity."""

import datetime as dt
import random
from decimal import Decimal

from planning.calendar import WeekCapacity
from planning.capacity import week_load
from planning.reports import CalendarMaps
from planning.weekmaps import LoadMaps, iso_keys
from planning.weeks import week_keys

WEEKS = week_keys(dt.date(2026, 11, 2), 12)
KEYS = iso_keys(WEEKS)
NOT_ZERO = {
    "hours_by_week": "hours",
    "confirmed_by_week": "confirmed_hours",
    "tentative_by_week": "tentative_hours",
    "time_off_by_week": "time_off_hours",
    "holiday_by_week": "holiday_hours",
}
EVERY = {
    "capacity_by_week": "capacity",
    "scheduled_by_week": "scheduled_hours",
    "available_by_week": "available_hours",
    "percent_by_week": "utilization_percent",
}


def as_float(value):
    return None if value is None else float(value)


def expected(hours, weeks) -> dict:
    """The maps of the typed list: week_load per week, as the API sends it."""
    loads = []
    for week, wc in zip(WEEKS, weeks, strict=True):
        confirmed, tentative = hours.get(week, (Decimal(0), Decimal(0)))
        loads.append(week_load(week, confirmed + tentative, wc, tentative))
    maps = {"week_keys": WEEKS}
    for name, field in NOT_ZERO.items():
        maps[name] = {
            k: float(getattr(w, field))
            for k, w in zip(KEYS, loads, strict=True)
            if getattr(w, field)
        }
    for name, field in EVERY.items():
        maps[name] = {k: as_float(getattr(w, field)) for k, w in zip(KEYS, loads, strict=True)}
    maps["overbooked_by_week"] = {k: True for k, w in zip(KEYS, loads, strict=True) if w.overbooked}
    return maps


def computed(hours, weeks) -> dict:
    maps = LoadMaps(WEEKS, KEYS, hours, weeks, CalendarMaps(KEYS))
    return {name: getattr(maps, name) for name in expected({}, weeks)}


def cents(n: int) -> Decimal:
    return Decimal(n).scaleb(-2)


def test_random_weeks_equal_the_typed_list():
    rng = random.Random(17)
    for _ in range(300):
        weeks = []
        for _ in WEEKS:
            scheduled = rng.choice([0, 4000, 3333, 3200, 2666])
            holiday = rng.choice([0, 0, 0, scheduled // 5])
            time_off = min(rng.choice([0, 0, 0, 400, scheduled]), scheduled - holiday)
            weeks.append(WeekCapacity(scheduled - holiday - time_off, scheduled, holiday, time_off))
        hours = {}
        for week in WEEKS:
            if rng.random() < 0.6:
                confirmed = cents(rng.choice([0, 1, 410, 800, 2000, 3333, 4001, 6000]))
                tentative = cents(rng.choice([0, 0, 250, 1000]))
                if confirmed or tentative:
                    hours[week] = (confirmed, tentative)
        assert computed(hours, weeks) == expected(hours, weeks)


def test_by_hand():
    # 4.10 of 40: 10.25% rounds half away from zero to 10.3 (floats would say 10.2); 8 h with
    # no capacity: overbooked, percent null, nothing available; an idle week: all available
    weeks = [WeekCapacity(4000, 4000, 0, 0), WeekCapacity(0, 800, 800, 0)]
    weeks += [WeekCapacity(3200, 4000, 0, 800)] * 10
    hours = {WEEKS[0]: (cents(310), cents(100)), WEEKS[1]: (cents(800), cents(0))}
    maps = computed(hours, weeks)
    assert maps == expected(hours, weeks)
    first, second, third = KEYS[:3]
    assert maps["percent_by_week"][first] == 10.3
    assert maps["percent_by_week"][second] is None
    assert maps["percent_by_week"][third] == 0.0
    assert maps["overbooked_by_week"] == {second: True}
    assert (maps["available_by_week"][first], maps["available_by_week"][second]) == (35.9, 0.0)
    assert maps["available_by_week"][third] == 32.0
    assert maps["hours_by_week"] == {first: 4.1, second: 8.0}
    assert maps["tentative_by_week"] == {first: 1.0}
    assert maps["holiday_by_week"] == {second: 8.0}
    assert maps["time_off_by_week"] == {k: 8.0 for k in KEYS[2:]}


def test_no_hours_share_the_capacity_map():
    weeks = [WeekCapacity(4000, 4000, 0, 0)] * 12
    maps = LoadMaps(WEEKS, KEYS, {}, weeks, CalendarMaps(KEYS))
    assert maps.available_by_week is maps.capacity_by_week
    assert maps.hours_by_week == {} and maps.overbooked_by_week == {}
    assert maps.percent_by_week == dict.fromkeys(KEYS, 0.0)
