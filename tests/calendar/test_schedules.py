"""setWorkSchedule: upsert by (person, effectiveFrom), null hours remove, refusals, scope."""

import datetime as dt
from decimal import Decimal

import pytest

from calendars.models import WorkSchedule
from tests.calendar import SET_SCHEDULE, state
from tests.helpers import only_error

PART_TIME = [8, 8, 8, 8, 4.5, 0, 0]  # 36.5 h a week


def test_set_work_schedule_creates_one_and_capacity_follows_it(gql):
    r = gql.post(SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": PART_TIME})
    assert r.data == {
        "setWorkSchedule": {
            "person": {
                "id": "4",
                "schedules": [
                    {
                        "effectiveFrom": "2026-12-21",
                        "hours": [8.0, 8.0, 8.0, 8.0, 4.5, 0.0, 0.0],
                        "weeklyHours": 36.5,
                    }
                ],
                # scheduled(P, d) from the schedule in effect; no holidays or time off
                "hoursByWeek": [{"week": "2026-12-21", "capacity": 36.5, "scheduledHours": 36.5}],
            }
        }
    }
    row = WorkSchedule.objects.get(person_id=4)
    assert (row.effective_from, row.hours) == (
        dt.date(2026, 12, 21),
        tuple(Decimal(h).quantize(Decimal("0.01")) for h in PART_TIME),
    )


def test_set_work_schedule_replaces_the_one_of_the_same_day_and_keeps_others(gql):
    gql.post(SET_SCHEDULE, {"person": "4", "from": "2026-01-05", "hours": [8] * 5 + [0, 0]})
    gql.post(SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": PART_TIME})
    r = gql.post(SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": [6] * 5 + [2, 0]})
    person = r.data["setWorkSchedule"]["person"]
    assert person["schedules"] == [
        {"effectiveFrom": "2026-01-05", "hours": [8.0] * 5 + [0.0, 0.0], "weeklyHours": 40.0},
        {"effectiveFrom": "2026-12-21", "hours": [6.0] * 5 + [2.0, 0.0], "weeklyHours": 32.0},
    ]
    assert person["hoursByWeek"] == [
        {"week": "2026-12-21", "capacity": 32.0, "scheduledHours": 32.0}
    ]
    assert WorkSchedule.objects.filter(person_id=4).count() == 2


def test_null_hours_remove_the_schedule_of_that_day(gql):
    gql.post(SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": PART_TIME})
    r = gql.post(SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": None})
    # no schedule in effect: weeklyCapacity / 5 on Monday..Friday (40 for Lynn)
    assert r.data["setWorkSchedule"]["person"]["schedules"] == []
    assert r.data["setWorkSchedule"]["person"]["hoursByWeek"] == [
        {"week": "2026-12-21", "capacity": 40.0, "scheduledHours": 40.0}
    ]
    assert WorkSchedule.objects.count() == 0


@pytest.mark.parametrize(
    ("variables", "code", "message", "field"),
    [
        (
            {"from": "2026-12-22", "hours": None},
            "NOT_FOUND",
            "Person 4 has no schedule effective from 2026-12-22",
            "effectiveFrom",
        ),
        (
            {"hours": [8, 8, 8, 8, 8, 0]},
            "BAD_USER_INPUT",
            "hours must hold 7 numbers (Monday..Sunday), got 6",
            "hours",
        ),
        ({"hours": [8] * 8}, "REQUEST_TOO_LARGE", "hours holds 8 days; at most 7", "hours"),
        (
            {"hours": [8, 8, 24.01, 8, 8, 0, 0]},
            "BAD_USER_INPUT",
            "hours.2 must be between 0 and 24, got 24.01",
            "hours.2",
        ),
        (
            {"hours": [8, 8, 8, 8, 8, 0, -0.5]},
            "BAD_USER_INPUT",
            "hours.6 must be between 0 and 24, got -0.5",
            "hours.6",
        ),
        (
            {"hours": [8, 8, 8, 8, 7.999, 0, 0]},
            "BAD_USER_INPUT",
            "hours.4 must have at most two decimals, got 7.999",
            "hours.4",
        ),
        (
            {"from": "9999-12-27"},
            "BAD_USER_INPUT",
            "effectiveFrom must be on or before 9999-12-26, got 9999-12-27",
            "effectiveFrom",
        ),
        ({"person": "999999"}, "NOT_FOUND", "Person 999999 not found", "personId"),
    ],
)
def test_set_work_schedule_refusals_change_nothing(gql, variables, code, message, field):
    gql.post(SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": PART_TIME})
    before = state()
    r = gql.post(
        SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": PART_TIME} | variables
    )
    assert only_error(r) == (message, {"code": code, "field": field})
    assert state() == before


def test_a_restricted_write_token_sets_only_its_peoples_schedules(client_for, tokens):
    web = client_for(tokens.web)  # department 3: person 4 in, person 25 out
    r = web.post(SET_SCHEDULE, {"person": "4", "from": "2026-12-21", "hours": PART_TIME})
    assert r.data["setWorkSchedule"]["person"]["schedules"][0]["weeklyHours"] == 36.5
    before = state()
    r = web.post(SET_SCHEDULE, {"person": "25", "from": "2026-12-21", "hours": PART_TIME})
    assert only_error(r) == ("Person 25 not found", {"code": "NOT_FOUND", "field": "personId"})
    assert state() == before
