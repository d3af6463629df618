"""Placeholders and assignment status over HTTP: exact answers, exact rows, exact codes; a
refused write changes nothing; placeholders' hours never reach a person's figures."""

import datetime as dt
from decimal import Decimal

import pytest

from assignments.models import Assignment, AssignmentWeek
from changes.models import Change
from demand.models import Placeholder, PlaceholderSkill
from graphql_schema.changes.queries import encode_cursor
from tests.demand.documents import (
    BULK,
    CREATE_BOOKING,
    CREATE_PLACEHOLDER,
    DELETE_BOOKING,
    DELETE_PLACEHOLDER,
    PLACEHOLDER_HOURS,
    SET_REQUIRED,
    UPDATE_BOOKING,
    UPDATE_PLACEHOLDER,
)
from tests.helpers import (
    CREATE_ASSIGNMENT,
    DELETE_ASSIGNMENT,
    UPDATE_ASSIGNMENT,
    db_state,
    only_error,
    weeks_of,
)

PERSON_HOURS = """query($id: ID!) { person(id: $id) { hoursByWeek(from: "2027-01-04", weeks: 2) {
  week hours confirmedHours tentativeHours capacity availableHours } } }"""
ASSIGNMENT_HOURS = """query($id: ID!) { assignments(person: $id) { totalCount edges { node {
  id status hoursByWeek(from: "2027-01-04", weeks: 2) { week hours confirmedHours
  tentativeHours } } } } }"""
PROJECT_BOOKINGS = """{ project(id: "1") { assignments { id } placeholderAssignments {
  id status placeholder { name } } } }"""


def make_placeholder(gql, **extra) -> str:
    r = gql.post(
        CREATE_PLACEHOLDER,
        {"input": {"name": "Senior Python developer", "roleId": "2", **extra}},
    )
    return r.data["createPlaceholder"]["placeholder"]["id"]


def make_booking(gql, placeholder_id: str, **extra) -> dict:
    r = gql.post(
        CREATE_BOOKING,
        {"input": {"placeholderId": placeholder_id, "projectId": "1", **extra}},
    )
    return r.data["createPlaceholderAssignment"]["assignment"]


# --- placeholders -----------------------------------------------------------------------------


def test_create_update_and_delete_a_placeholder(gql):
    r = gql.post(
        CREATE_PLACEHOLDER,
        {"input": {"name": "  Senior Python developer ", "roleId": "2", "departmentId": "3"}},
    )
    placeholder = r.data["createPlaceholder"]["placeholder"]
    pk = int(placeholder.pop("id"))
    assert placeholder == {
        "name": "Senior Python developer",
        "role": {"id": "2", "name": "Senior Engineer"},
        "department": {"id": "3", "name": "Web"},
        "requiredSkills": [],
    }
    assert Placeholder.objects.values_list("name", "role_id", "department_id").get(pk=pk) == (
        "Senior Python developer",
        2,
        3,
    )
    r = gql.post(UPDATE_PLACEHOLDER, {"id": str(pk), "input": {"departmentId": None}})
    assert r.data["updatePlaceholder"]["placeholder"]["department"] is None
    r = gql.post(
        SET_REQUIRED,
        {
            "id": str(pk),
            "skills": [
                {"skill": " python ", "minProficiency": "ADVANCED"},
                {"skill": "Quantum Annealing", "minProficiency": "BEGINNER"},
            ],
        },
    )
    assert r.data["setPlaceholderSkills"]["placeholder"]["requiredSkills"] == [
        {"skill": {"name": "Python"}, "minProficiency": "ADVANCED"},
        {"skill": {"name": "Quantum Annealing"}, "minProficiency": "BEGINNER"},
    ]
    assert sorted(
        PlaceholderSkill.objects.filter(placeholder_id=pk).values_list(
            "skill__name", "min_proficiency"
        )
    ) == [("Python", "advanced"), ("Quantum Annealing", "beginner")]
    booking = make_booking(gql, str(pk), weeklyHours={"2027-01-04": 8})
    r = gql.post(DELETE_PLACEHOLDER, {"id": str(pk)})
    assert r.data == {"deletePlaceholder": {"id": str(pk)}}
    assert not Placeholder.objects.filter(pk=pk).exists()
    assert not Assignment.all_rows.filter(pk=booking["id"]).exists()  # cascaded
    assert not AssignmentWeek.all_rows.filter(assignment_id=booking["id"]).exists()


