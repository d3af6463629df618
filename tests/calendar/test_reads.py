"""Reading the calendar: Person.timeOff(from, to), schedules, holiday calendars; the read
scope; writes refused for read tokens; a time-off write invalidates cached answers; and
the SQL a people page costs, the same for 50 and 200 people."""

import datetime as dt
from decimal import Decimal

import pytest

from calendars.models import Holiday, HolidayCalendar, TimeOff, WorkSchedule
from people.models import Department, Person
from tests.calendar import (
    ASSIGN_CALENDAR,
    CREATE_CALENDAR,
    CREATE_TIME_OFF,
    DELETE_TIME_OFF,
    SET_HOLIDAYS,
    SET_SCHEDULE,
    UPDATE_TIME_OFF,
    state,
)
from tests.client import exact_queries
from tests.helpers import only_error

D = dt.date


def time_off(person_id, start, end, **fields) -> TimeOff:
    return TimeOff.objects.create(person_id=person_id, start_date=start, end_date=end, **fields)


TIME_OFF = """query($from: Date, $to: Date) { person(id: "4") {
  timeOff(from: $from, to: $to) { id startDate endDate } } }"""


def test_time_off_filters_by_overlap_and_orders_by_start_end_id(gql):
    late = time_off(4, D(2026, 12, 28), D(2027, 1, 8))
    long = time_off(4, D(2026, 12, 1), D(2026, 12, 31))
    short = time_off(4, D(2026, 12, 1), D(2026, 12, 2))
    twin = time_off(4, D(2026, 12, 1), D(2026, 12, 2))
    early = time_off(4, D(2026, 11, 2), D(2026, 11, 6))
    time_off(25, D(2026, 12, 1), D(2026, 12, 31))  # someone else's

    def ids(variables):
        r = gql.post(TIME_OFF, variables)
        return [int(t["id"]) for t in r.data["person"]["timeOff"]]

    assert ids({}) == [early.pk, short.pk, twin.pk, long.pk, late.pk]
    # entries overlapping the range, whichever side sticks out
    assert ids({"from": "2026-12-02", "to": "2026-12-28"}) == [short.pk, twin.pk, long.pk, late.pk]
    assert ids({"from": "2026-12-03"}) == [long.pk, late.pk]
    assert ids({"to": "2026-11-06"}) == [early.pk]
    assert ids({"from": "2027-01-09"}) == []


def test_time_off_to_before_from_is_refused(gql):
    r = gql.post(TIME_OFF, {"from": "2026-12-02", "to": "2026-12-01"})
    assert only_error(r) == (
        "to must be on or after from, got 2026-12-02..2026-12-01",
        {"code": "BAD_USER_INPUT", "field": "to"},
    )


def test_holiday_calendars_and_their_holidays_in_a_range(gql):
    b = HolidayCalendar.objects.create(name="bavaria", country="DE", subdivision="BY")
    a = HolidayCalendar.objects.create(name="Austria", country="AT")
    Holiday.objects.bulk_create(
        [
            Holiday(calendar=b, date=D(2026, 12, 26), name="St Stephen's Day"),
            Holiday(calendar=b, date=D(2026, 12, 25), name="Christmas Day"),
            Holiday(calendar=b, date=D(2027, 1, 6), name="Epiphany"),
            Holiday(calendar=a, date=D(2026, 12, 8), name="Immaculate Conception"),
        ]
    )
    with exact_queries(3):  # token, calendars, the holidays of both in one query
        r = gql.post(
            """{ holidayCalendars { name country subdivision
                 holidays(from: "2026-12-01", to: "2026-12-31") { date name } } }"""
        )
    assert r.data == {
        "holidayCalendars": [
            {
                "name": "Austria",
                "country": "AT",
                "subdivision": None,
                "holidays": [{"date": "2026-12-08", "name": "Immaculate Conception"}],
            },
            {
                "name": "bavaria",
                "country": "DE",
                "subdivision": "BY",
                "holidays": [
                    {"date": "2026-12-25", "name": "Christmas Day"},
                    {"date": "2026-12-26", "name": "St Stephen's Day"},
                ],
            },
        ]
    }
    r = gql.post(f'{{ holidayCalendar(id: "{b.pk}") {{ name holidays {{ date }} }} }}')
    assert r.data == {
        "holidayCalendar": {
            "name": "bavaria",
            "holidays": [{"date": "2026-12-25"}, {"date": "2026-12-26"}, {"date": "2027-01-06"}],
        }
    }
    r = gql.post('{ holidayCalendar(id: "999999") { name } }')
    assert only_error(r) == (
        "Holiday calendar 999999 not found",
        {"code": "NOT_FOUND", "field": "id"},
    )


