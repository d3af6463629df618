"""Each report costs a fixed number of SQL queries, the same on small.json and medium.json."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.client import exact_queries
from tests.conftest import MEDIUM

REPORTS = {
    # token, people, person-week sums
    "heatmap": (
        3,
        """{ capacityHeatmap(from: "2026-11-02", weeks: 26) { weekKeys rows { person { id name }
             weeklyCapacity hoursByWeek percentByWeek availableByWeek peakPercent
             averagePercent } } }""",
    ),
    # token, department tree, people, person-week sums
    "heatmap in a department subtree": (
        4,
        """{ capacityHeatmap(from: "2026-11-02", weeks: 12, department: "1",
             includeChildren: true) { rows { person { id } hoursByWeek } } }""",
    ),
    # token, people, skills
    "skillMatch": (
        3,
        """{ skillMatch(skills: ["Python", "React", "SQL"], limit: 100) { person { id name }
             score skillScore matchedSkills missingSkills } }""",
    ),
    # token, people, person-week sums, skills
    "skillMatch with a week": (
        4,
        """{ skillMatch(skills: ["Python"], week: "2026-11-16", limit: 100) { person { id }
             score } }""",
    ),
    "findAvailable": (
        4,
        """{ findAvailable(week: "2026-11-16", skills: ["Python", "Figma"], limit: 100) {
             person { id name } score availableHours capacity utilizationPercent skillScore
             matchedSkills missingSkills } }""",
    ),
    # token, projects page, assignments, people, person-week sums, project-week sums
    "projects with availability": (
        6,
        """{ projects(first: 20) { edges { node { id availability(week: "2026-11-16") {
             person { id name } projectHours totalHours capacity availableHours
             utilizationPercent } everyone: availability(week: "2026-11-16",
             scope: DEPARTMENTS) { person { id } } } } } }""",
    ),
    # token, people, assignments with their projects, assignment weeks
    "gridSnapshot": (
        4,
        """{ gridSnapshot(from: "2026-11-02", weeks: 26) { weekKeys people { id name
             weeklyCapacity departmentId firstEligibleWeek } hoursByPerson assignments { id
             personId projectId projectName projectClient version weeklyHours } } }""",
    ),
    # PostgreSQL: token, one dense role x week statement, roles.
    # Portable path: token, people, person-week sums, roles.
    "roleCapacity": (
        "3 on PostgreSQL, else 4",
        """{ roleCapacity(from: "2026-11-02", weeks: 26) { weekKeys roles { id name }
             series { role { name } assigned capacity } } }""",
    ),
}


@pytest.fixture(params=["small", "medium"])
def dataset(request, db, tokens):
    if request.param == "medium":
        call_command("load_dataset", str(MEDIUM), "--replace", stdout=StringIO())
    return request.param


@pytest.mark.parametrize("name", list(REPORTS))
def test_report_query_count_does_not_depend_on_the_data(gql, dataset, name):
    expected, document = REPORTS[name]
    if isinstance(expected, str):
        expected = 3 if connection.vendor == "postgresql" else 4
    with exact_queries(expected):
        r = gql.post(document)
    assert r.status == 200
    assert "errors" not in r.body, r.body


def test_bulk_update_costs_a_fixed_number_of_queries(gql, dataset):
    items = [
        {"assignmentId": str(i), "expectedVersion": 1, "weeklyHours": {"2027-03-01": 1}}
        for i in range(1, 21)
    ]
    items[0]["mode"] = "REPLACE"
    items[1]["weeklyHours"] = {"2027-03-01": 0, "2027-03-08": 2}
    # token, savepoint, lock, delete, upsert, version bump, release savepoint, weekly hours
    with exact_queries(8):
        r = gql.post(
            """mutation($items: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(
                 items: $items) { assignments { id version weeklyHours } } }""",
            {"items": items},
        )
    assignments = r.data["bulkUpdateAssignmentHours"]["assignments"]
    assert [a["version"] for a in assignments] == [2] * 20
    assert assignments[0]["weeklyHours"] == {"2027-03-01": 1.0}
