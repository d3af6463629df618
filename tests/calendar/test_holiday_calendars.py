"""createHolidayCalendar, setHolidays, assignHolidayCalendar: payloads, refusals that change
nothing, and the catalogue rule (restricted tokens: FORBIDDEN, except for their own people)."""

import datetime as dt

import pytest

from calendars.models import Holiday, HolidayCalendar
from people.models import Department, Person
from tests.calendar import ASSIGN_CALENDAR, CREATE_CALENDAR, SET_HOLIDAYS, state
from tests.helpers import only_error

CATALOGUE = "A department-restricted viewer cannot change the holiday calendars"


def calendar(name="Bavaria", days=()) -> HolidayCalendar:
    cal = HolidayCalendar.objects.create(name=name, country="DE", subdivision="BY")
    Holiday.objects.bulk_create(Holiday(calendar=cal, date=d, name=n) for d, n in days)
    return cal


def holidays_of(cal) -> list[tuple[str, str]]:
    return [
        (d.isoformat(), n) for d, n in cal.holidays.order_by("date").values_list("date", "name")
    ]


# --- createHolidayCalendar -----------------------------------------------------------------


def test_create_holiday_calendar(gql):
    r = gql.post(
        CREATE_CALENDAR, {"input": {"name": "  Bavaria  ", "country": "DE", "subdivision": "BY"}}
    )
    created = r.data["createHolidayCalendar"]["holidayCalendar"]
    row = HolidayCalendar.objects.get()
    assert created == {
        "id": str(row.pk),
        "name": "Bavaria",
        "country": "DE",
        "subdivision": "BY",
        "holidays": [],
    }
    assert (row.name, row.country, row.subdivision) == ("Bavaria", "DE", "BY")


def test_create_holiday_calendar_with_only_a_name(gql):
    r = gql.post(CREATE_CALENDAR, {"input": {"name": "Company days"}})
    created = r.data["createHolidayCalendar"]["holidayCalendar"]
    assert (created["name"], created["country"], created["subdivision"]) == (
        "Company days",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("given", "message", "field"),
    [
        ({"name": "BAVARIA"}, "A holiday calendar named BAVARIA exists", "input.name"),
        ({"name": "  "}, "input.name must not be blank", "input.name"),
        ({"name": "x" * 201}, "input.name must be at most 200 characters", "input.name"),
        (
            {"name": "Hesse", "country": "de"},
            "input.country must be two uppercase letters (ISO 3166-1 alpha-2), got 'de'",
            "input.country",
        ),
        (
            {"name": "Hesse", "country": "DEU"},
            "input.country must be two uppercase letters (ISO 3166-1 alpha-2), got 'DEU'",
            "input.country",
        ),
        (
            {"name": "Hesse", "subdivision": "X" * 11},
            "input.subdivision must be at most 10 characters",
            "input.subdivision",
        ),
    ],
)
def test_create_holiday_calendar_refusals_change_nothing(gql, given, message, field):
    calendar("Bavaria")
    before = state()
    r = gql.post(CREATE_CALENDAR, {"input": given})
    assert only_error(r) == (message, {"code": "BAD_USER_INPUT", "field": field})
    assert state() == before


def test_names_differing_only_in_non_ascii_case_are_one_name(gql):
    calendar("Île-de-France")
    r = gql.post(CREATE_CALENDAR, {"input": {"name": "ÎLE-DE-FRANCE"}})
    assert only_error(r) == (
        "A holiday calendar named ÎLE-DE-FRANCE exists",
        {"code": "BAD_USER_INPUT", "field": "input.name"},
    )
    assert HolidayCalendar.objects.count() == 1


# --- setHolidays ---------------------------------------------------------------------------

YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


