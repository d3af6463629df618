"""includeTentative in every report, the unstaffed series, project staffing and the grid's
placeholder rows, on tests/data/tentative_cases.json: people with confirmed and tentative
assignments (one inactive assignment, one inactive person), placeholders with confirmed and
tentative hours in three departments and none. Expected values come from the reference
(tests/reference.py, from the file); a few are also written out by hand."""

import csv
import datetime as dt
import io
from decimal import Decimal as D
from unittest import mock

import pytest

from accounts.access import forget_viewers
from exports import dispatch, services
from tests.calendar_data import TEST_DATA, load_calendar_dataset
from tests.client import GraphQLClient, exact_queries
from tests.reference import Reference

CASES = TEST_DATA / "tentative_cases.json"
REF = Reference.of(CASES)
W1 = dt.date(2027, 1, 4)
KEYS = [W1 + dt.timedelta(weeks=i) for i in range(3)]
FROM = W1.isoformat()
BOTH = [True, False]
ENGINEERING = REF.subtree(1)  # the engineering token's departments: 1, 2, 3
LOAD = """week hours confirmedHours tentativeHours capacity availableHours utilizationPercent
  scheduledHours holidayHours timeOffHours overbooked"""


@pytest.fixture
def cases(db, tokens):
    load_calendar_dataset(CASES)


def ok(r):
    assert r.status == 200 and "errors" not in r.body, r.body
    return r.data


# --- by hand: the split and what includeTentative: false leaves ------------------------------


def test_the_split_and_the_reports_by_hand(gql, cases):
    # Ada: Atlas confirmed 20 and Beacon tentative 10 in W1.
    data = ok(
        gql.post(
            """{ person(id: "1") { all: hoursByWeek(from: "2027-01-04", weeks: 1) { hours
                 confirmedHours tentativeHours availableHours }
               firm: hoursByWeek(from: "2027-01-04", weeks: 1, includeTentative: false) {
                 hours confirmedHours tentativeHours availableHours }
               availableHours(week: "2027-01-04", includeTentative: false)
               utilizationPercent(week: "2027-01-04") } }"""
        )
    )["person"]
    assert data["all"] == [
        {"hours": 30.0, "confirmedHours": 20.0, "tentativeHours": 10.0, "availableHours": 10.0}
    ]
    assert data["firm"] == [
        {"hours": 20.0, "confirmedHours": 20.0, "tentativeHours": 0.0, "availableHours": 20.0}
    ]
    assert data["availableHours"] == 20.0 and data["utilizationPercent"] == 75.0
    # Beacon in W1: Cleo 12 confirmed; Ada 10 and Dan 16 tentative; "Designer to hire" 6
    # tentative. Without tentative: 12 confirmed and no unstaffed hours.
    staffing = ok(
        gql.post(
            """{ project(id: "2") { all: staffing(from: "2027-01-04", weeks: 1) { week
                 confirmedHours tentativeHours unstaffedHours }
               firm: staffing(from: "2027-01-04", weeks: 1, includeTentative: false) {
                 confirmedHours tentativeHours unstaffedHours } } }"""
        )
    )["project"]
    assert staffing["all"] == [
        {"week": FROM, "confirmedHours": 12.0, "tentativeHours": 26.0, "unstaffedHours": 6.0}
    ]
    assert staffing["firm"] == [
        {"confirmedHours": 12.0, "tentativeHours": 0.0, "unstaffedHours": 0.0}
    ]


# --- every report, true and false, against the reference ------------------------------------


@pytest.mark.parametrize("tentative", BOTH)
def test_person_and_placeholder_hours(gql, cases, tentative):
    data = ok(
        gql.post(
            "query($t: Boolean) { people(first: 10) { edges { node { id hoursByWeek(from: "
            f'"{FROM}", weeks: 3, includeTentative: $t) {{ {LOAD} }} }} }} }}'
            ' placeholders(first: 10) { edges { node { id hoursByWeek(from: "'
            + FROM
            + '", weeks: 3, includeTentative: $t) { week hours confirmedHours tentativeHours }'
            " } } } }",
            {"t": tentative},
        )
    )
    for edge in data["people"]["edges"]:
        pid = int(edge["node"]["id"])
        assert edge["node"]["hoursByWeek"] == [
            REF.week_load(pid, w, tentative, split=True) for w in KEYS
        ], pid
        if not tentative:
            assert all(w["tentativeHours"] == 0 for w in edge["node"]["hoursByWeek"])
    for edge in data["placeholders"]["edges"]:
        hid = int(edge["node"]["id"])
        expected = []
        for w in KEYS:
            total, confirmed = (
                REF.placeholder_hours(hid, w, tentative),
                REF.placeholder_hours(hid, w, False),
            )
            expected.append(
                {
                    "week": w.isoformat(),
                    "hours": float(total),
                    "confirmedHours": float(confirmed),
                    "tentativeHours": float(total - confirmed),
                }
            )
        assert edge["node"]["hoursByWeek"] == expected, hid


