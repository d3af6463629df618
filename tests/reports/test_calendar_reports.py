"""The availability calendar's rules, one person each in tests/data/calendar_cases.json,
asserted through the API in every report that reads capacity. Each rule's values are
written out by hand from the definitions (docs/design.md, "Availability calendar") and are
also what the reference (tests/reference.py) computes from the file."""

import datetime as dt

import pytest

from tests.calendar_data import CASES, load_calendar_dataset
from tests.conftest import DATASETS
from tests.reference import Reference

REF = Reference.of(CASES)
W1, W2 = dt.date(2027, 1, 4), dt.date(2027, 1, 11)  # Mondays; W1 holds every rule but two
KEYS = [W1, W2]
LOAD = """week hours capacity availableHours utilizationPercent scheduledHours holidayHours
  timeOffHours overbooked"""


@pytest.fixture
def cases(db, tokens):
    load_calendar_dataset(CASES)


def week(w, hours, cap, sched, hol=0.0, off=0.0, avail=None, util=None, over=False):
    return {
        "week": w.isoformat(),
        "hours": hours,
        "capacity": cap,
        "availableHours": max(0.0, cap - hours) if avail is None else avail,
        "utilizationPercent": util,
        "scheduledHours": sched,
        "holidayHours": hol,
        "timeOffHours": off,
        "overbooked": over,
    }


RULES = {
    # hired Wednesday: Wed..Fri at 40 / 5 = 8 h
    1: [week(W1, 30.0, 24.0, 24.0, util=125.0, over=True), week(W2, 20.0, 40.0, 40.0, util=50.0)],
    # leaves Thursday: Mon..Thu, then nothing; hours after the end date overbook the week
    2: [week(W1, 16.0, 32.0, 32.0, util=50.0), week(W2, 10.0, 0.0, 0.0, over=True)],
    # 8 h days until Wednesday, 6 h days from Thursday 2027-01-07: 3 x 8 + 2 x 6
    3: [week(W1, 36.0, 36.0, 36.0, util=100.0), week(W2, 0.0, 30.0, 30.0, util=0.0)],
    # own calendar (Southland) over the department's (Northland): Thursday off, not
    # Wednesday; Southland's Saturday 2027-01-16 removes nothing
    4: [
        week(W1, 8.0, 32.0, 40.0, hol=8.0, util=25.0),
        week(W2, 0.0, 40.0, 40.0, util=0.0),
    ],
    # Team has no calendar: Org's (Northland) applies, Wednesday off; Saturday's holiday
    # removes nothing
    5: [
        week(W1, 16.0, 32.0, 40.0, hol=8.0, util=50.0),
        week(W2, 40.0, 40.0, 40.0, util=100.0),
    ],
    # 4 h of leave on the Wednesday holiday: the day is gone once, as the holiday
    6: [
        week(W1, 20.0, 32.0, 40.0, hol=8.0, util=62.5),
        week(W2, 0.0, 40.0, 40.0, util=0.0),
    ],
    # Mon: whole day; Tue: whole day + 3 h, capped at 8; Wed: 3 h. 19 h of leave
    7: [
        week(W1, 10.0, 21.0, 40.0, off=19.0, util=47.6),
        week(W2, 0.0, 40.0, 40.0, util=0.0),
    ],
    # capacity 0 with hours: overbooked, no utilization
    8: [week(W1, 5.0, 0.0, 0.0, over=True), week(W2, 0.0, 0.0, 0.0)],
    # 33.33 / 5 = 6.666 h a day; Wednesday a holiday: 26.664 -> 26.66, holiday 6.666 -> 6.67
    9: [
        week(W1, 20.0, 26.66, 33.33, hol=6.67, avail=6.66, util=75.0),
        week(W2, 0.0, 33.33, 33.33, util=0.0),
    ],
    # 2.5 h a day Mon..Wed of W2
    10: [
        week(W1, 0.0, 40.0, 40.0, util=0.0),
        week(W2, 12.5, 32.5, 40.0, off=7.5, util=38.5),
    ],
}


def test_the_hand_written_rules_are_the_references():
    # The two sources of expected values agree, so each test below may use either.
    for pid, expected in RULES.items():
        assert [REF.week_load(pid, w) for w in KEYS] == expected, pid


@pytest.mark.parametrize("pid", list(RULES))
def test_person_hours_by_week(gql, cases, pid):
    r = gql.post(
        'query($id: ID!) { person(id: $id) { hoursByWeek(from: "2027-01-06", weeks: 2) { '
        + LOAD
        + " } } }",
        {"id": str(pid)},
    )
    assert r.data["person"]["hoursByWeek"] == RULES[pid]