def test_a_restricted_reader_sees_its_peoples_calendar_and_not_others(client_for, tokens):
    time_off(4, D(2026, 12, 21), D(2026, 12, 24), note="in Web")
    WorkSchedule.objects.create(person_id=4, effective_from=D(2026, 1, 5), monday=8)
    time_off(1, D(2026, 12, 21), D(2026, 12, 24), note="in Design")
    eng = client_for(tokens.engineering)  # read, Engineering (1) and its subtree (Web, 3)
    r = eng.post('{ person(id: "4") { timeOff { note } schedules { weeklyHours } } }')
    assert r.data == {
        "person": {"timeOff": [{"note": "in Web"}], "schedules": [{"weeklyHours": 8.0}]}
    }
    r = eng.post('{ person(id: "1") { timeOff { note } } }')
    assert only_error(r) == ("Person 1 not found", {"code": "NOT_FOUND", "field": "id"})


MUTATIONS = {
    "createTimeOff": (
        CREATE_TIME_OFF,
        {"input": {"personId": "4", "startDate": "2026-12-21", "endDate": "2026-12-21"}},
    ),
    "updateTimeOff": (UPDATE_TIME_OFF, {"id": "1", "input": {"note": "x"}}),
    "deleteTimeOff": (DELETE_TIME_OFF, {"id": "1"}),
    "setWorkSchedule": (SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": [8] * 7}),
    "createHolidayCalendar": (CREATE_CALENDAR, {"input": {"name": "Hesse"}}),
    "setHolidays": (
        SET_HOLIDAYS,
        {"id": "1", "from": "2026-01-01", "to": "2026-12-31", "holidays": []},
    ),
    "assignHolidayCalendar": (ASSIGN_CALENDAR, {"calendar": None, "person": "4"}),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
@pytest.mark.parametrize("token", ["read", "engineering"])
def test_read_tokens_are_forbidden_every_calendar_mutation(client_for, tokens, name, token):
    document, variables = MUTATIONS[name]
    before = state()
    r = client_for(getattr(tokens, token)).post(document, variables)
    assert only_error(r) == ("This operation needs the write scope", {"code": "FORBIDDEN"})
    assert state() == before


# --- the response cache --------------------------------------------------------------------

HEATMAP = """{ capacityHeatmap(from: "2026-12-21", weeks: 1, department: "3") {
  rows { person { id } capacityByWeek timeOffByWeek } } }"""


def capacity_of_lynn(r) -> tuple:
    (row,) = [row for row in r.data["capacityHeatmap"]["rows"] if row["person"]["id"] == "4"]
    return row["capacityByWeek"], row["timeOffByWeek"]


def test_a_time_off_write_is_never_answered_from_the_cache(gql):
    first = gql.post(HEATMAP)
    assert first.headers["X-Capgraph-Cache"] == "MISS"
    # no schedule: weeklyCapacity / 5 on each weekday, 40 in all
    assert capacity_of_lynn(first) == ({"2026-12-21": 40.0}, {})
    assert gql.post(HEATMAP).headers["X-Capgraph-Cache"] == "HIT"
    created = gql.post(
        CREATE_TIME_OFF,
        {"input": {"personId": "4", "startDate": "2026-12-21", "endDate": "2026-12-23"}},
    ).data["createTimeOff"]["timeOff"]
    after = gql.post(HEATMAP)
    assert after.headers["X-Capgraph-Cache"] == "MISS"
    assert capacity_of_lynn(after) == ({"2026-12-21": 16.0}, {"2026-12-21": 24.0})
    gql.post(UPDATE_TIME_OFF, {"id": created["id"], "input": {"hoursPerDay": 2}})
    after = gql.post(HEATMAP)
    assert after.headers["X-Capgraph-Cache"] == "MISS"
    assert capacity_of_lynn(after) == ({"2026-12-21": 34.0}, {"2026-12-21": 6.0})
    gql.post(DELETE_TIME_OFF, {"id": created["id"]})
    after = gql.post(HEATMAP)
    assert after.headers["X-Capgraph-Cache"] == "MISS"
    assert capacity_of_lynn(after) == ({"2026-12-21": 40.0}, {})


def test_every_calendar_write_bumps_the_data_version(gql):
    from core import dataversion

    cal = HolidayCalendar.objects.create(name="Bavaria")
    entry = time_off(4, D(2026, 12, 21), D(2026, 12, 21))
    writes = [
        (UPDATE_TIME_OFF, {"id": str(entry.pk), "input": {"note": "x"}}),
        (DELETE_TIME_OFF, {"id": str(entry.pk)}),
        (SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": [8] * 7}),
        (CREATE_CALENDAR, {"input": {"name": "Hesse"}}),
        (
            SET_HOLIDAYS,
            {"id": str(cal.pk), "from": "2026-01-01", "to": "2026-12-31", "holidays": []},
        ),
        (ASSIGN_CALENDAR, {"calendar": str(cal.pk), "department": "3"}),
        (ASSIGN_CALENDAR, {"calendar": str(cal.pk), "person": "4"}),
        MUTATIONS["createTimeOff"],
    ]
    for document, variables in writes:
        version = dataversion.current()
        assert "errors" not in gql.post(document, variables).body
        assert dataversion.current() > version, document


# --- SQL counts ----------------------------------------------------------------------------

PEOPLE_CALENDAR = """query($first: Int!) { people(first: $first) { edges { node { name
  department { name holidayCalendar { name } }
  holidayCalendar { name holidays(from: "2026-12-01", to: "2026-12-31") { date name } }
  holidayCalendarInherited
  schedules { effectiveFrom hours weeklyHours }
  timeOff(from: "2026-12-01", to: "2026-12-31") { startDate endDate hoursPerDay kind note }
} } } }"""
# token lookup, the people page, the department tree, the calendars (people's and
# departments' in one batch), their holidays, the schedules, the time off
PEOPLE_CALENDAR_QUERIES = 7


@pytest.fixture
def many_people(db, tokens):
    """200 more active people (all sorting first by name), each with a schedule and two
    time-off entries, half following their department's calendar and half their own."""
    dep_cal = HolidayCalendar.objects.create(name="Department days")
    own_cal = HolidayCalendar.objects.create(name="Own days")
    Holiday.objects.create(calendar=dep_cal, date=D(2026, 12, 25), name="Christmas Day")
    Holiday.objects.create(calendar=own_cal, date=D(2026, 12, 24), name="Christmas Eve")
    Department.objects.filter(pk=1).update(holiday_calendar=dep_cal)
    people = Person.objects.bulk_create(
        Person(
            name=f"AAA {i:03}",
            department_id=3 if i % 2 else 1,
            weekly_capacity=Decimal(40),
            holiday_calendar=own_cal if i % 2 else None,
        )
        for i in range(200)
    )
    WorkSchedule.objects.bulk_create(
        WorkSchedule(person=p, effective_from=D(2026, 1, 5), monday=8, friday=4) for p in people
    )
    TimeOff.objects.bulk_create(
        TimeOff(person=p, start_date=D(2026, 12, 21 + k), end_date=D(2026, 12, 22 + k))
        for p in people
        for k in (0, 2)
    )


@pytest.mark.parametrize("first", [50, 200])
def test_a_people_page_with_the_calendar_costs_the_same_for_50_and_200(gql, many_people, first):
    with exact_queries(PEOPLE_CALENDAR_QUERIES):
        r = gql.post(PEOPLE_CALENDAR, {"first": first})
    nodes = [e["node"] for e in r.data["people"]["edges"]]
    assert len(nodes) == first
    assert nodes[0] == {
        "name": "AAA 000",
        "department": {"name": "Engineering", "holidayCalendar": {"name": "Department days"}},
        "holidayCalendar": {
            "name": "Department days",
            "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
        },
        "holidayCalendarInherited": True,
        "schedules": [
            {
                "effectiveFrom": "2026-01-05",
                "hours": [8.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0],
                "weeklyHours": 12.0,
            }
        ],
        "timeOff": [
            {
                "startDate": "2026-12-21",
                "endDate": "2026-12-22",
                "hoursPerDay": None,
                "kind": "VACATION",
                "note": "",
            },
            {
                "startDate": "2026-12-23",
                "endDate": "2026-12-24",
                "hoursPerDay": None,
                "kind": "VACATION",
                "note": "",
            },
        ],
    }
    assert nodes[1]["holidayCalendar"] == {
        "name": "Own days",
        "holidays": [{"date": "2026-12-24", "name": "Christmas Eve"}],
    }
    assert nodes[1]["holidayCalendarInherited"] is False
    assert nodes[1]["department"] == {"name": "Web", "holidayCalendar": None}