@pytest.mark.parametrize("tentative", BOTH)
def test_heatmap(gql, cases, tentative):
    rows = ok(
        gql.post(
            """query($t: Boolean) { capacityHeatmap(from: "2027-01-04", weeks: 3,
                 includeTentative: $t) { rows { person { id } weeklyCapacity hoursByWeek
                 percentByWeek availableByWeek capacityByWeek timeOffByWeek holidayByWeek
                 peakPercent averagePercent absences { name } holidayCalendarId
                 tentativeByWeek } } }""",
            {"t": tentative},
        )
    )["capacityHeatmap"]["rows"]
    expected = [
        {
            **REF.heatmap_row(p, KEYS, tentative),
            "tentativeByWeek": REF.tentative_by_week(p["id"], KEYS, tentative),
        }
        for p in REF.active()
    ]
    assert rows == expected
    ada = {"2027-01-04": 10.0, "2027-01-11": 30.0}  # Beacon, tentative
    assert rows[0]["tentativeByWeek"] == (ada if tentative else {})


@pytest.mark.parametrize("tentative", BOTH)
def test_find_available_and_skill_match(gql, cases, tentative):
    data = ok(
        gql.post(
            """query($t: Boolean) { findAvailable(week: "2027-01-04", skills: ["Python"],
                 includeTentative: $t) { person { id } score availableHours capacity
                 utilizationPercent skillScore matchedSkills missingSkills hours }
               skillMatch(skills: ["Python", "React"], week: "2027-01-11",
                 includeTentative: $t) { person { id } score skillScore matchedSkills
                 missingSkills } }""",
            {"t": tentative},
        )
    )
    assert data["findAvailable"] == REF.find_available(W1, ["Python"], tentative=tentative)
    assert data["skillMatch"] == REF.skill_match(["Python", "React"], KEYS[1], tentative)


@pytest.mark.parametrize("tentative", BOTH)
def test_project_availability_and_staffing(gql, cases, tentative):
    data = ok(
        gql.post(
            """query($t: Boolean) { projects(first: 10) { edges { node { id
                 availability(week: "2027-01-04", includeTentative: $t) { person { id }
                   projectHours totalHours capacity availableHours utilizationPercent }
                 staffing(from: "2027-01-04", weeks: 3, includeTentative: $t) { week
                   confirmedHours tentativeHours unstaffedHours } } } } }""",
            {"t": tentative},
        )
    )
    for edge in data["projects"]["edges"]:
        project = int(edge["node"]["id"])
        members = sorted(
            {
                a["personId"]
                for a in REF.data["assignments"]
                if a.get("personId") in {p["id"] for p in REF.active()}
                and a["projectId"] == project
                and a["isActive"]
            },
            key=lambda pid: (REF.people[pid]["name"], pid),
        )
        assert edge["node"]["availability"] == [
            REF.availability_row(pid, project, W1, tentative) for pid in members
        ], project
        assert edge["node"]["staffing"] == REF.staffing(project, KEYS, None, tentative), project