def test_available_hours_and_utilization_of_a_week(gql, cases):
    r = gql.post(
        """{ people(first: 20) { edges { node { id availableHours(week: "2027-01-08")
             utilizationPercent(week: "2027-01-08") } } } }"""
    )
    assert {
        e["node"]["id"]: (e["node"]["availableHours"], e["node"]["utilizationPercent"])
        for e in r.data["people"]["edges"]
    } == {
        str(pid): (rows[0]["availableHours"], rows[0]["utilizationPercent"])
        for pid, rows in RULES.items()
    }


SIX_DAYS = dt.timedelta(days=6)

HEATMAP = """{ capacityHeatmap(from: "2027-01-04", weeks: 2) { weekKeys
  holidays { calendarId holidays { date name } } rows { person { id }
  weeklyCapacity hoursByWeek percentByWeek availableByWeek capacityByWeek timeOffByWeek
  holidayByWeek peakPercent averagePercent absences { kind startDate endDate hoursPerDay name
  timeOffId } holidayCalendarId } } }"""


def test_capacity_heatmap(gql, cases):
    heatmap = gql.post(HEATMAP).data["capacityHeatmap"]
    rows = heatmap["rows"]
    assert rows == [REF.heatmap_row(p, KEYS) for p in REF.active()]
    assert heatmap["holidays"] == REF.report_holidays(REF.active(), KEYS[0], KEYS[-1] + SIX_DAYS)
    by_id = {row["person"]["id"]: row for row in rows}
    finn, gus, ivy = by_id["6"], by_id["7"], by_id["9"]
    assert finn["capacityByWeek"] == {"2027-01-04": 32.0, "2027-01-11": 40.0}
    assert finn["holidayByWeek"] == {"2027-01-04": 8.0}
    assert finn["timeOffByWeek"] == {}
    assert finn["absences"] == [
        {
            "kind": "OTHER",
            "startDate": "2027-01-06",
            "endDate": "2027-01-06",
            "hoursPerDay": 4.0,
            "name": "Dentist",
            "timeOffId": "1",
        },
    ]
    # Finn's holidays are his calendar's, listed once for the report.
    finn_holidays = next(
        c["holidays"] for c in heatmap["holidays"] if c["calendarId"] == finn["holidayCalendarId"]
    )
    assert finn_holidays == [
        {"date": "2027-01-06", "name": "Midwinter Day"},
        {"date": "2027-01-09", "name": "Lantern Day"},
    ]
    assert gus["timeOffByWeek"] == {"2027-01-04": 19.0}
    assert [a["kind"] for a in gus["absences"]] == ["VACATION", "SICK"]
    assert ivy["percentByWeek"] == {"2027-01-04": 75.0, "2027-01-11": 0.0}
    assert ivy["averagePercent"] == 33.3  # 100 * 20 / (26.66 + 33.33)
    assert by_id["8"]["percentByWeek"] == {"2027-01-04": None, "2027-01-11": None}
    assert by_id["8"]["peakPercent"] is None


def test_grid_snapshot_people(gql, cases):
    r = gql.post(
        """{ gridSnapshot(from: "2027-01-04", weeks: 2) { holidays { calendarId
             holidays { date name } } people { id name weeklyCapacity
             departmentId roleId email firstEligibleWeek endDate capacityByWeek timeOffByWeek
             holidayByWeek absences { kind startDate endDate hoursPerDay name timeOffId }
             holidayCalendarId } } }"""
    )
    assert r.data["gridSnapshot"]["people"] == [
        REF.grid_person(p) | REF.grid_calendar(p, KEYS) for p in REF.active()
    ]
    assert r.data["gridSnapshot"]["holidays"] == REF.report_holidays(
        REF.active(), KEYS[0], KEYS[-1] + SIX_DAYS
    )
    ben = r.data["gridSnapshot"]["people"][1]
    assert (ben["id"], ben["endDate"], ben["capacityByWeek"]) == (
        "2",
        "2027-01-07",
        {"2027-01-04": 32.0, "2027-01-11": 0.0},
    )


FIND = """query($week: Date, $skills: [String!]) { findAvailable(week: $week, skills: $skills,
  limit: 100) { person { id } score availableHours capacity utilizationPercent skillScore
  matchedSkills missingSkills hours } }"""


@pytest.mark.parametrize("day", [W1, W2])
def test_find_available(gql, cases, day):
    for skills in (None, ["Python"]):
        r = gql.post(FIND, {"week": day.isoformat(), "skills": skills})
        assert r.data["findAvailable"] == REF.find_available(day, skills), skills