@pytest.mark.parametrize(
    "variables, code, field, message",
    [
        (
            {"input": {"name": "  ", "roleId": "2"}},
            "BAD_USER_INPUT",
            "input.name",
            "input.name must not be blank",
        ),
        (
            {"input": {"name": "X" * 201, "roleId": "2"}},
            "BAD_USER_INPUT",
            "input.name",
            "input.name must be at most 200 characters",
        ),
        (
            {"input": {"name": "Dev", "roleId": "999"}},
            "NOT_FOUND",
            "input.roleId",
            "Role 999 not found",
        ),
        (
            {"input": {"name": "Dev", "roleId": "2", "departmentId": "999"}},
            "NOT_FOUND",
            "input.departmentId",
            "Department 999 not found",
        ),
        (
            {"input": {"name": "Dev", "roleId": "x"}},
            "BAD_USER_INPUT",
            "input.roleId",
            "input.roleId must be a numeric id, got 'x'",
        ),
    ],
)
def test_a_bad_placeholder_is_refused_and_changes_nothing(gql, variables, code, field, message):
    before = db_state()
    got_message, ext = only_error(gql.post(CREATE_PLACEHOLDER, variables))
    assert (got_message, ext["code"], ext["field"]) == (message, code, field)
    assert db_state() == before


def test_a_placeholders_role_cannot_be_removed(gql):
    pk = make_placeholder(gql)
    message, ext = only_error(gql.post(UPDATE_PLACEHOLDER, {"id": pk, "input": {"roleId": None}}))
    assert (message, ext["code"], ext["field"]) == (
        "input.roleId must not be null",
        "BAD_USER_INPUT",
        "input.roleId",
    )


def test_a_skill_required_twice_is_refused(gql):
    pk = make_placeholder(gql)
    before = db_state()
    message, ext = only_error(
        gql.post(
            SET_REQUIRED,
            {
                "id": pk,
                "skills": [
                    {"skill": "Python", "minProficiency": "EXPERT"},
                    {"skill": "PYTHON", "minProficiency": "BEGINNER"},
                ],
            },
        )
    )
    assert (message, ext["code"], ext["field"]) == (
        "skills.1: 'PYTHON' is listed twice",
        "BAD_USER_INPUT",
        "skills.1.skill",
    )
    assert db_state() == before


# --- placeholder assignments and status ----------------------------------------------------------