@pytest.mark.parametrize("tentative", BOTH)
@pytest.mark.parametrize("restricted", [False, True], ids=["all", "engineering"])
def test_role_capacity_and_the_unstaffed_series(client_for, tokens, cases, tentative, restricted):
    client = client_for(tokens.engineering if restricted else tokens.read)
    visible = ENGINEERING if restricted else None
    report = ok(
        client.post(
            """query($t: Boolean) { roleCapacity(from: "2027-01-04", weeks: 3,
                 includeTentative: $t) { series { role { id } assigned capacity
                 unstaffed } } }""",
            {"t": tentative},
        )
    )["roleCapacity"]
    expected = []
    for role in sorted(REF.data["roles"], key=lambda r: (r["name"], r["id"])):
        people = [p for p in REF.active(visible) if p["roleId"] == role["id"]]
        unstaffed = REF.unstaffed(role["id"], KEYS, visible, None, tentative)
        if not people and not any(unstaffed):
            continue
        assigned, capacity = REF.role_capacity(role["id"], KEYS, visible, tentative)
        expected.append(
            {
                "role": {"id": str(role["id"])},
                "assigned": assigned,
                "capacity": capacity,
                "unstaffed": unstaffed,
            }
        )
    assert report["series"] == expected
    # Engineer: "Senior Python developer" (Platform: 24 tentative + 0, 24 + 10, 10.5) and
    # "Sales engineer" (Sales, outside the engineering token's departments: 4 in W1).
    engineer = next(s for s in report["series"] if s["role"]["id"] == "1")
    by_hand = {
        (False, True): [28.0, 34.0, 10.5],
        (False, False): [4.0, 10.0, 10.5],
        (True, True): [24.0, 34.0, 10.5],
        (True, False): [0.0, 10.0, 10.5],
    }
    assert engineer["unstaffed"] == by_hand[restricted, tentative]


GRID = """query($t: Boolean, $d: ID) { gridSnapshot(from: "2027-01-04", weeks: 3,
  department: $d, includeChildren: true, includeTentative: $t) { people { id }
  hoursByPerson assignments { id personId projectId projectName projectClient roleOnProject
  version weeklyHours status } placeholders { id name roleId departmentId hoursByWeek }
  placeholderAssignments { id placeholderId projectId projectName projectClient
  roleOnProject status version weeklyHours } } }"""


@pytest.mark.parametrize("tentative", BOTH)
@pytest.mark.parametrize(
    "token,department",
    [("read", None), ("engineering", None), ("read", "3"), ("read", "4")],
    ids=["all", "engineering token", "department Web", "department Sales"],
)
def test_grid(client_for, tokens, cases, tentative, token, department):
    client = client_for(getattr(tokens, token))
    grid = ok(client.post(GRID, {"t": tentative, "d": department}))["gridSnapshot"]
    visible = ENGINEERING if token == "engineering" else None
    departments = None if department is None else REF.subtree(int(department))
    people = REF.active(visible if departments is None else departments)
    ids = {p["id"] for p in people}
    assert [p["id"] for p in grid["people"]] == [str(p["id"]) for p in people]
    assert grid["assignments"] == [
        {
            **REF.grid_assignment(a, KEYS),
            "status": a["status"].upper(),
        }
        for a in REF.grid_assignments(ids, tentative)
    ]
    placeholders, assignments = REF.grid_placeholders(KEYS, visible, departments, tentative)
    assert grid["placeholders"] == placeholders
    assert grid["placeholderAssignments"] == assignments
    assert grid["hoursByPerson"] == {
        str(pid): {w.isoformat(): float(h) for w in KEYS if (h := REF.hours(pid, w, tentative))}
        for pid in sorted(ids, key=lambda i: (REF.people[i]["name"], i))
        if any(REF.hours(pid, w, tentative) for w in KEYS)
    }


def test_grid_placeholders_by_hand(client_for, tokens, cases):
    grid = ok(client_for(tokens.engineering).post(GRID, {"t": True}))["gridSnapshot"]
    # Analyst TBD (no department) and Sales engineer (Sales) are not the engineering token's.
    assert [p["name"] for p in grid["placeholders"]] == [
        "Designer to hire",
        "Senior Python developer",
    ]
    firm = ok(client_for(tokens.read).post(GRID, {"t": False}))["gridSnapshot"]
    assert [(p["name"], p["hoursByWeek"]) for p in firm["placeholders"]] == [
        ("Analyst TBD", {"2027-01-18": 12.0}),
        ("Sales engineer", {"2027-01-04": 4.0}),
        ("Senior Python developer", {"2027-01-11": 10.0, "2027-01-18": 10.5}),
    ]
    assert {a["status"] for a in firm["assignments"] + firm["placeholderAssignments"]} == {
        "CONFIRMED"
    }