def test_find_available_capacity_per_rule(gql, cases):
    r = gql.post(FIND, {"week": "2027-01-04", "skills": None})
    got = {row["person"]["id"]: row for row in r.data["findAvailable"]}
    assert {
        pid: (row["capacity"], row["availableHours"], row["utilizationPercent"])
        for pid, row in got.items()
    } == {
        str(pid): (rows[0]["capacity"], rows[0]["availableHours"], rows[0]["utilizationPercent"])
        for pid, rows in RULES.items()
    }
    # 100 % available without skills: score 0.5 * 100
    assert got["3"]["score"] == 0.0 and got["2"]["score"] == 25.0


def test_skill_match_with_a_week(gql, cases):
    doc = """query($week: Date) { skillMatch(skills: ["python"], week: $week, limit: 50) {
      person { id } score skillScore matchedSkills missingSkills } }"""
    for day in KEYS:
        r = gql.post(doc, {"week": day.isoformat()})
        assert r.data["skillMatch"] == REF.skill_match(["python"], day), day
    # Ada (1) is overbooked in W1: 0.7 * 100 + 0.3 * 0; Gus (7): 0.7 * 100 + 0.3 * 100 * 11 / 21
    r = gql.post(doc, {"week": "2027-01-04"})
    assert {m["person"]["id"]: m["score"] for m in r.data["skillMatch"]} == {
        "1": 70.0,
        "4": 92.5,
        "7": 85.7,
        "10": 100.0,
    }


def test_project_availability(gql, cases):
    doc = """query($week: Date) { project(id: "1") { availability(week: $week) { person { id }
      projectHours totalHours capacity availableHours utilizationPercent } } }"""
    for day in KEYS:
        r = gql.post(doc, {"week": day.isoformat()})
        assert r.data["project"]["availability"] == [
            REF.availability_row(p["id"], 1, day) for p in REF.active()
        ], day


def test_role_capacity(gql, cases):
    r = gql.post(
        """{ roleCapacity(from: "2027-01-04", weeks: 2) { weekKeys roles { id name }
             series { role { id } assigned capacity } } }"""
    )
    assert r.data["roleCapacity"] == {
        "weekKeys": ["2027-01-04", "2027-01-11"],
        "roles": [{"id": "2", "name": "Designer"}, {"id": "1", "name": "Engineer"}],
        "series": [
            {"role": {"id": str(rid)}, "assigned": assigned, "capacity": capacity}
            for rid in (2, 1)
            for assigned, capacity in [REF.role_capacity(rid, KEYS)]
        ],
    }
    # Engineers: Ada 24 + Ben 32 + Dan 32 + Finn 32 + Gus 21 + Ivy 26.66 in W1
    assert r.data["roleCapacity"]["series"][1]["capacity"] == [167.66, 193.33]


def test_every_person_week_of_small_calendar_matches_the_reference(gql, db, tokens):
    # datasets/small_calendar.json: 60 people x 26 weeks of generated schedules, holidays,
    # end dates and time off; the heatmap and hoursByWeek against the reference, every cell.
    path = DATASETS / "small_calendar.json"
    load_calendar_dataset(path)
    ref = Reference.of(path)
    keys = [dt.date(2026, 11, 2) + dt.timedelta(weeks=i) for i in range(26)]
    rows = gql.post(HEATMAP.replace('"2027-01-04", weeks: 2', '"2026-11-02", weeks: 26')).data
    assert rows["capacityHeatmap"]["rows"] == [ref.heatmap_row(p, keys) for p in ref.active()]
    assert rows["capacityHeatmap"]["holidays"] == ref.report_holidays(
        ref.active(), keys[0], keys[-1] + SIX_DAYS
    )
    r = gql.post(
        "{ people(first: 100, includeInactive: true) { edges { node { id hoursByWeek(from: "
        '"2026-11-02", weeks: 26) { ' + LOAD + " } } } } }"
    )
    got = {int(e["node"]["id"]): e["node"]["hoursByWeek"] for e in r.data["people"]["edges"]}
    assert got == {pid: [ref.week_load(pid, w) for w in keys] for pid in ref.people}
    cells = [w for weeks in got.values() for w in weeks]
    assert sum(1 for w in cells if w["holidayHours"]) > 20
    assert sum(1 for w in cells if w["timeOffHours"]) > 20
    assert sum(1 for w in cells if w["scheduledHours"] != w["capacity"]) > 50
