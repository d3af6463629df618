"""Placeholders in the database and in dataset files: constraints, load_dataset's reading of
the /2 keys, the SQL counts of the placeholder documents, and that people's reports are the
same with placeholders and statuses loaded as without them."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from assignments.models import Assignment, AssignmentWeek
from demand.models import Placeholder, PlaceholderSkill
from tests.client import exact_queries
from tests.conftest import DATASETS, SMALL
from tests.demand import make_placeholders
from tests.demand.documents import PLACEHOLDERS_PAGE

SMALL_DEMAND = DATASETS / "small_demand.json"


def load(path) -> str:
    out = StringIO()
    call_command("load_dataset", str(path), "--replace", stdout=out)
    return out.getvalue()


# --- constraints ------------------------------------------------------------------------------


@pytest.fixture
def placeholder(db, tokens) -> Placeholder:
    return Placeholder.objects.create(name="Dev", role_id=2, department_id=3)


@pytest.mark.parametrize(
    "owner",
    [{}, {"person_id": 4, "placeholder": True}],
    ids=["no owner", "two owners"],
)
def test_an_assignment_has_exactly_one_owner(placeholder, owner):
    fields = {"project_id": 1}
    if owner:
        fields.update(person_id=4, placeholder_id=placeholder.pk)
    with pytest.raises(IntegrityError, match="assignment_one_owner"), transaction.atomic():
        Assignment.all_rows.create(**fields)


def test_a_week_has_exactly_one_owner_and_a_known_status(placeholder):
    booking = Assignment.all_rows.create(project_id=1, placeholder=placeholder)
    with pytest.raises(IntegrityError, match="assignmentweek_one_owner"), transaction.atomic():
        AssignmentWeek.all_rows.create(
            assignment=booking,
            week=dt.date(2027, 1, 4),
            hours=1,
            person_id=4,
            placeholder=placeholder,
        )
    with pytest.raises(IntegrityError, match="assignment_status_valid"), transaction.atomic():
        Assignment.all_rows.create(project_id=1, person_id=4, status="maybe")
    with (
        pytest.raises(IntegrityError, match="placeholderskill_proficiency_valid"),
        transaction.atomic(),
    ):
        PlaceholderSkill.objects.create(placeholder=placeholder, skill_id=1, min_proficiency="guru")


def test_the_managers_keep_the_two_kinds_of_rows_apart(placeholder):
    booking = Assignment.all_rows.create(project_id=1, placeholder=placeholder)
    AssignmentWeek.all_rows.create(
        assignment=booking, placeholder=placeholder, week=dt.date(2027, 1, 4), hours=8
    )
    assert not Assignment.objects.filter(pk=booking.pk).exists()
    assert Assignment.placeholder_rows.filter(pk=booking.pk).exists()
    assert Assignment.all_rows.filter(pk=booking.pk).exists()
    assert not AssignmentWeek.objects.filter(assignment=booking).exists()
    assert AssignmentWeek.placeholder_rows.filter(assignment=booking).count() == 1
    assert Assignment.objects.count() + 1 == Assignment.all_rows.count()
    assert str(booking) == "Dev on Delta Platform 1"


# --- load_dataset -----------------------------------------------------------------------------


def test_load_dataset_reads_placeholders_and_status(db, tokens):
    data = json.loads(SMALL_DEMAND.read_text())
    assert load(SMALL_DEMAND).endswith(
        "15 projects, 6 placeholders, 15 placeholder skills, 131 assignments, "
        "590 assignment weeks\n"
    )
    assert list(
        Placeholder.objects.order_by("pk").values_list("id", "name", "role_id", "department_id")
    ) == [(p["id"], p["name"], p["roleId"], p.get("departmentId")) for p in data["placeholders"]]
    assert sorted(
        PlaceholderSkill.objects.values_list("placeholder_id", "skill_id", "min_proficiency")
    ) == sorted(
        (p["id"], s["skillId"], s["minProficiency"])
        for p in data["placeholders"]
        for s in p["skills"]
    )
    for a in data["assignments"]:
        row = Assignment.all_rows.get(pk=a["id"])
        assert (row.person_id, row.placeholder_id, row.status) == (
            a.get("personId"),
            a.get("placeholderId"),
            a.get("status", "confirmed"),
        )
        weeks = AssignmentWeek.all_rows.filter(assignment_id=a["id"])
        assert {
            (w.week.isoformat(), w.hours, w.person_id, w.placeholder_id, w.tentative) for w in weeks
        } == {
            (
                k,
                Decimal(str(h)),
                a.get("personId"),
                a.get("placeholderId"),
                a.get("status") == "tentative",
            )
            for k, h in a["weeklyHours"].items()
            if h
        }
    assert Assignment.placeholder_rows.count() == 8
    assert Assignment.all_rows.filter(status="tentative").count() == 31  # 26 + 5
    # A file without demand reads as it always has.
    assert "placeholder" not in load(SMALL)
    assert not Placeholder.objects.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["assignments"][0].update(placeholderId=1),
            "assignments[0] (id 1): give exactly one of personId and placeholderId",
        ),
        (
            lambda d: d["assignments"][0].pop("personId"),
            "assignments[0] (id 1): give exactly one of personId and placeholderId",
        ),
        (
            lambda d: d["assignments"][0].update(status="maybe"),
            "assignments[0] (id 1): unknown status 'maybe'",
        ),
        (
            lambda d: d["assignments"][-1].update(placeholderId=99),
            "assignments[130] (id 131): placeholderId 99 does not name a placeholder in the file",
        ),
        (
            lambda d: d["placeholders"][0]["skills"][0].update(minProficiency="guru"),
            "placeholders[0] (id 1).skills[0]: unknown proficiency 'guru'",
        ),
        (
            lambda d: d["placeholders"][0].update(roleId=None),
            "placeholders[0] (id 1): roleId must be an integer, got None",
        ),
        (
            lambda d: d["placeholders"][0].update(departmentId=999),
            "placeholders[0] (id 1): departmentId 999 does not name a department in the file",
        ),
    ],
)
def test_load_dataset_refuses_bad_demand_and_writes_nothing(db, tokens, tmp_path, change, message):
    data = json.loads(SMALL_DEMAND.read_text())
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    before = Assignment.all_rows.count()
    with pytest.raises(CommandError) as e:
        load(path)
    assert str(e.value) == f"{path}: {message}; nothing was written"
    assert Assignment.all_rows.count() == before


REPORTS = """{
  capacityHeatmap(from: "2026-11-02", weeks: 12) { weekKeys rows { person { id }
    weeklyCapacity hoursByWeek percentByWeek availableByWeek peakPercent averagePercent } }
  gridSnapshot(from: "2026-11-02", weeks: 12) { people { id } hoursByPerson
    assignments { id personId projectId weeklyHours version } }
  roleCapacity(from: "2026-11-02", weeks: 12) { weekKeys series { role { id } assigned
    capacity } }
  findAvailable(week: "2026-12-07", skills: ["Python", "Go"], limit: 200) { person { id }
    score hours availableHours }
  skillMatch(skills: ["Python"], week: "2026-12-07", limit: 200) { person { id } score }
  people(first: 200) { edges { node { id hoursByWeek(from: "2026-11-02", weeks: 12) {
    hours capacity } assignments { id } } } }
  assignments(first: 200) { totalCount }
  projects(first: 50) { edges { node { id assignments { id }
    availability(week: "2026-12-07", scope: DEPARTMENTS) { person { id } projectHours
      totalHours availableHours } } } }
}"""


@pytest.mark.postgres
@pytest.mark.parametrize("portable", [False, True])
def test_peoples_reports_are_the_same_with_demand_loaded(gql, settings, portable):
    """small_demand.json is small.json plus placeholders (with hours on the same projects)
    and statuses: no person figure may change."""
    without = gql.post(REPORTS).data
    load(SMALL_DEMAND)
    assert Assignment.placeholder_rows.exists()
    assert gql.post(REPORTS).data == without


def test_people_figures_are_the_same_with_demand_loaded_on_any_database(gql):
    without = gql.post(REPORTS).data
    load(SMALL_DEMAND)
    assert gql.post(REPORTS).data == without


def test_the_export_is_the_same_with_demand_loaded(db, tokens):
    from accounts.access import EVERYTHING
    from assignments.aggregates import grid_rows

    def people_rows(first, last):  # the rows and hours, not the status small_demand sets
        grid = grid_rows(EVERYTHING, None, first, last)
        return [a[:7] for a in grid.assignments], grid.hours_by_assignment, grid.hours_by_person

    first, last = dt.date(2026, 11, 2), dt.date(2027, 1, 18)
    without = people_rows(first, last)
    load(SMALL_DEMAND)
    assert people_rows(first, last) == without


# --- SQL counts -------------------------------------------------------------------------------

# token, placeholders page, COUNT, department tree, roles, required skills, assignments,
# projects, assignment weeks, placeholder-week sums
PLACEHOLDERS_QUERIES = 10


@pytest.fixture
def many_placeholders(db, tokens):
    make_placeholders(250, spread_weeks=False)


@pytest.mark.parametrize("first", [50, 200])
def test_placeholders_document_costs_the_same_for_50_and_200(gql, many_placeholders, first):
    with exact_queries(PLACEHOLDERS_QUERIES):
        r = gql.post(PLACEHOLDERS_PAGE, {"first": first})
    edges = r.data["placeholders"]["edges"]
    assert (len(edges), r.data["placeholders"]["totalCount"]) == (first, 250)
    node = edges[0]["node"]
    assert node["name"] == "Placeholder 000"
    assert node["requiredSkills"] == [{"skill": {"name": "Python"}, "minProficiency": "ADVANCED"}]
    assert node["hoursByWeek"][:4] == [
        {"week": "2026-11-02", "hours": 8.0, "tentativeHours": 0.0},
        {"week": "2026-11-09", "hours": 8.0, "tentativeHours": 0.0},
        {"week": "2026-11-16", "hours": 8.0, "tentativeHours": 0.0},
        {"week": "2026-11-23", "hours": 0.0, "tentativeHours": 0.0},
    ]
    tentative = edges[1]["node"]["assignments"][0]
    assert tentative["status"] == "TENTATIVE"
    assert tentative["hoursByWeek"][0] == {
        "week": "2026-11-02",
        "hours": 8.0,
        "confirmedHours": 0.0,
        "tentativeHours": 8.0,
    }


def test_a_restricted_token_reads_placeholders_in_the_same_queries(
    client_for, tokens, many_placeholders
):
    # The department tree is read for the token's scope anyway (one query, as for people).
    with exact_queries(PLACEHOLDERS_QUERIES + 1):
        r = client_for(tokens.engineering).post(PLACEHOLDERS_PAGE, {"first": 200})
    assert r.data["placeholders"]["totalCount"] == 78  # departments 1..6: 13 of every 20 ids


def test_the_demo_has_placeholders_and_tentative_plans(db):
    from people.dataset import load as load_data
    from people.management.commands.seed_demo import demo_data

    this_week = dt.date(2027, 3, 1)
    load_data(demo_data(this_week), replace=True)
    assert list(
        Placeholder.objects.order_by("pk").values_list("name", "role__name", "department__name")
    ) == [
        ("Senior Python developer", "Senior Engineer", "Web"),
        ("Cloud architect", "Architect", "Cloud"),
        ("Product designer", "Designer", None),
    ]
    assert list(
        Assignment.placeholder_rows.order_by("pk").values_list("placeholder_id", "status")
    ) == [(1, "confirmed"), (1, "tentative"), (2, "tentative"), (3, "confirmed")]
    first = AssignmentWeek.placeholder_rows.order_by("week").values_list("week", flat=True)[0]
    assert first == this_week
    planning = Assignment.objects.filter(project__status="planning")
    assert planning.exists()
    assert set(planning.values_list("status", flat=True)) == {"tentative"}
    assert set(
        Assignment.objects.exclude(project__status="planning").values_list("status", flat=True)
    ) == {"confirmed"}
