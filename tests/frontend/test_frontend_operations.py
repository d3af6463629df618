"""Every operation the web app ships, loaded by operation name from the manifest codegen
writes and checks (frontend/src/gql/persisted-documents.json), sent the way the app sends
it (the manifest hash alone, queries over GET, the session's CSRF on the mutation), with
the whole answer asserted against values computed from small.json and an
exact SQL query count.

When an operation is added to the app, `npm run codegen` adds it to the manifest, and the
first test here fails until this file tests it; when one changes, its answer changes.
"""

import json

import pytest
from graphql import parse

from tests.calendar_data import TEST_DATA, load_calendar_dataset
from tests.changes import LOG_QUERIES
from tests.client import GraphQLClient, Response, exact_queries
from tests.conftest import REPO
from tests.frontend import calendar_reference as cal
from tests.reference import (
    DATA,
    PEOPLE,
    PROJECTS,
    D,
    Reference,
    active,
    availability_row,
    candidates,
    capacity,
    find_available,
    grid_assignment,
    grid_assignments,
    grid_person,
    hours,
    monday,
    subtree,
    weeks,
)

MANIFEST = json.loads((REPO / "frontend/src/gql/persisted-documents.json").read_text())

# The operations the app ships, by name, from the manifest codegen writes and checks:
# {operation name: (manifest hash, document text)}.
OPERATIONS = {
    parse(text).definitions[0].name.value: (key.removeprefix("sha256:"), text)
    for key, text in MANIFEST.items()
}
HEATMAP = "Heatmap_Screen"
GRID = "Grid_Screen"
SAVE_HOURS = "Grid_SaveHours"
REQUEST_EXPORT = "Grid_RequestExport"
EXPORT_JOB = "Grid_ExportJob"
HOURS_CHANGED = "Grid_HoursChanged"
CANDIDATES = "Grid_PlaceholderCandidates"
FILL = "Grid_FillPlaceholder"
FIND_AVAILABLE = "FindAvailable_Screen"
PROJECT = "Project_Screen"
ROLE_CAPACITY = "RoleCapacity_Screen"
PANEL = "PersonPanel_Person"
CREATE_TIME_OFF = "PersonPanel_CreateTimeOff"
UPDATE_TIME_OFF = "PersonPanel_UpdateTimeOff"
DELETE_TIME_OFF = "PersonPanel_DeleteTimeOff"
TESTED = [
    HEATMAP,
    GRID,
    SAVE_HOURS,
    REQUEST_EXPORT,
    EXPORT_JOB,
    HOURS_CHANGED,
    CANDIDATES,
    FILL,
    FIND_AVAILABLE,
    PROJECT,
    ROLE_CAPACITY,
    PANEL,
    CREATE_TIME_OFF,
    UPDATE_TIME_OFF,
    DELETE_TIME_OFF,
]

ROLES = {r["id"]: r["name"] for r in DATA["roles"]}
DEPARTMENT_NAMES = {d["id"]: d["name"] for d in DATA["departments"]}


def key_of(name: str) -> str:
    """The manifest hash of the shipped operation `name`."""
    return OPERATIONS[name][0]


def roles() -> list[dict]:
    return sorted(DATA["roles"], key=lambda r: (r["name"], r["id"]))


def departments() -> list[dict]:
    rows = sorted(DATA["departments"], key=lambda d: (d["name"], d["id"]))
    return [
        {
            "id": str(d["id"]),
            "name": d["name"],
            "parent": {"id": str(d["parentId"])} if d["parentId"] else None,
        }
        for d in rows
    ]


@pytest.fixture
def app(db, django_user_model) -> GraphQLClient:
    """A signed-in session, as the web app has (cookies, CSRF token)."""
    django_user_model.objects.create_user("planner", password="plan-the-week-1")
    client = GraphQLClient()
    assert client.request("GET", "/auth/session").status_code == 200
    login = client.request(
        "POST",
        "/auth/login",
        json={"username": "planner", "password": "plan-the-week-1"},
        headers={"X-CSRFToken": client.cookies["csrftoken"]},
    )
    assert login.status_code == 200, login.text
    return client