def test_placeholder_assignment_crud_and_hours_split(gql):
    pk = make_placeholder(gql, departmentId="3")
    tentative = make_booking(
        gql,
        pk,
        status="TENTATIVE",
        roleOnProject=" Developer ",
        weeklyHours={"2027-01-04": 20, "2027-01-13": 10.5},
    )
    tentative_id = tentative.pop("id")
    assert tentative == {
        "version": 1,
        "status": "TENTATIVE",
        "isActive": True,
        "roleOnProject": "Developer",
        "weeklyHours": {"2027-01-04": 20.0, "2027-01-11": 10.5},
        "project": {"id": "1"},
        "placeholder": {"id": pk, "name": "Senior Python developer"},
    }
    confirmed = make_booking(gql, pk, weeklyHours={"2027-01-04": 5})
    assert confirmed["status"] == "CONFIRMED"
    rows = AssignmentWeek.all_rows.filter(placeholder_id=pk).order_by("assignment_id", "week")
    assert list(rows.values_list("assignment_id", "person_id", "week", "hours", "tentative")) == [
        (int(tentative_id), None, dt.date(2027, 1, 4), 20, True),
        (int(tentative_id), None, dt.date(2027, 1, 11), Decimal("10.5"), True),
        (int(confirmed["id"]), None, dt.date(2027, 1, 4), 5, False),
    ]
    r = gql.post(PLACEHOLDER_HOURS, {"id": pk, "from": "2027-01-04", "weeks": 3})
    assert r.data["placeholder"]["hoursByWeek"] == [
        {"week": "2027-01-04", "hours": 25.0, "confirmedHours": 5.0, "tentativeHours": 20.0},
        {"week": "2027-01-11", "hours": 10.5, "confirmedHours": 0.0, "tentativeHours": 10.5},
        {"week": "2027-01-18", "hours": 0.0, "confirmedHours": 0.0, "tentativeHours": 0.0},
    ]
    # Confirming moves the weeks with it (no hours given: the stored weeks are flipped).
    r = gql.post(
        UPDATE_BOOKING,
        {"id": tentative_id, "input": {"expectedVersion": 1, "status": "CONFIRMED"}},
    )
    updated = r.data["updatePlaceholderAssignment"]["assignment"]
    assert (updated["version"], updated["status"]) == (2, "CONFIRMED")
    assert set(
        AssignmentWeek.all_rows.filter(assignment_id=tentative_id).values_list(
            "tentative", flat=True
        )
    ) == {False}
    r = gql.post(PLACEHOLDER_HOURS, {"id": pk, "from": "2027-01-04", "weeks": 1})
    assert r.data["placeholder"]["hoursByWeek"] == [
        {"week": "2027-01-04", "hours": 25.0, "confirmedHours": 25.0, "tentativeHours": 0.0}
    ]
    # Inactive assignments count nowhere, as for people.
    gql.post(
        UPDATE_BOOKING, {"id": confirmed["id"], "input": {"expectedVersion": 1, "isActive": False}}
    )
    r = gql.post(PLACEHOLDER_HOURS, {"id": pk, "from": "2027-01-04", "weeks": 1})
    assert r.data["placeholder"]["hoursByWeek"][0]["hours"] == 20.0
    # The project lists its placeholder assignments apart from its people's.
    r = gql.post(PROJECT_BOOKINGS)
    assert r.data["project"]["placeholderAssignments"] == [
        {
            "id": tentative_id,
            "status": "CONFIRMED",
            "placeholder": {"name": "Senior Python developer"},
        }
    ]
    assert tentative_id not in {a["id"] for a in r.data["project"]["assignments"]}
    message, ext = only_error(gql.post(DELETE_BOOKING, {"id": tentative_id, "v": 1}))
    assert message == f"Assignment changed since it was read: {tentative_id}"
    assert (ext["code"], ext["conflicts"]) == (
        "CONFLICT",
        [{"assignmentId": tentative_id, "currentVersion": 2}],
    )
    assert gql.post(DELETE_BOOKING, {"id": tentative_id, "v": 2}).data == {
        "deletePlaceholderAssignment": {"id": tentative_id}
    }
    assert not Assignment.all_rows.filter(pk=tentative_id).exists()


def test_the_two_kinds_of_assignment_do_not_cross(gql):
    pk = make_placeholder(gql)
    booking = make_booking(gql, pk, weeklyHours={"2027-01-04": 8})
    before = db_state()
    for document, variables in [
        (UPDATE_ASSIGNMENT, {"id": booking["id"], "input": {"expectedVersion": 1}}),
        (DELETE_ASSIGNMENT, {"id": booking["id"], "v": 1}),
    ]:
        message, ext = only_error(gql.post(document, variables))
        assert (message, ext["code"]) == (f"Assignment {booking['id']} not found", "NOT_FOUND")
    for document, variables in [
        (UPDATE_BOOKING, {"id": "11", "input": {"expectedVersion": 1}}),
        (DELETE_BOOKING, {"id": "11"}),
    ]:
        message, ext = only_error(gql.post(document, variables))
        assert (message, ext["code"]) == ("Assignment 11 not found", "NOT_FOUND")
    assert db_state() == before
    r = gql.post("""{ assignments(first: 200) { totalCount } }""")
    assert r.data["assignments"]["totalCount"] == Assignment.objects.filter(is_active=True).count()
    assert r.data["assignments"]["totalCount"] == 118  # small.json's active assignments


