"""Each report costs a fixed number of SQL queries, the same on small.json, medium.json and
small_calendar.json (plus its holidays query)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.calendar_data import load_calendar_dataset
from tests.client import exact_queries
from tests.conftest import DATASETS, MEDIUM

REPORTS = {
    # token, department tree (whose calendars people inherit), people, person-week sums,
    # then the calendar: schedules, [holidays,] time off
    "heatmap": (
        6,
        """{ capacityHeatmap(from: "2026-11-02", weeks: 26) { weekKeys rows { person { id name }
             weeklyCapacity hoursByWeek percentByWeek availableByWeek peakPercent
             averagePercent } } }""",
    ),
    # token, department tree, people, person-week sums, schedules, [holidays,] time off
    "heatmap in a department subtree": (
        6,
        """{ capacityHeatmap(from: "2026-11-02", weeks: 12, department: "1",
             includeChildren: true) { rows { person { id } hoursByWeek } } }""",
    ),
    # token, people, skills
    "skillMatch": (
        3,
        """{ skillMatch(skills: ["Python", "React", "SQL"], limit: 100) { person { id name }
             score skillScore matchedSkills missingSkills } }""",
    ),
    # token, department tree, people, person-week sums, skills, schedules, [holidays,]
    # time off
    "skillMatch with a week": (
        7,
        """{ skillMatch(skills: ["Python"], week: "2026-11-16", limit: 100) { person { id }
             score } }""",
    ),
    # token, department tree, people, person-week sums, skills, schedules, [holidays,]
    # time off
    "findAvailable": (
        7,
        """{ findAvailable(week: "2026-11-16", skills: ["Python", "Figma"], limit: 100) {
             person { id name } score availableHours capacity utilizationPercent skillScore
             matchedSkills missingSkills } }""",
    ),
    # token, projects page, department tree, assignments, people, person-week sums,
    # project-week sums, schedules, [holidays,] time off
    "projects with availability": (
        9,
        """{ projects(first: 20) { edges { node { id availability(week: "2026-11-16") {
             person { id name } projectHours totalHours capacity availableHours
             utilizationPercent } everyone: availability(week: "2026-11-16",
             scope: DEPARTMENTS) { person { id } } } } } }""",
    ),
    # token, department tree, people, assignment weeks, assignments with their projects,
    # placeholders' assignments with their projects and placeholders, their weeks,
    # schedules, [holidays,] time off
    "gridSnapshot with its calendar and placeholders": (
        9,
        """{ gridSnapshot(from: "2026-11-02", weeks: 26) { weekKeys holidays { calendarId }
             people { id capacityByWeek absences { kind } holidayCalendarId } hoursByPerson
             assignments { id weeklyHours } placeholders { id hoursByWeek }
             placeholderAssignments { id weeklyHours } } }""",
    ),
    # 4, was 9: a document selecting no calendar field and no placeholder reads neither,
    # nor the department tree (for the inherited holiday calendars; the bench's document,
    # tests/bench/old_commit.py): token, people, assignment weeks, assignments with their
    # projects
    "gridSnapshot": (
        4,
        """{ gridSnapshot(from: "2026-11-02", weeks: 26) { weekKeys people { id name
             weeklyCapacity departmentId firstEligibleWeek } hoursByPerson assignments { id
             personId projectId projectName projectClient version weeklyHours } } }""",
    ),
    # token, department tree, people, schedules, [holidays,] time off, then on PostgreSQL
    # one role x week statement, on the portable path the person-week sums; placeholder
    # hours by role and week; roles
    "roleCapacity": (
        8,
        """{ roleCapacity(from: "2026-11-02", weeks: 26) { weekKeys roles { id name }
             series { role { name } assigned capacity unstaffed } } }""",
    ),
    # the same, with includeTentative false: a WHERE, no query more
    "roleCapacity without tentative hours": (
        8,
        """{ roleCapacity(from: "2026-11-02", weeks: 26, includeTentative: false) {
             series { assigned capacity unstaffed } } }""",
    ),
    # 6, was 9: placeholders selected, no calendar field (token, people, assignment weeks,
    # assignments, placeholders' assignments, their weeks)
    "gridSnapshot without tentative hours": (
        6,
        """{ gridSnapshot(from: "2026-11-02", weeks: 26, includeTentative: false) {
             people { id } assignments { id status weeklyHours } placeholders { id
             hoursByWeek } placeholderAssignments { id status weeklyHours } } }""",
    ),
    "heatmap without tentative hours": (
        6,
        """{ capacityHeatmap(from: "2026-11-02", weeks: 26, includeTentative: false) {
             rows { person { id } hoursByWeek tentativeByWeek } } }""",
    ),
}


# The holidays query runs when someone in the report follows a holiday calendar: only
# small_calendar.json has calendars (skillMatch without a week reads no calendar).
WITHOUT_CALENDAR = {"skillMatch", "gridSnapshot", "gridSnapshot without tentative hours"}


@pytest.fixture(params=["small", "medium", "small_calendar"])
def dataset(request, db, tokens):
    if request.param == "medium":
        call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())
    elif request.param == "small_calendar":
        load_calendar_dataset(DATASETS / "small_calendar.json")
    return request.param


@pytest.mark.parametrize("name", list(REPORTS))
def test_report_query_count_does_not_depend_on_the_data(gql, dataset, name):
    expected, document = REPORTS[name]
    if dataset == "small_calendar" and name not in WITHOUT_CALENDAR:
        expected += 1
    with exact_queries(expected):
        r = gql.post(document)
    assert r.status == 200
    assert "errors" not in r.body, r.body


@pytest.mark.parametrize("dataset", ["small", "medium"], indirect=True)
def test_bulk_update_costs_a_fixed_number_of_queries(gql, dataset):
    items = [
        {"assignmentId": str(i), "expectedVersion": 1, "weeklyHours": {"2027-03-01": 1}}
        for i in range(1, 21)
    ]
    items[0]["mode"] = "REPLACE"
    items[1]["weeklyHours"] = {"2027-03-01": 0, "2027-03-08": 2}
    # token, savepoint, lock, the hours before (for the change log), delete, upsert, version
    # bump, the change log (on PostgreSQL an advisory lock first: ids in commit order, then
    # the insert), release savepoint, weekly hours
    with exact_queries(11 if connection.vendor == "postgresql" else 10):
        r = gql.post(
            """mutation($items: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(
                 items: $items) { assignments { id version weeklyHours } } }""",
            {"items": items},
        )
    assignments = r.data["bulkUpdateAssignmentHours"]["assignments"]
    assert [a["version"] for a in assignments] == [2] * 20
    assert assignments[0]["weeklyHours"] == {"2027-03-01": 1.0}
