"""gridSnapshot reads the calendar (schedules, holidays, time off) and the placeholders only
when the document selects a field made from them (graphql_schema.selection): however the
document selects such a field (directly, aliased, in a named or an inline fragment, kept by
@include), the field's value is the one the full document gets, on both execution paths,
and a document that selects none (or only skipped ones) reads neither."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.access import EVERYTHING
from assignments import aggregates
from graphql_schema.reports.types import GridAssignment, GridAssignmentRow
from tests.calendar_data import sequences_kept_ahead
from tests.compiled_corpus import TOKEN_TABLE
from tests.demand.test_candidates import DATA

ALL = """{ gridSnapshot(from: "2026-11-02", weeks: 12) { holidays { calendarId holidays {
  date name } } people { id firstEligibleWeek capacityByWeek timeOffByWeek holidayByWeek
  absences { kind startDate name } holidayCalendarId } hoursByPerson placeholders { id
  hoursByWeek } placeholderAssignments { id weeklyHours } } }"""
PERSON_CALENDAR = ["capacityByWeek", "timeOffByWeek", "holidayByWeek", "holidayCalendarId"]
# people, assignment weeks, assignments; the calendar adds the department tree (inherited
# holiday calendars), schedules, holidays and time off; the placeholders their assignments
# and their weeks
PLAIN, CALENDAR, PLACEHOLDERS = 3, 4, 2


@pytest.fixture(params=[False, True], ids=["graphql-core", "compiled"])
def grid(request, settings, gql, db, tokens, tmp_path):
    # small_calendar.json with small_demand.json's placeholders: schedules, holidays, time
    # off and placeholders' hours in the window
    path = tmp_path / "demand.json"
    path.write_text(json.dumps(DATA))
    with sequences_kept_ahead():
        call_command("load_dataset", str(path), "--replace", stdout=StringIO())
    settings.COMPILED_QUERIES = request.param
    settings.RESPONSE_CACHE_TTL = 0

    def post(document, variables=None):
        with CaptureQueriesContext(connection) as queries:
            r = gql.post(document, variables)
        assert "errors" not in r.body, r.body
        sql = [q for q in queries.captured_queries if TOKEN_TABLE not in q["sql"]]
        return r.data["gridSnapshot"], len(sql)

    return post


def test_the_full_document_reads_everything(grid):
    full, count = grid(ALL)
    assert count == PLAIN + CALENDAR + PLACEHOLDERS
    assert any(p["capacityByWeek"] for p in full["people"])
    assert full["holidays"] and any(p["absences"] for p in full["people"])
    assert full["placeholders"] and full["placeholderAssignments"]


@pytest.mark.parametrize("name", PERSON_CALENDAR)
def test_each_calendar_field_alone_in_a_fragment(grid, name):
    full, _ = grid(ALL)
    document = f"""{{ gridSnapshot(from: "2026-11-02", weeks: 12) {{ people {{ id
      ...on GridPerson {{ x: {name} }} }} }} }}"""
    people, count = grid(document)
    assert count == PLAIN + CALENDAR
    assert [p["x"] for p in people["people"]] == [p[name] for p in full["people"]]


def test_holidays_and_absences_in_a_named_fragment(grid):
    full, _ = grid(ALL)
    document = """query { gridSnapshot(from: "2026-11-02", weeks: 12) { ...G } }
      fragment G on GridSnapshot { holidays { calendarId holidays { date name } }
      people { absences { kind startDate name } } }"""
    answer, count = grid(document)
    assert count == PLAIN + CALENDAR
    assert answer["holidays"] == full["holidays"]
    assert [p["absences"] for p in answer["people"]] == [p["absences"] for p in full["people"]]


def test_placeholders_without_the_calendar(grid):
    full, _ = grid(ALL)
    document = """{ gridSnapshot(from: "2026-11-02", weeks: 12) { people { id firstEligibleWeek }
      placeholderAssignments { id weeklyHours } } }"""
    answer, count = grid(document)
    assert count == PLAIN + PLACEHOLDERS
    assert answer["placeholderAssignments"] == full["placeholderAssignments"]
    assert [p["firstEligibleWeek"] for p in answer["people"]] == [
        p["firstEligibleWeek"] for p in full["people"]
    ]


@pytest.mark.parametrize("skip", [True, False])
def test_skip_and_include(grid, skip):
    full, _ = grid(ALL)
    document = """query($skip: Boolean!) { gridSnapshot(from: "2026-11-02", weeks: 12) {
      people { id capacityByWeek @skip(if: $skip) } hoursByPerson
      placeholders @include(if: $skip) { id } } }"""
    answer, count = grid(document, {"skip": skip})
    assert count == PLAIN + (PLACEHOLDERS if skip else CALENDAR)
    assert answer["hoursByPerson"] == full["hoursByPerson"]
    if skip:
        assert answer["placeholders"] == [{"id": p["id"]} for p in full["placeholders"]]
    else:
        assert [p["capacityByWeek"] for p in answer["people"]] == [
            p["capacityByWeek"] for p in full["people"]
        ]


ROWS = """{ gridSnapshot(from: "2026-11-02", weeks: 12) { assignments { __typename id personId
  projectId projectName projectClient roleOnProject version weeklyHours status
  ... on GridAssignment { again: id } } } }"""


def test_assignment_rows_answer_as_the_type(grid):
    """The assignments are GridAssignmentRow tuples with the type's attributes: each field,
    __typename and a fragment on the type included, answers their values on both paths."""
    assert GridAssignmentRow._fields == tuple(
        f.python_name for f in GridAssignment.__strawberry_definition__.fields
    )
    answer, count = grid(ROWS)
    assert count == PLAIN
    first = dt.date(2026, 11, 2)
    rows = aggregates.grid_json(EVERYTHING, None, first, first + dt.timedelta(weeks=11))
    assert answer["assignments"] == [
        {
            "__typename": "GridAssignment",
            "id": str(a_id),
            "personId": str(person_id),
            "projectId": str(project_id),
            "projectName": name,
            "projectClient": client,
            "roleOnProject": role,
            "version": version,
            "weeklyHours": rows.hours_by_assignment.get(a_id, {}),
            "status": status.upper(),
            "again": str(a_id),
        }
        for a_id, person_id, project_id, name, client, role, version, status in rows.assignments
    ]
    assert any(a["weeklyHours"] for a in answer["assignments"])
    assert {a["status"] for a in answer["assignments"]} == {"CONFIRMED", "TENTATIVE"}