@pytest.mark.parametrize(
    "input, code, field, message",
    [
        ({"status": None}, "BAD_USER_INPUT", "input.status", "input.status must not be null"),
        ({"placeholderId": "999"}, "NOT_FOUND", "input.placeholderId", "Placeholder 999 not found"),
        ({"projectId": "999"}, "NOT_FOUND", "input.projectId", "Project 999 not found"),
        (
            {"weeklyHours": {"2027-01-04": 169}},
            "BAD_USER_INPUT",
            "input.weeklyHours.2027-01-04",
            None,
        ),
    ],
)
def test_a_bad_placeholder_assignment_is_refused(gql, input, code, field, message):
    pk = make_placeholder(gql)
    before = db_state()
    r = gql.post(CREATE_BOOKING, {"input": {"placeholderId": pk, "projectId": "1", **input}})
    got, ext = only_error(r)
    assert (ext["code"], ext["field"]) == (code, field)
    if message is not None:
        assert got == message
    assert db_state() == before


def test_a_persons_tentative_hours_are_split_and_counted(gql):
    # Lynn Berners-Lee (4) has 22.5 confirmed hours in the first week in small.json.
    r = gql.post(
        CREATE_ASSIGNMENT.replace("person { id }", "person { id } status"),
        {
            "input": {
                "personId": "4",
                "projectId": "1",
                "status": "TENTATIVE",
                "weeklyHours": {"2027-01-04": 30},
            }
        },
    )
    made = r.data["createAssignment"]["assignment"]
    assert made["status"] == "TENTATIVE"
    gql.post(
        CREATE_ASSIGNMENT,
        {"input": {"personId": "4", "projectId": "2", "weeklyHours": {"2027-01-04": 4}}},
    )
    assert gql.post(PERSON_HOURS, {"id": "4"}).data["person"]["hoursByWeek"] == [
        {
            "week": "2027-01-04",
            "hours": 56.5,
            "confirmedHours": 26.5,
            "tentativeHours": 30.0,
            "capacity": 40.0,
            "availableHours": 0.0,
        },
        {
            "week": "2027-01-11",
            "hours": 0.0,
            "confirmedHours": 0.0,
            "tentativeHours": 0.0,
            "capacity": 40.0,
            "availableHours": 40.0,
        },
    ]
    r = gql.post(ASSIGNMENT_HOURS, {"id": "4"})
    by_id = {e["node"]["id"]: e["node"] for e in r.data["assignments"]["edges"]}
    assert by_id[made["id"]]["hoursByWeek"][0] == {
        "week": "2027-01-04",
        "hours": 30.0,
        "confirmedHours": 0.0,
        "tentativeHours": 30.0,
    }
    r = gql.post(
        UPDATE_ASSIGNMENT.replace("person { id }", "person { id } status"),
        {"id": made["id"], "input": {"expectedVersion": 1, "status": "CONFIRMED"}},
    )
    assert r.data["updateAssignment"]["assignment"]["status"] == "CONFIRMED"
    assert AssignmentWeek.objects.get(assignment_id=made["id"]).tentative is False
    hours = gql.post(PERSON_HOURS, {"id": "4"}).data["person"]["hoursByWeek"][0]
    assert (hours["confirmedHours"], hours["tentativeHours"]) == (56.5, 0.0)