def query(client: GraphQLClient, name: str, variables: dict):
    """A query as urql's persistedExchange sends it: GET, the hash and the variables."""
    return client.get(
        {
            "operationName": name,
            "variables": json.dumps(variables),
            "extensions": json.dumps(
                {"persistedQuery": {"version": 1, "sha256Hash": key_of(name)}}
            ),
        }
    )


def test_every_shipped_operation_is_tested_here():
    assert len(OPERATIONS) == len(MANIFEST)
    assert sorted(OPERATIONS) == sorted(TESTED)


def test_the_grids_subscription_is_resolved_by_its_hash_and_runs_only_as_a_stream(app):
    # Its live delivery (over the WebSocket, by this hash) is tests/frontend/test_browser.py's;
    # sent as a plain request it is found in the manifest and refused as what it is.
    r = query(app, HOURS_CHANGED, {"department": "4", "includeChildren": True})
    assert r.status == 400
    assert r.errors == [
        {
            "message": "Subscriptions run over a WebSocket (graphql-transport-ws) or as an "
            "event stream (Accept: text/event-stream), not as plain HTTP requests",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]
    selected = parse(OPERATIONS[HOURS_CHANGED][1]).definitions[0].selection_set.selections[0]
    assert {f.name.value for f in selected.selection_set.selections} == {
        "sequence",
        "assignmentId",
        "operation",
        "version",
    }


def person_ref(p: dict, *fields: str) -> dict:
    """A `person { ... }` selection of the screens, from the dataset row."""
    values = {
        "id": str(p["id"]),
        "name": p["name"],
        "email": p["email"],
        "hireDate": p["hireDate"],
        "endDate": p.get("endDate"),
        "role": {"name": ROLES[p["roleId"]]} if p["roleId"] else None,
        "department": {"name": DEPARTMENT_NAMES[p["departmentId"]]} if p["departmentId"] else None,
    }
    return {f: values[f] for f in fields}


def heatmap_rows(people: list[dict], keys, leave: dict[int, tuple] | None = None) -> list[dict]:
    """The screen reads hours and the API's capacity per week: it draws bands, Peak and Avg
    itself (frontend/src/lib/heat.ts), and hatches the weeks with leave. `leave`: the time
    off the test added, {person: ((Leave, absence row), ...)}."""
    leave = leave or {}
    rows = []
    for p in people:
        rows.append(
            {
                "person": person_ref(
                    p, "id", "name", "email", "hireDate", "endDate", "role", "department"
                ),
                "weeklyCapacity": float(p["weeklyCapacity"]),
                "hoursByWeek": {
                    w.isoformat(): float(hours(p["id"], w)) for w in keys if hours(p["id"], w)
                },
                "tentativeByWeek": {},  # small.json has no tentative assignments
                **calendar_fields(p["id"], keys, leave.get(p["id"], ())),
            }
        )
    return rows


def calendar_fields(pid: int, keys, leave: tuple = ()) -> dict:
    """capacityByWeek (every week), timeOffByWeek (weeks with leave), holidayByWeek (small.json
    has no holidays) and absences, from the definitions (tests/frontend/calendar_reference)."""
    entries = tuple(e for e, _ in leave)
    off = {w.isoformat(): cal.time_off_hours(pid, w.isoformat(), entries) for w in keys}
    return {
        "capacityByWeek": {
            w.isoformat(): float(cal.capacity(pid, w.isoformat(), entries)) for w in keys
        },
        "timeOffByWeek": {w: float(h) for w, h in off.items() if h},
        "holidayByWeek": {},
        "absences": [row for _, row in leave],
        "holidayCalendarId": None,
    }


def test_heatmap_screen(app):
    keys = weeks("2026-12-21", 4)
    # session, user, departments (the tree: person.department too), people, hours, work
    # schedules, time off (no holiday calendar is followed: no holiday query), roles
    with exact_queries(8):
        r = query(
            app,
            HEATMAP,
            {
                "from": "2026-12-21",
                "weeks": 4,
                "department": "1",
                "includeChildren": True,
                "includeTentative": True,
            },
        )
    assert r.status == 200
    assert r.headers["X-Capgraph-Cache"] == "MISS"
    assert r.data == {
        "departments": departments(),
        "capacityHeatmap": {
            "weekKeys": [w.isoformat() for w in keys],
            "holidays": [],  # small.json has no holiday calendars
            "rows": heatmap_rows(active(subtree(1)), keys),
        },
    }


def grid_expected(department: int, keys) -> dict:
    """The Grid_Screen answer: the reference rows, with the fields the screen selects."""
    people = active(subtree(department))
    assignments = grid_assignments({p["id"] for p in people})
    return {
        "departments": departments(),
        "roles": [{"id": str(r["id"]), "name": r["name"]} for r in roles()],
        "gridSnapshot": {
            "weekKeys": [w.isoformat() for w in keys],
            "holidays": [],
            "people": [
                {**grid_person(p), "endDate": p.get("endDate"), **calendar_fields(p["id"], keys)}
                for p in people
            ],
            "assignments": [
                {**without(grid_assignment(a, keys), "projectId"), "status": "CONFIRMED"}
                for a in assignments
            ],
            "placeholders": [],  # small.json has none (test_grid_placeholders_and_fill)
            "placeholderAssignments": [],
        },
    }


def without(row: dict, field: str) -> dict:
    return {k: v for k, v in row.items() if k != field}


def test_grid_screen_and_save(app):
    keys = weeks("2026-12-21", 4)
    variables = {
        "from": "2026-12-21",
        "weeks": 4,
        "department": "4",
        "includeChildren": True,
        "includeTentative": True,
    }
    # session, user, departments, roles, people, assignments, hours, placeholders'
    # assignments and their hours, work schedules, time off
    with exact_queries(11):
        r = query(app, GRID, variables)
    assert r.data == grid_expected(4, keys)

    items = [
        {
            "assignmentId": "6",
            "expectedVersion": 1,
            "weeklyHours": {"2026-12-28": 30, "2027-01-04": 16},
            "mode": "MERGE",
        }
    ]
    # session, user, savepoint, the assignments locked (with their people's hire dates),
    # the hours before of the weeks it changes (the change log's "before"), one upsert of
    # every week, one version bump, the change log (lock on PostgreSQL, INSERT), release,
    # the answer's weeks
    with exact_queries(9 + LOG_QUERIES):
        saved = Response.of(
            app.request(
                "POST",
                json={
                    "operationName": "Grid_SaveHours",
                    "variables": {"items": items},
                    "extensions": {
                        "persistedQuery": {"version": 1, "sha256Hash": key_of(SAVE_HOURS)}
                    },
                },
                headers={"X-CSRFToken": app.cookies["csrftoken"]},
            )
        )
    assert saved.status == 200
    assert saved.headers["Cache-Control"] == "no-store"
    expected_hours = dict(next(a for a in DATA["assignments"] if a["id"] == 6)["weeklyHours"])
    expected_hours.update({"2026-12-28": 30, "2027-01-04": 16})
    assert saved.data == {
        "bulkUpdateAssignmentHours": {
            "assignments": [
                {
                    "id": "6",
                    "version": 2,
                    "weeklyHours": {k: float(v) for k, v in sorted(expected_hours.items())},
                }
            ],
            "placeholderAssignments": [],
        }
    }
    # The grid reads the write back (a new data version: no cached answer).
    again = query(app, GRID, variables)
    assert again.headers["X-Capgraph-Cache"] == "MISS"
    (row,) = [a for a in again.data["gridSnapshot"]["assignments"] if a["id"] == "6"]
    assert (row["version"], row["weeklyHours"]["2026-12-28"]) == (2, 30.0)


HALF = D("0.5")


def find_available_expected(week, skills, aw=HALF, sw=HALF) -> list[dict]:
    expected = find_available(week, skills, aw, sw)[:50]
    for row in expected:
        p = PEOPLE[int(row["person"]["id"])]
        row["person"] = person_ref(p, "id", "name", "email", "role", "department")
        del row["skillScore"]
        del row["utilizationPercent"]  # the screen draws Load from hours and capacity
    return expected


def test_find_available_screen(app):
    week = monday("2026-12-28")
    variables = {
        "week": "2026-12-28",
        "skills": ["Python", "React"],
        "department": None,
        "includeChildren": True,
        "availabilityWeight": 0.5,
        "skillWeight": 0.5,
    }
    # session, user, people, hours, person skills, skills, departments, work schedules,
    # time off, roles
    with exact_queries(10):
        r = query(app, FIND_AVAILABLE, variables)
    skills = sorted(DATA["skills"], key=lambda s: (s["name"], s["id"]))
    assert r.data == {
        "departments": departments(),
        "skills": [
            {"id": str(s["id"]), "name": s["name"], "category": s["category"]} for s in skills
        ],
        "findAvailable": find_available_expected(week, ["Python", "React"]),
    }
    # The weights set on the screen: skills count four times as much as free time.
    weighted = query(
        app, FIND_AVAILABLE, {**variables, "availabilityWeight": 0.2, "skillWeight": 0.8}
    )
    expected = find_available_expected(week, ["Python", "React"], D("0.2"), D("0.8"))
    assert weighted.data["findAvailable"] == expected
    assert expected != r.data["findAvailable"]


def test_project_screen(app):
    week = monday("2026-12-28")
    project_id = 14
    # session, user, projects page, the project, its members, people, hours, hours on the
    # project, departments (the tree, for person.department), work schedules, time off, roles
    with exact_queries(12):
        r = query(
            app,
            PROJECT,
            {"projectId": "14", "withProject": True, "week": "2026-12-28", "scope": "ASSIGNED"},
        )
    members = {
        a["personId"]
        for a in DATA["assignments"]
        if a["projectId"] == project_id and a["isActive"] and PEOPLE[a["personId"]]["isActive"]
    }

    def row(pid):
        p = PEOPLE[pid]
        return {
            # the screen draws Load from hours and capacity (frontend/src/lib/heat.ts)
            **without(availability_row(pid, project_id, week), "utilizationPercent"),
            "person": person_ref(p, "id", "name", "email", "role", "department"),
        }

    project = PROJECTS[project_id]
    projects = sorted(DATA["projects"], key=lambda p: (p["name"].lower(), p["id"]))
    assert r.data == {
        "projects": {
            "edges": [
                {
                    "node": {
                        "id": str(p["id"]),
                        "name": p["name"],
                        "client": p["client"],
                        "status": p["status"].upper(),
                        "startDate": p["startDate"],
                        "endDate": p["endDate"],
                    }
                }
                for p in projects
            ]
        },
        "project": {
            "id": "14",
            "name": project["name"],
            "client": project["client"],
            "status": project["status"].upper(),
            "startDate": project["startDate"],
            "endDate": project["endDate"],
            "availability": [row(p["id"]) for p in active() if p["id"] in members],
        },
    }
    # Before a project is chosen the screen asks for the list alone.
    with exact_queries(3):  # session, user, projects
        first = query(
            app,
            PROJECT,
            {"projectId": "0", "withProject": False, "week": None, "scope": "ASSIGNED"},
        )
    assert first.data == {"projects": r.data["projects"]}


def test_project_screen_for_a_project_that_does_not_exist(app):
    """/projects/9999: one NOT_FOUND error on `project` and the list still answered, which
    the screen shows as one message above the list to choose from."""
    r = query(
        app, PROJECT, {"projectId": "9999", "withProject": True, "week": None, "scope": "ASSIGNED"}
    )
    assert r.status == 200
    assert [(e["path"], e["extensions"]["code"], e["message"]) for e in r.errors] == [
        (["project"], "NOT_FOUND", "Project 9999 not found")
    ]
    assert r.body["data"]["project"] is None
    assert len(r.body["data"]["projects"]["edges"]) == len(DATA["projects"])


@pytest.mark.parametrize(
    ("department", "code", "message"),
    [
        ("zzz", "BAD_USER_INPUT", "department must be a numeric id, got 'zzz'"),
        ("9999", "NOT_FOUND", "Department 9999 not found"),
    ],
)
def test_a_stale_department_in_a_link_is_an_error_on_department(app, department, code, message):
    """A `?department=` that names no department: the screens recognise the error by its
    `extensions.field` and drop the filter (frontend/src/components/Filters.tsx)."""
    variables = {"from": "2026-12-21", "weeks": 4, "department": department}
    variables["includeTentative"] = True  # the heatmap's and the grid's (role capacity: unused)
    for text in (HEATMAP, GRID, ROLE_CAPACITY):
        r = query(app, text, {**variables, "includeChildren": True})
        assert r.body["data"] is None
        assert [
            (e["extensions"]["code"], e["extensions"]["field"], e["message"]) for e in r.errors
        ] == [(code, "department", message)]


def test_role_capacity_screen(app):
    keys = weeks("2026-12-21", 4)
    # session, user, departments, the people in scope, their work schedules and time off (the
    # capacity is theirs, day by day), then the hours by role and week, the placeholders'
    # hours by role and week, and the roles
    with exact_queries(9):
        r = query(
            app,
            ROLE_CAPACITY,
            {"from": "2026-12-21", "weeks": 4, "department": "1", "includeChildren": True},
        )
    people = active(subtree(1))
    roles = sorted({p["roleId"] for p in people if p["roleId"]}, key=lambda rid: (ROLES[rid], rid))
    assert r.data == {
        "departments": departments(),
        "roleCapacity": {
            "weekKeys": [w.isoformat() for w in keys],
            "series": [
                {
                    "role": {"id": str(rid), "name": ROLES[rid]},
                    "assigned": [
                        float(sum((hours(p["id"], w) for p in people if p["roleId"] == rid), D(0)))
                        for w in keys
                    ],
                    "capacity": [
                        float(
                            sum((capacity(p["id"], w) for p in people if p["roleId"] == rid), D(0))
                        )
                        for w in keys
                    ],
                    "unstaffed": [0.0] * len(keys),  # small.json has no placeholders
                }
                for rid in roles
            ],
        },
    }


def test_grid_export_and_its_job(app, settings, tmp_path):
    """The grid's export: requested (a mutation over POST), then polled by hash over GET.
    Without a broker the job runs in this process's thread pool once its row is committed;
    the test's transaction never commits, so the test runs it."""
    settings.EXPORT_DIR = str(tmp_path)
    settings.CELERY_BROKER_URL = ""
    with exact_queries(4):  # session, user, departments (the department is checked), the job
        r = Response.of(
            app.request(
                "POST",
                json={
                    "operationName": "Grid_RequestExport",
                    "variables": {
                        "from": "2026-12-21",
                        "weeks": 52,
                        "department": "4",
                        "includeChildren": True,
                        "includeTentative": True,
                        "format": "CSV",
                    },
                    "extensions": {
                        "persistedQuery": {"version": 1, "sha256Hash": key_of(REQUEST_EXPORT)}
                    },
                },
                headers={"X-CSRFToken": app.cookies["csrftoken"]},
            )
        )
    job = r.data["requestGridExport"]
    assert job["status"] == "QUEUED"

    from exports.services import run_local

    run_local(job["id"])  # what the thread pool runs after commit (none in a test)
    with exact_queries(3):  # session, user, the job
        polled = query(app, EXPORT_JOB, {"id": job["id"]})
    assert polled.headers["Cache-Control"] == "no-store"
    assert polled.data == {
        "job": {
            "id": job["id"],
            "status": "SUCCEEDED",
            "progress": 100,
            "result": {"url": f"http://testserver/exports/{job['id']}/download"},
            "error": None,
        }
    }
    download = app.request("GET", f"/exports/{job['id']}/download")
    assert download.status_code == 200
    header = download.text.splitlines()[0].split(",")
    assert header[:6] == [
        "person_id", "person_name", "department", "project_id", "project_name", "client"
    ]  # fmt: skip
    assert (header[6], header[-2], header[-1], len(header)) == (
        "2026-12-21",
        "2027-12-13",
        "total",
        6 + 52 + 1,
    )


def mutate(client: GraphQLClient, name: str, variables: dict) -> Response:
    """A mutation as urql's persistedExchange sends it: POST, the hash, the session's CSRF."""
    return Response.of(
        client.request(
            "POST",
            json={
                "operationName": name,
                "variables": variables,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": key_of(name)}},
            },
            headers={"X-CSRFToken": client.cookies["csrftoken"]},
        )
    )


KATHERINE = 14  # Mobile (department 4), 40 h a week, hired 2023-12-24


def panel(time_off: list[dict]) -> dict:
    p = PEOPLE[KATHERINE]
    return {
        "person": {
            "id": str(KATHERINE),
            "name": p["name"],
            "weeklyCapacity": float(p["weeklyCapacity"]),
            "hireDate": p["hireDate"],
            "endDate": None,
            "holidayCalendar": None,
            "holidayCalendarInherited": False,
            "timeOff": time_off,
        }
    }


def heatmap_row(app, leave: tuple) -> dict:
    """Katherine's Heatmap_Screen row for department 4, four weeks from 2026-12-21; the answer
    is fresh (the write bumped the data version)."""
    r = query(
        app,
        HEATMAP,
        {
            "from": "2026-12-21",
            "weeks": 4,
            "department": "4",
            "includeChildren": True,
            "includeTentative": True,
        },
    )
    assert r.headers["X-Capgraph-Cache"] == "MISS"
    (row,) = [row for row in r.data["capacityHeatmap"]["rows"] if row["person"]["id"] == "14"]
    (expected,) = heatmap_rows([PEOPLE[KATHERINE]], weeks("2026-12-21", 4), {KATHERINE: leave})
    assert row == expected
    return row


def test_person_panel_adds_changes_and_removes_time_off(app):
    """The person panel: its list, then each of its three writes, and the heatmap and the
    grid reading every change (capacity from the definitions, time off as added here)."""
    variables = {"id": "14", "from": "2026-12-21", "to": "2027-01-17"}
    # session, user, the person, the calendar they follow (own and the department tree),
    # their time off in the window
    with exact_queries(5):
        r = query(app, PANEL, variables)
    assert r.data == panel([])
    before = heatmap_row(app, ())
    assert (before["capacityByWeek"]["2027-01-04"], before["hoursByWeek"]["2027-01-04"]) == (40, 20)

    # A week of vacation: the week of 4 January has no capacity left for its 20 hours.
    week_off = {
        "personId": "14",
        "startDate": "2027-01-04",
        "endDate": "2027-01-08",
        "hoursPerDay": None,
        "kind": "VACATION",
        "note": "Ski trip",
    }
    # session, user, savepoint, the person, the insert, the change log (lock on PostgreSQL,
    # INSERT), release (the data version is in the cache)
    with exact_queries(6 + LOG_QUERIES):
        added = mutate(app, CREATE_TIME_OFF, {"input": week_off})
    assert added.headers["Cache-Control"] == "no-store"
    entry = added.data["createTimeOff"]["timeOff"]
    tid = entry["id"]
    assert entry == {
        "id": tid,
        "startDate": "2027-01-04",
        "endDate": "2027-01-08",
        "hoursPerDay": None,
        "kind": "VACATION",
        "note": "Ski trip",
    }
    absence = {k: week_off[k] for k in ("kind", "startDate", "endDate", "hoursPerDay")}
    whole = ((cal.Leave("2027-01-04", "2027-01-08"), {**absence, "name": "Ski trip"}),)
    row = heatmap_row(app, whole)
    assert (row["capacityByWeek"]["2027-01-04"], row["timeOffByWeek"]) == (0, {"2027-01-04": 40})
    assert query(app, PANEL, variables).data == panel([entry])
    grid = query(
        app,
        GRID,
        {
            "from": "2026-12-21",
            "weeks": 4,
            "department": "4",
            "includeChildren": True,
            "includeTentative": True,
        },
    )
    (person,) = [p for p in grid.data["gridSnapshot"]["people"] if p["id"] == "14"]
    assert person == {
        **grid_person(PEOPLE[KATHERINE]),
        "endDate": None,
        **calendar_fields(KATHERINE, weeks("2026-12-21", 4), whole),
    }

    # Changed to three half days (4 h each): 12 hours off, 28 left.
    change = {
        "startDate": "2027-01-04",
        "endDate": "2027-01-06",
        "hoursPerDay": 4,
        "kind": "VACATION",
        "note": "Ski trip, mornings",
    }
    # session, user, savepoint, the entry locked (with its person, for the change log's
    # department), the update, the change log, release (the version: cache)
    with exact_queries(6 + LOG_QUERIES):
        changed = mutate(app, UPDATE_TIME_OFF, {"id": tid, "input": change})
    entry = {"id": tid, **change, "hoursPerDay": 4.0}
    assert changed.data == {"updateTimeOff": {"timeOff": entry}}
    half = (
        (
            cal.Leave("2027-01-04", "2027-01-06", cal.D(4)),
            {**absence, "endDate": "2027-01-06", "hoursPerDay": 4.0, "name": "Ski trip, mornings"},
        ),
    )
    row = heatmap_row(app, half)
    assert (row["capacityByWeek"]["2027-01-04"], row["timeOffByWeek"]) == (28, {"2027-01-04": 12})

    # Refused as the panel shows it (the code, the field, the message), and nothing changed.
    refused = mutate(
        app, UPDATE_TIME_OFF, {"id": tid, "input": {**change, "endDate": "2027-01-01"}}
    )
    assert [
        (e["extensions"]["code"], e["extensions"]["field"], e["message"]) for e in refused.errors
    ] == [("BAD_USER_INPUT", "input.endDate", "endDate must be on or after startDate")]
    assert query(app, PANEL, variables).data == panel([entry])

    # Removed: the week is as before.
    # session, user, savepoint, the entry locked, the delete, the change log, release
    with exact_queries(6 + LOG_QUERIES):
        removed = mutate(app, DELETE_TIME_OFF, {"id": tid})
    assert removed.data == {"deleteTimeOff": {"id": tid}}
    assert query(app, PANEL, variables).data == panel([])
    assert heatmap_row(app, ()) == before
    gone = mutate(app, DELETE_TIME_OFF, {"id": tid})
    assert [(e["extensions"]["code"], e["message"]) for e in gone.errors] == [
        ("NOT_FOUND", f"Time off {tid} not found")
    ]


# --- demand: the grid's placeholder rows, their candidates and the fill ----------------------

CASES = Reference.of(TEST_DATA / "tentative_cases.json")
CASE_KEYS = weeks("2027-01-04", 3)


@pytest.fixture
def cases(db):
    """tests/data/tentative_cases.json in place of small.json (the test's transaction)."""
    load_calendar_dataset(TEST_DATA / "tentative_cases.json")


@pytest.mark.parametrize("tentative", [True, False])
def test_grid_screen_with_placeholders_and_tentative_hours(cases, app, tentative):
    variables = {
        "from": "2027-01-04",
        "weeks": 3,
        "department": None,
        "includeChildren": True,
        "includeTentative": tentative,
    }
    # as on small.json (the same 11 queries: placeholders cost none more)
    with exact_queries(11):
        r = query(app, GRID, variables)
    grid = r.data["gridSnapshot"]
    people = CASES.active()
    assert [p["id"] for p in grid["people"]] == [str(p["id"]) for p in people]
    assert grid["assignments"] == [
        {
            **without(CASES.grid_assignment(a, CASE_KEYS), "projectId"),
            "status": a["status"].upper(),
        }
        for a in CASES.grid_assignments({p["id"] for p in people}, tentative)
    ]
    placeholders, assignments = CASES.grid_placeholders(CASE_KEYS, tentative=tentative)
    assert grid["placeholders"] == [without(p, "hoursByWeek") for p in placeholders]
    assert grid["placeholderAssignments"] == [without(a, "projectId") for a in assignments]
    # by hand: "Senior Python developer" holds Atlas (tentative) and Beacon (confirmed)
    python = [a for a in grid["placeholderAssignments"] if a["placeholderId"] == "1"]
    assert [(a["id"], a["status"], a["weeklyHours"]) for a in python] == [
        ("10", "TENTATIVE", {"2027-01-04": 24.0, "2027-01-11": 24.0}),
        ("11", "CONFIRMED", {"2027-01-11": 10.0, "2027-01-18": 10.5}),
    ][(0 if tentative else 1) :]


@pytest.mark.parametrize("tentative", [True, False])
def test_placeholder_candidates(cases, app, tentative):
    # session, user, the placeholder, its required skills; for the ranking: departments (the
    # viewer's scope), its demand by week, its skills, the people in scope, their skills,
    # their hours, work schedules and time off
    with exact_queries(12):
        r = query(app, CANDIDATES, {"id": "1", "includeTentative": tentative})
    expected = candidates(CASES, 1, include_tentative=tentative)
    for row in expected:
        p = CASES.people[int(row["person"]["id"])]
        row["person"] = {"id": str(p["id"]), "name": p["name"], "email": p["email"]}
        del row["skillScore"]
    assert r.data == {
        "placeholder": {
            "id": "1",
            "requiredSkills": [{"skill": {"name": "Python"}, "minProficiency": "ADVANCED"}],
            "candidates": expected,
        }
    }
    # by hand: Ada (Python, expert) first
    assert expected[0]["person"]["name"] == "Ada"


def test_fill_placeholder_moves_the_hours_and_a_stale_version_is_a_conflict(cases, app):
    # Ada takes "Senior Python developer" on Beacon (assignment 11, version 1: 10 h and 10.5 h):
    # the hours join her own Beacon assignment (2: 10 h and 30 h), and the week of 11 January
    # holds 20 (Atlas) + 30 + 10 = 60 h of her 40.
    variables = {"placeholderAssignmentId": "11", "personId": "1", "expectedVersion": 1}
    # session, user, savepoint, the placeholder assignment's project, the person, her
    # assignment on the project, the assignments locked, the moved weeks, her weeks they join,
    # one upsert, the moved weeks removed, one version bump, the emptied placeholder
    # assignment's weeks and row removed, the change log (lock on PostgreSQL, INSERT), her
    # hours, departments, work schedules and time off (the overbooked weeks), release, the
    # answer's weeks
    with exact_queries(20 + LOG_QUERIES):
        r = mutate(app, FILL, variables)
    assert r.headers["Cache-Control"] == "no-store"
    filled = r.data["fillPlaceholder"]
    assert filled == {
        "assignment": {
            "id": "2",
            "version": 2,
            "weeklyHours": {"2027-01-04": 10.0, "2027-01-11": 40.0, "2027-01-18": 10.5},
        },
        "remainingHours": 0.0,
        "overbookedWeeks": [{"week": "2027-01-11", "hours": 60.0, "capacity": 40.0}],
    }
    # the same fill again: the placeholder assignment is gone
    again = mutate(app, FILL, variables)
    assert [(e["extensions"]["code"], e["message"]) for e in again.errors] == [
        ("NOT_FOUND", "Assignment 11 not found")
    ]
    # a stale version of another one: a CONFLICT with its current version, nothing moved
    stale = mutate(
        app, FILL, {"placeholderAssignmentId": "10", "personId": "1", "expectedVersion": 2}
    )
    assert stale.body["data"] is None
    assert [(e["extensions"]["code"], e["extensions"]["conflicts"]) for e in stale.errors] == [
        ("CONFLICT", [{"assignmentId": "10", "currentVersion": 1}])
    ]
    grid = query(
        app,
        GRID,
        {
            "from": "2027-01-04",
            "weeks": 3,
            "department": None,
            "includeChildren": True,
            "includeTentative": True,
        },
    ).data["gridSnapshot"]
    assert [a["id"] for a in grid["placeholderAssignments"] if a["placeholderId"] == "1"] == ["10"]
    (moved,) = [a for a in grid["assignments"] if a["id"] == "2"]
    assert (moved["personId"], moved["projectName"], moved["version"]) == ("1", "Beacon", 2)
