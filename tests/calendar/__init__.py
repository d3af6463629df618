"""The availability calendar's GraphQL reads and writes (graphql_schema/calendars)."""

from calendars.models import Holiday, HolidayCalendar, TimeOff, WorkSchedule
from tests.helpers import db_state

CALENDAR_MODELS = (HolidayCalendar, Holiday, WorkSchedule, TimeOff)


def state() -> dict[str, list[tuple]]:
    """Every row of the domain and calendar tables: equal before and after a refused write."""
    return db_state() | {
        m.__name__: list(m.objects.order_by("pk").values_list()) for m in CALENDAR_MODELS
    }


def rows(model) -> int:
    return model.objects.count()


TIME_OFF_FIELDS = """id person { id name } startDate endDate hoursPerDay kind note
  createdAt updatedAt"""
CREATE_TIME_OFF = (
    "mutation($input: CreateTimeOffInput!) { createTimeOff(input: $input) { timeOff { "
    + TIME_OFF_FIELDS
    + " } } }"
)
UPDATE_TIME_OFF = (
    "mutation($id: ID!, $input: UpdateTimeOffInput!) { updateTimeOff(id: $id, input: $input) "
    "{ timeOff { " + TIME_OFF_FIELDS + " } } }"
)
DELETE_TIME_OFF = "mutation($id: ID!) { deleteTimeOff(id: $id) { id } }"
SET_SCHEDULE = """mutation($person: ID!, $from: Date!, $hours: [Float!]) {
  setWorkSchedule(personId: $person, effectiveFrom: $from, hours: $hours) { person { id
    schedules { effectiveFrom hours weeklyHours }
    hoursByWeek(from: "2026-12-21", weeks: 1) { week capacity scheduledHours } } } }"""
CALENDAR_FIELDS = "id name country subdivision holidays { date name }"
CREATE_CALENDAR = (
    "mutation($input: CreateHolidayCalendarInput!) { createHolidayCalendar(input: $input) "
    "{ holidayCalendar { " + CALENDAR_FIELDS + " } } }"
)
SET_HOLIDAYS = (
    """mutation($id: ID!, $from: Date!, $to: Date!, $holidays: [HolidayInput!]!) {
  setHolidays(calendarId: $id, from: $from, to: $to, holidays: $holidays) {
    holidayCalendar { """
    + CALENDAR_FIELDS
    + " } } }"
)
ASSIGN_CALENDAR = """mutation($calendar: ID, $person: ID, $department: ID) {
  assignHolidayCalendar(calendarId: $calendar, personId: $person, departmentId: $department) {
    person { id holidayCalendar { name } holidayCalendarInherited }
    department { id holidayCalendar { name } } } }"""


def iso(value) -> str:
    return value.isoformat()