def test_placeholder_hours_never_reach_a_persons_figures(gql):
    before = gql.post(PERSON_HOURS, {"id": "4"}).data
    heatmap = """{ capacityHeatmap(from: "2027-01-04", weeks: 2) { rows { person { id }
      hoursByWeek } } gridSnapshot(from: "2027-01-04", weeks: 2) { hoursByPerson
      assignments { id } } roleCapacity(from: "2027-01-04", weeks: 2) { series {
      role { id } assigned capacity } } }"""
    reports = gql.post(heatmap).data
    pk = make_placeholder(gql, departmentId="3")
    make_booking(gql, pk, weeklyHours={"2027-01-04": 40, "2027-01-11": 40})
    assert gql.post(PERSON_HOURS, {"id": "4"}).data == before
    assert gql.post(heatmap).data == reports


# --- bulk hours -----------------------------------------------------------------------------


def test_bulk_hours_writes_people_and_placeholders_in_one_transaction(gql):
    pk = make_placeholder(gql)
    booking = make_booking(gql, pk, status="TENTATIVE", weeklyHours={"2027-01-04": 8})
    r = gql.post(
        BULK,
        {
            "items": [
                {
                    "assignmentId": booking["id"],
                    "expectedVersion": 1,
                    "weeklyHours": {"2027-01-11": 12},
                },
                {"assignmentId": "11", "expectedVersion": 1, "weeklyHours": {"2027-01-11": 6}},
            ]
        },
    )
    payload = r.data["bulkUpdateAssignmentHours"]
    assert payload["assignments"] == [{"id": "11", "version": 2}]
    assert payload["placeholderAssignments"] == [
        {"id": booking["id"], "version": 2, "placeholder": {"id": pk}}
    ]
    assert [(b["__typename"], b["id"], b["version"], b["status"]) for b in payload["bookings"]] == [
        ("PlaceholderAssignment", booking["id"], 2, "TENTATIVE"),
        ("Assignment", "11", 2, "CONFIRMED"),
    ]
    assert payload["bookings"][0]["weeklyHours"] == {"2027-01-04": 8.0, "2027-01-11": 12.0}
    week = AssignmentWeek.all_rows.get(assignment_id=booking["id"], week="2027-01-11")
    assert (week.placeholder_id, week.person_id, week.tentative) == (int(pk), None, True)
    # A stale placeholder item refuses the whole request.
    before = db_state()
    r = gql.post(
        BULK,
        {
            "items": [
                {"assignmentId": "11", "expectedVersion": 2, "weeklyHours": {"2027-01-11": 1}},
                {
                    "assignmentId": booking["id"],
                    "expectedVersion": 1,
                    "weeklyHours": {"2027-01-11": 1},
                },
            ]
        },
    )
    message, ext = only_error(r)
    assert message == f"Assignment changed since it was read: {booking['id']}"
    assert (ext["code"], ext["conflicts"]) == (
        "CONFLICT",
        [{"assignmentId": booking["id"], "currentVersion": 2}],
    )
    assert db_state() == before
    assert weeks_of(booking["id"]) == {"2027-01-04": 8, "2027-01-11": 12}


# --- department scoping --------------------------------------------------------------------


def test_restricted_tokens_see_placeholders_only_in_their_departments(gql, client_for, tokens):
    web = make_placeholder(gql, departmentId="3")  # Web, under Engineering
    design = make_placeholder(gql, departmentId="7")  # Design
    nowhere = make_placeholder(gql)  # no department
    booking = make_booking(gql, nowhere, weeklyHours={"2027-01-04": 8})
    listing = "{ placeholders { totalCount edges { node { id } } } }"
    all_ids = [e["node"]["id"] for e in gql.post(listing).data["placeholders"]["edges"]]
    assert sorted(all_ids, key=int) == sorted([web, design, nowhere], key=int)
    eng = client_for(tokens.engineering)
    assert eng.post(listing).data["placeholders"] == {
        "totalCount": 1,
        "edges": [{"node": {"id": web}}],
    }
    for hidden in (design, nowhere):
        message, ext = only_error(
            eng.post("query($id: ID!) { placeholder(id: $id) { id } }", {"id": hidden})
        )
        assert (message, ext["code"]) == (f"Placeholder {hidden} not found", "NOT_FOUND")
    r = eng.post(PROJECT_BOOKINGS)
    assert r.data["project"]["placeholderAssignments"] == []
    r = gql.post(PROJECT_BOOKINGS)
    assert [a["id"] for a in r.data["project"]["placeholderAssignments"]] == [booking["id"]]