# --- exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tentative", BOTH)
def test_export_has_placeholder_rows_and_respects_include_tentative(tokens, cases, tentative):
    client = GraphQLClient(token=tokens.read)
    with mock.patch.object(dispatch, "_start"):
        job = ok(
            client.post(
                """mutation($t: Boolean) { requestGridExport(from: "2027-01-04", weeks: 3,
                     format: CSV, includeTentative: $t) { id } }""",
                {"t": tentative},
            )
        )["requestGridExport"]["id"]
    services.run_local(job)
    from exports.models import ExportJob

    name = ExportJob.objects.get(pk=job).file_path
    with open(services.export_dir() / name, encoding="utf-8") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    names = {d["id"]: d["name"] for d in REF.data["departments"]}

    def num(value) -> str:
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    expected = []
    for p in REF.active():
        lead = [str(p["id"]), p["name"], names.get(p["departmentId"], "")]
        for a in REF.grid_assignments({p["id"]}, tentative):
            cells = [D(str(a["weeklyHours"].get(w.isoformat(), 0))) for w in KEYS]
            project = REF.projects[a["projectId"]]
            expected.append(
                [*lead, str(a["projectId"]), project["name"], project["client"] or ""]
                + [num(c) for c in cells]
                + [num(sum(cells))]
            )
        totals = [REF.hours(p["id"], w, tentative) for w in KEYS]
        expected.append([*lead, "", "", ""] + [num(c) for c in totals] + [num(sum(totals))])
        caps = [REF.capacity(p["id"], w) for w in KEYS]
        expected.append([*lead, "", "Capacity", ""] + [num(c) for c in caps] + [num(sum(caps))])
    placeholders, assignments = REF.grid_placeholders(KEYS, None, None, tentative)
    for h in placeholders:
        lead = [f"placeholder:{h['id']}", h["name"], names.get(int(h["departmentId"] or 0), "")]
        for a in assignments:
            if a["placeholderId"] != h["id"]:
                continue
            cells = [a["weeklyHours"].get(w.isoformat(), 0) for w in KEYS]
            expected.append(
                [*lead, a["projectId"], a["projectName"], a["projectClient"] or ""]
                + [num(D(str(c))) for c in cells]
                + [num(D(str(sum(cells))))]
            )
        totals = [h["hoursByWeek"].get(w.isoformat(), 0) for w in KEYS]
        expected.append(
            [*lead, "", "", ""] + [num(D(str(c))) for c in totals] + [num(D(str(sum(totals))))]
        )
    assert rows[1:] == expected
    assert ("placeholder:2" in {r[0] for r in rows}) is tentative  # Designer: tentative only


# --- SQL counts: constant, and one request mixing both values costs no more -----------------


def test_mixing_include_tentative_costs_a_constant_number_of_queries(gql, cases):
    people = """people(first: 10) { edges { node { id
      a: hoursByWeek(from: "2027-01-04", weeks: 3) { hours }
      b: hoursByWeek(from: "2027-01-04", weeks: 3, includeTentative: false) { hours }
      availableHours(week: "2027-01-04", includeTentative: false) } } }"""
    projects = """projects(first: 10) { edges { node { id
      a: availability(week: "2027-01-04") { totalHours projectHours }
      b: availability(week: "2027-01-04", includeTentative: false) { totalHours projectHours }
      c: staffing(from: "2027-01-04", weeks: 3) { unstaffedHours }
      d: staffing(from: "2027-01-04", weeks: 3, includeTentative: false) { unstaffedHours }
      } } }"""
    placeholders = """placeholders(first: 10) { edges { node { id
      a: hoursByWeek(from: "2027-01-04", weeks: 3) { hours }
      b: hoursByWeek(from: "2027-01-04", weeks: 3, includeTentative: false) { hours } } } }"""
    # Each block looks its token up (not left to the process's 5-second token cache).
    # token, people page, person-week sums (both values: one read), department tree,
    # schedules, time off
    forget_viewers()
    with exact_queries(6):
        ok(gql.post("{ " + people + " }"))
    # token, projects page, staffing (one GROUP BY for both values), department tree,
    # assignments, people, person-week sums, project-week sums, schedules, time off
    forget_viewers()
    with exact_queries(10):
        ok(gql.post("{ " + projects + " }"))
    # token, placeholders page, placeholder-week sums (both values: one read)
    forget_viewers()
    with exact_queries(3):
        ok(gql.post("{ " + placeholders + " }"))