def test_set_holidays_replaces_exactly_the_range(gql):
    cal = calendar(
        days=[
            (dt.date(2025, 12, 26), "St Stephen's Day 2025"),  # before the range: kept
            (dt.date(2026, 5, 1), "Labour Day (old name)"),  # inside: replaced
            (dt.date(2026, 8, 15), "Assumption"),  # inside, not listed: removed
            (dt.date(2027, 1, 1), "New Year 2027"),  # after the range: kept
        ]
    )
    r = gql.post(
        SET_HOLIDAYS,
        YEAR
        | {
            "id": str(cal.pk),
            "holidays": [
                {"date": "2026-12-25", "name": "Christmas Day"},
                {"date": "2026-01-01", "name": "New Year"},
                {"date": "2026-05-01", "name": "Labour Day"},
            ],
        },
    )
    assert r.data["setHolidays"]["holidayCalendar"] == {
        "id": str(cal.pk),
        "name": "Bavaria",
        "country": "DE",
        "subdivision": "BY",
        "holidays": [
            {"date": "2025-12-26", "name": "St Stephen's Day 2025"},
            {"date": "2026-01-01", "name": "New Year"},
            {"date": "2026-05-01", "name": "Labour Day"},
            {"date": "2026-12-25", "name": "Christmas Day"},
            {"date": "2027-01-01", "name": "New Year 2027"},
        ],
    }
    assert holidays_of(cal) == [
        ("2025-12-26", "St Stephen's Day 2025"),
        ("2026-01-01", "New Year"),
        ("2026-05-01", "Labour Day"),
        ("2026-12-25", "Christmas Day"),
        ("2027-01-01", "New Year 2027"),
    ]


def test_an_empty_list_clears_the_range(gql):
    cal = calendar(days=[(dt.date(2026, 5, 1), "Labour Day"), (dt.date(2027, 5, 1), "Labour")])
    r = gql.post(SET_HOLIDAYS, YEAR | {"id": str(cal.pk), "holidays": []})
    assert r.data["setHolidays"]["holidayCalendar"]["holidays"] == [
        {"date": "2027-05-01", "name": "Labour"}
    ]


@pytest.mark.parametrize(
    ("variables", "code", "message", "field"),
    [
        (
            {
                "holidays": [
                    {"date": "2026-01-01", "name": "A"},
                    {"date": "2027-01-01", "name": "B"},
                ]
            },
            "BAD_USER_INPUT",
            "holidays.1.date 2027-01-01 is outside 2026-01-01..2026-12-31",
            "holidays.1.date",
        ),
        (
            {
                "holidays": [
                    {"date": "2026-12-25", "name": "A"},
                    {"date": "2026-12-25", "name": "B"},
                ]
            },
            "BAD_USER_INPUT",
            "holidays.1.date 2026-12-25 is listed twice",
            "holidays.1.date",
        ),
        (
            {"holidays": [{"date": "2026-12-25", "name": " "}]},
            "BAD_USER_INPUT",
            "holidays.0.name must not be blank",
            "holidays.0.name",
        ),
        (
            {"holidays": [{"date": "2026-12-25", "name": "x" * 201}]},
            "BAD_USER_INPUT",
            "holidays.0.name must be at most 200 characters",
            "holidays.0.name",
        ),
        (
            {"from": "2026-12-31", "to": "2026-01-01"},
            "BAD_USER_INPUT",
            "to must be on or after from",
            "to",
        ),
        (
            {"from": "2026-01-01", "to": "2036-01-02"},  # 3654 days
            "BAD_USER_INPUT",
            "from..to spans at most 3653 days (ten years), got 3654",
            "to",
        ),
        (
            {"id": "999999"},
            "NOT_FOUND",
            "Holiday calendar 999999 not found",
            "calendarId",
        ),
        (
            {"holidays": [{"date": "2026-01-01", "name": "x"}] * 1001},
            "REQUEST_TOO_LARGE",
            # past every bound in the schema: refused before coercion, in generic words
            "holidays holds 1001 items; at most 1000",
            "holidays",
        ),
    ],
)
def test_set_holidays_refusals_change_nothing(gql, variables, code, message, field):
    cal = calendar(days=[(dt.date(2026, 8, 15), "Assumption")])
    before = state()
    r = gql.post(SET_HOLIDAYS, YEAR | {"id": str(cal.pk), "holidays": []} | variables)
    assert only_error(r) == (message, {"code": code, "field": field})
    assert state() == before


def test_a_range_of_exactly_ten_years_is_accepted(gql):
    cal = calendar()
    r = gql.post(
        SET_HOLIDAYS,
        {"id": str(cal.pk), "from": "2026-01-01", "to": "2036-01-01", "holidays": []},
    )
    assert r.data["setHolidays"]["holidayCalendar"]["id"] == str(cal.pk)


# --- assignHolidayCalendar -----------------------------------------------------------------


def test_assign_to_a_department_and_its_subtree_follows(gql):
    cal = calendar()
    r = gql.post(ASSIGN_CALENDAR, {"calendar": str(cal.pk), "department": "1"})
    assert r.data == {
        "assignHolidayCalendar": {
            "person": None,
            "department": {"id": "1", "holidayCalendar": {"name": "Bavaria"}},
        }
    }
    assert Department.objects.get(pk=1).holiday_calendar_id == cal.pk
    # person 4 is in Web (3), under Engineering (1): inherited
    r = gql.post('{ person(id: "4") { holidayCalendar { name } holidayCalendarInherited } }')
    assert r.data == {
        "person": {"holidayCalendar": {"name": "Bavaria"}, "holidayCalendarInherited": True}
    }