def test_restricted_writers_write_placeholders_only_in_their_departments(gql, client_for, tokens):
    web = client_for(tokens.web)  # write, restricted to Web (3)
    design = make_placeholder(gql, departmentId="7")
    booking = make_booking(gql, design, weeklyHours={"2027-01-04": 8})
    before = db_state()
    for variables, field in [
        ({"input": {"name": "Dev", "roleId": "2"}}, "input.departmentId"),
        ({"input": {"name": "Dev", "roleId": "2", "departmentId": "1"}}, "input.departmentId"),
        ({"input": {"name": "Dev", "roleId": "2", "departmentId": None}}, "input.departmentId"),
    ]:
        message, ext = only_error(web.post(CREATE_PLACEHOLDER, variables))
        assert (message, ext["code"], ext["field"]) == (
            "A department-restricted viewer can only place placeholders in its departments",
            "FORBIDDEN",
            field,
        )
    for document, variables, field in [
        (UPDATE_PLACEHOLDER, {"id": design, "input": {"name": "X"}}, "id"),
        (DELETE_PLACEHOLDER, {"id": design}, "id"),
        (SET_REQUIRED, {"id": design, "skills": []}, "placeholderId"),
        (
            CREATE_BOOKING,
            {"input": {"placeholderId": design, "projectId": "1"}},
            "input.placeholderId",
        ),
    ]:
        message, ext = only_error(web.post(document, variables))
        assert (message, ext["code"], ext["field"]) == (
            f"Placeholder {design} not found",
            "NOT_FOUND",
            field,
        )
    for document, variables, field in [
        (UPDATE_BOOKING, {"id": booking["id"], "input": {"expectedVersion": 1}}, "id"),
        (DELETE_BOOKING, {"id": booking["id"]}, "id"),
        (
            BULK,
            {
                "items": [
                    {
                        "assignmentId": booking["id"],
                        "expectedVersion": 1,
                        "weeklyHours": {"2027-01-04": 1},
                    }
                ]
            },
            "items.0.assignmentId",
        ),
    ]:
        message, ext = only_error(web.post(document, variables))
        assert (message, ext["code"], ext["field"]) == (
            f"Assignment {booking['id']} not found",
            "NOT_FOUND",
            field,
        )
    assert db_state() == before
    # In its own department it may do all of it.
    r = web.post(CREATE_PLACEHOLDER, {"input": {"name": "Dev", "roleId": "2", "departmentId": "3"}})
    mine = r.data["createPlaceholder"]["placeholder"]["id"]
    made = make_booking(web, mine, weeklyHours={"2027-01-04": 8})
    r = web.post(
        BULK,
        {
            "items": [
                {"assignmentId": made["id"], "expectedVersion": 1, "weeklyHours": {"2027-01-04": 2}}
            ]
        },
    )
    assert r.data["bulkUpdateAssignmentHours"]["placeholderAssignments"][0]["version"] == 2
    message, ext = only_error(
        web.post(UPDATE_PLACEHOLDER, {"id": mine, "input": {"departmentId": "7"}})
    )
    assert (ext["code"], ext["field"]) == ("FORBIDDEN", "input.departmentId")


# --- the change log -----------------------------------------------------------------------------


def rows_after(since: int) -> list[tuple]:
    return list(
        Change.objects.filter(id__gt=since)
        .order_by("id")
        .values_list(
            "entity_type", "operation", "fields", "department_id", "previous_department_id"
        )
    )


