"""heatmap_rows and week_capacities compute in integers (cents, 1/500 h); they must agree
with the reference (tests/reference.py: the definitions day by day, in Decimal) on every
cell, including rounding ties."""

import datetime as dt
import random
from decimal import Decimal

from calendars.selectors import Calendars
from planning.calendar import Availability, Leave, LeaveWeeks, Schedule, week_capacities
from planning.reports import CalendarMaps, PersonFacts, heatmap_rows
from planning.weeks import week_keys
from tests.reference import Reference

WEEKS = week_keys(dt.date(2026, 11, 2), 26)
D = Decimal


def heatmap_row(person, hours, weeks, av=None):
    av = av or Availability(person.weekly_capacity, person.hire_date)
    (row,) = heatmap_rows(
        [person], {person.id: hours}, weeks, {person.id: week_capacities(av, weeks)}
    )
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
    # Hired on Thursday 2026-11-12: Thursday and Friday of week 2 count, 2 x 8 = 16 h.
    person = PersonFacts(1, "A", Decimal("40.00"), dt.date(2026, 11, 12))
    row = heatmap_row(person, {WEEKS[0]: Decimal("8"), WEEKS[1]: Decimal("10")}, WEEKS[:3])
    assert row.capacity_by_week == {"2026-11-02": 0.0, "2026-11-09": 16.0, "2026-11-16": 40.0}
    assert row.percent_by_week == {"2026-11-02": None, "2026-11-09": 62.5, "2026-11-16": 0.0}
    assert row.available_by_week == {"2026-11-02": 0.0, "2026-11-09": 6.0, "2026-11-16": 40.0}
    assert row.hours_by_week == {"2026-11-02": 8.0, "2026-11-09": 10.0}
    # week 1 has no capacity: its hours count in neither peak nor average (10 / 56)
    assert (row.peak_percent, row.average_percent) == (62.5, 17.9)


def test_capacity_zero_person_has_null_percentages():
    row = heatmap_row(PersonFacts(1, "A", Decimal("0"), None), {WEEKS[0]: Decimal(5)}, WEEKS[:2])
    assert row.percent_by_week == {"2026-11-02": None, "2026-11-09": None}
    assert row.available_by_week == {"2026-11-02": 0.0, "2026-11-09": 0.0}
    assert (row.peak_percent, row.average_percent) == (None, None)


def random_dataset(rnd: random.Random, n: int) -> dict:
    """People with every kind of calendar event, as a capgraph-dataset/2 document."""
    start = WEEKS[0]

    def day(lo: int, hi: int) -> str:
        return (start + dt.timedelta(days=rnd.randrange(lo, hi))).isoformat()

    people, time_off = [], []
    for pid in range(1, n + 1):
        schedules = [
            {
                "effectiveFrom": day(-60, 190),
                "hours": [rnd.choice([0, 4, 7.5, 8, 8.25, 10, 3.33]) for _ in range(7)],
            }
            for _ in range(rnd.choice([0, 0, 1, 2]))
        ]
        people.append(
            {
                "id": pid,
                "departmentId": None,
                "weeklyCapacity": rnd.choice([0, 20, 32, 33.33, 37.5, 40, 41.25, 0.01]),
                "hireDate": rnd.choice([None, day(-30, 200)]),
                "endDate": rnd.choice([None, None, day(0, 200)]),
                "holidayCalendarId": rnd.choice([None, 1]),
                "schedules": [
                    s
                    for i, s in enumerate(schedules)
                    if s["effectiveFrom"] not in {x["effectiveFrom"] for x in schedules[:i]}
                ],
            }
        )
        for _ in range(rnd.choice([0, 1, 2, 3])):
            first = day(-10, 190)
            time_off.append(
                {
                    "id": len(time_off) + 1,
                    "personId": pid,
                    "startDate": first,
                    "endDate": (
                        dt.date.fromisoformat(first) + dt.timedelta(days=rnd.randrange(0, 12))
                    ).isoformat(),
                    "hoursPerDay": rnd.choice([None, None, 2, 3.5, 9.99]),
                    "kind": "vacation",
                    "note": None,
                }
            )
    return {
        "departments": [],
        "assignments": [],
        "projects": [],
        "skills": [],
        "people": people,
        "holidayCalendars": [{"id": 1}],
        "holidays": [{"calendarId": 1, "date": day(-7, 190), "name": "H"} for _ in range(12)],
        "timeOff": time_off,
    }