def test_a_persons_own_calendar_overrides_the_departments(gql):
    Department.objects.filter(pk=1).update(holiday_calendar=calendar("Bavaria"))
    own = calendar("Berlin")
    r = gql.post(ASSIGN_CALENDAR, {"calendar": str(own.pk), "person": "4"})
    assert r.data == {
        "assignHolidayCalendar": {
            "person": {
                "id": "4",
                "holidayCalendar": {"name": "Berlin"},
                "holidayCalendarInherited": False,
            },
            "department": None,
        }
    }
    assert Person.objects.get(pk=4).holiday_calendar_id == own.pk
    # null clears the person's own: the department's shows through again
    r = gql.post(ASSIGN_CALENDAR, {"calendar": None, "person": "4"})
    assert r.data["assignHolidayCalendar"]["person"] == {
        "id": "4",
        "holidayCalendar": {"name": "Bavaria"},
        "holidayCalendarInherited": True,
    }
    assert Person.objects.get(pk=4).holiday_calendar_id is None


def test_no_calendar_anywhere_is_null_and_not_inherited(gql):
    r = gql.post('{ person(id: "4") { holidayCalendar { name } holidayCalendarInherited } }')
    assert r.data == {"person": {"holidayCalendar": None, "holidayCalendarInherited": False}}


@pytest.mark.parametrize(
    ("variables", "code", "message", "field"),
    [
        ({}, "BAD_USER_INPUT", "Give exactly one of personId and departmentId", "personId"),
        (
            {"person": "4", "department": "3"},
            "BAD_USER_INPUT",
            "Give exactly one of personId and departmentId",
            "personId",
        ),
        (
            {"calendar": "999999", "person": "4"},
            "NOT_FOUND",
            "Holiday calendar 999999 not found",
            "calendarId",
        ),
        ({"person": "999999"}, "NOT_FOUND", "Person 999999 not found", "personId"),
        ({"department": "999999"}, "NOT_FOUND", "Department 999999 not found", "departmentId"),
        (
            {"department": "x"},
            "BAD_USER_INPUT",
            "departmentId must be a numeric id, got 'x'",
            "departmentId",
        ),
    ],
)
def test_assign_refusals_change_nothing(gql, variables, code, message, field):
    cal = calendar()
    before = state()
    r = gql.post(ASSIGN_CALENDAR, {"calendar": str(cal.pk)} | variables)
    assert only_error(r) == (message, {"code": code, "field": field})
    assert state() == before


# --- the catalogue and restricted tokens ----------------------------------------------------


def test_a_restricted_write_token_cannot_change_the_catalogue(client_for, tokens):
    web = client_for(tokens.web)
    cal = calendar()
    before = state()
    r = web.post(CREATE_CALENDAR, {"input": {"name": "Hesse"}})
    assert only_error(r) == (CATALOGUE, {"code": "FORBIDDEN"})
    r = web.post(SET_HOLIDAYS, YEAR | {"id": str(cal.pk), "holidays": []})
    assert only_error(r) == (CATALOGUE, {"code": "FORBIDDEN"})
    r = web.post(ASSIGN_CALENDAR, {"calendar": str(cal.pk), "department": "3"})
    assert only_error(r) == (
        "A department-restricted viewer cannot assign a holiday calendar to a department",
        {"code": "FORBIDDEN"},
    )
    assert state() == before


def test_a_restricted_write_token_assigns_a_calendar_to_its_own_people_only(client_for, tokens):
    web = client_for(tokens.web)  # department 3: person 4 in, person 25 out
    cal = calendar()
    r = web.post(ASSIGN_CALENDAR, {"calendar": str(cal.pk), "person": "4"})
    assert r.data["assignHolidayCalendar"]["person"] == {
        "id": "4",
        "holidayCalendar": {"name": "Bavaria"},
        "holidayCalendarInherited": False,
    }
    before = state()
    r = web.post(ASSIGN_CALENDAR, {"calendar": str(cal.pk), "person": "25"})
    assert only_error(r) == ("Person 25 not found", {"code": "NOT_FOUND", "field": "personId"})
    assert state() == before