def test_every_placeholder_write_appends_its_change(gql):
    since = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
    pk = make_placeholder(gql, departmentId="3")
    gql.post(UPDATE_PLACEHOLDER, {"id": pk, "input": {"departmentId": "7", "name": "Dev"}})
    gql.post(SET_REQUIRED, {"id": pk, "skills": [{"skill": "Python", "minProficiency": "EXPERT"}]})
    booking = make_booking(gql, pk, status="TENTATIVE", weeklyHours={"2027-01-04": 8})
    gql.post(
        BULK,
        {
            "items": [
                {
                    "assignmentId": booking["id"],
                    "expectedVersion": 1,
                    "weeklyHours": {"2027-01-04": 6},
                }
            ]
        },
    )
    gql.post(DELETE_PLACEHOLDER, {"id": pk})
    assert rows_after(since) == [
        (
            "placeholder",
            "create",
            {
                "name": {"after": "Senior Python developer"},
                "roleId": {"after": 2},
                "departmentId": {"after": 3},
            },
            3,
            None,
        ),
        (
            "placeholder",
            "update",
            {
                "name": {"before": "Senior Python developer", "after": "Dev"},
                "departmentId": {"before": 3, "after": 7},
            },
            7,
            3,
        ),
        (
            "placeholder",
            "update",
            {
                "requiredSkills": {
                    "before": [],
                    "after": [{"skill": "Python", "minProficiency": "expert"}],
                }
            },
            7,
            None,
        ),
        (
            "assignment",
            "create",
            {
                "placeholderId": {"after": int(pk)},
                "projectId": {"after": 1},
                "roleOnProject": {"after": None},
                "isActive": {"after": True},
                "status": {"after": "tentative"},
                "version": {"after": 1},
                "weeklyHours": {"after": {"2027-01-04": 8.0}},
            },
            7,
            None,
        ),
        (
            "assignment",
            "update",
            {
                "version": {"before": 1, "after": 2},
                "weeklyHours": {"before": {"2027-01-04": 8.0}, "after": {"2027-01-04": 6.0}},
            },
            7,
            None,
        ),
        (
            "assignment",
            "delete",
            {
                "placeholderId": {"before": int(pk)},
                "projectId": {"before": 1},
                "roleOnProject": {"before": None},
                "isActive": {"before": True},
                "status": {"before": "tentative"},
                "version": {"before": 2},
            },
            7,
            None,
        ),
        (
            "placeholder",
            "delete",
            {
                "name": {"before": "Dev"},
                "roleId": {"before": 2},
                "departmentId": {"before": 7},
            },
            7,
            None,
        ),
    ]


def test_deleting_a_project_logs_its_placeholder_assignments_in_their_departments(gql):
    web = make_placeholder(gql, departmentId="3")
    nowhere = make_placeholder(gql)
    ids = [
        int(make_booking(gql, owner, weeklyHours={"2027-01-04": 8})["id"])
        for owner in (web, nowhere)
    ]
    since = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
    gql.post('mutation { deleteProject(id: "1") { id } }')
    rows = {
        entity_id: (fields.get("placeholderId"), fields.get("personId"), department)
        for entity_id, fields, department in Change.objects.filter(
            id__gt=since, entity_type="assignment"
        ).values_list("entity_id", "fields", "department_id")
    }
    assert rows[ids[0]] == ({"before": int(web)}, None, 3)
    assert rows[ids[1]] == ({"before": int(nowhere)}, None, None)
    assert not Assignment.all_rows.filter(pk__in=ids).exists()


def test_the_feed_shows_a_restricted_token_only_its_placeholders(gql, client_for, tokens):
    since = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
    make_placeholder(gql, departmentId="3")
    make_placeholder(gql)  # no department: unrestricted viewers only
    feed = """query($after: String) { changes(after: $after) { edges { node {
      entityType operation } } } }"""
    after = encode_cursor(since)
    everything = gql.post(feed, {"after": after}).data["changes"]["edges"]
    engineering = client_for(tokens.engineering).post(feed, {"after": after}).data
    assert [e["node"] for e in everything] == [
        {"entityType": "PLACEHOLDER", "operation": "CREATE"}
    ] * 2
    assert [e["node"] for e in engineering["changes"]["edges"]] == [
        {"entityType": "PLACEHOLDER", "operation": "CREATE"}
    ]