def availability(ref: Reference, pid: int) -> Availability:
    p = ref.people[pid]

    def date(v):
        return None if v is None else dt.date.fromisoformat(v)

    return Availability(
        weekly_capacity=D(str(p["weeklyCapacity"])),
        hire_date=date(p["hireDate"]),
        end_date=date(p["endDate"]),
        schedules=[
            Schedule(date(s["effectiveFrom"]), tuple(D(str(h)) for h in s["hours"]))
            for s in p["schedules"]
        ],
        holidays=frozenset(ref.holidays[1]) if p["holidayCalendarId"] else frozenset(),
        leave=[
            Leave(
                date(t["startDate"]),
                date(t["endDate"]),
                None if t["hoursPerDay"] is None else D(str(t["hoursPerDay"])),
            )
            for t in ref.time_off.get(pid, [])
        ],
    )


def test_every_week_and_cell_agrees_with_the_reference():
    rnd = random.Random(7)
    ref = Reference(random_dataset(rnd, 300))
    for pid, p in ref.people.items():
        av = availability(ref, pid)
        hours = {w: Decimal(rnd.randrange(0, 6000)) / 100 for w in WEEKS if rnd.random() < 0.7}
        person = PersonFacts(pid, "P", D(str(p["weeklyCapacity"])), av.hire_date)
        got = week_capacities(av, WEEKS)
        row = heatmap_row(person, hours, WEEKS, av)
        for week, wc in zip(WEEKS, got, strict=True):
            expected = ref.week(pid, week)
            assert (wc.capacity, wc.scheduled, wc.holiday, wc.time_off) == tuple(
                int(v * 100)
                for v in (
                    expected.capacity,
                    expected.scheduled,
                    expected.holiday,
                    expected.time_off,
                )
            ), (pid, week)
            h, key = hours.get(week, D(0)), week.isoformat()
            cap = expected.capacity
            pct = None if cap == 0 else float((100 * h / cap).quantize(D("0.1"), "ROUND_HALF_UP"))
            assert row.percent_by_week[key] == pct, (pid, key)
            assert row.available_by_week[key] == float(max(D(0), cap - h)), (pid, key)
            assert row.capacity_by_week[key] == float(cap), (pid, key)
            assert row.hours_by_week.get(key, 0.0) == float(h), (pid, key)


def test_people_sharing_a_calendar_share_their_weeks_exactly():
    # calendars.selectors computes people's weeks without leave once per group (same
    # capacity, schedules, holiday calendar, employed all window), then walks the weeks each
    # one's leave touches: never another answer than one person at a time.
    rnd = random.Random(11)
    data = random_dataset(rnd, 200)
    for p in data["people"]:  # many people alike, some hired or leaving inside the window
        p["weeklyCapacity"] = rnd.choice([40, 37.5])
        p["schedules"] = p["schedules"][:1] if rnd.random() < 0.2 else []
    ref = Reference(data)
    calendars = Calendars(WEEKS[0], WEEKS[-1])
    for pid in ref.people:
        calendars.availability[pid] = availability(ref, pid)
        calendars.calendar_of[pid] = ref.people[pid]["holidayCalendarId"]
    got = calendars.by_person(WEEKS)
    assert got == {pid: week_capacities(av, WEEKS) for pid, av in calendars.availability.items()}
    for pid in ref.people:
        assert [w.capacity for w in got[pid]] == [
            int(ref.week(pid, w).capacity * 100) for w in WEEKS
        ], pid


def test_maps_of_people_with_leave_are_built_from_the_shared_ones_exactly():
    # by_person gives a person whose leave changes some weeks a LeaveWeeks over the weeks
    # their group shares; CalendarMaps copies the group's maps and replaces those weeks. The
    # maps (values and key order) must be those built from the person's weeks alone.
    rnd = random.Random(13)
    data = random_dataset(rnd, 200)
    for p in data["people"]:
        p["weeklyCapacity"] = rnd.choice([40, 37.5])
        p["schedules"] = p["schedules"][:1] if rnd.random() < 0.3 else []
    ref = Reference(data)
    calendars = Calendars(WEEKS[0], WEEKS[-1])
    for pid in ref.people:
        calendars.availability[pid] = availability(ref, pid)
        calendars.calendar_of[pid] = ref.people[pid]["holidayCalendarId"]
    got = calendars.by_person(WEEKS)
    keys = [w.isoformat() for w in WEEKS]
    shared, alone = CalendarMaps(keys), CalendarMaps(keys)
    with_leave = [pid for pid in got if isinstance(got[pid], LeaveWeeks)]
    assert len(with_leave) > 50  # the path under test is taken
    for pid, weeks in got.items():
        maps, expected = shared(weeks), alone(list(weeks))
        assert [list(m.items()) for m in maps] == [list(m.items()) for m in expected], pid
        for key, week in zip(keys, WEEKS, strict=True):
            assert maps[0][key] == float(ref.week(pid, week).capacity), (pid, key)
