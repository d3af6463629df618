"""Mutations: what they write, and that refused input changes nothing."""

import pytest

from assignments.models import Assignment, AssignmentWeek
from people.models import Person, PersonSkill, SkillTag
from projects.models import Project

CREATE_ASSIGNMENT = """mutation($input: CreateAssignmentInput!) { createAssignment(input: $input)
  { assignment { id version isActive weeklyHours person { id } project { id } } } }"""
UPDATE_ASSIGNMENT = """mutation($id: ID!, $input: UpdateAssignmentInput!) {
  updateAssignment(id: $id, input: $input) { assignment { id version weeklyHours } } }"""


def snapshot():
    return (
        list(Person.objects.order_by("id").values_list("id", "name", "weekly_capacity")),
        list(Assignment.objects.order_by("id").values_list("id", "version", "is_active")),
        list(AssignmentWeek.objects.order_by("id").values_list("assignment_id", "week", "hours")),
        Project.objects.count(),
        PersonSkill.objects.count(),
    )


def test_create_update_delete_person(gql):
    r = gql.post(
        """mutation { createPerson(input: {name: " Grace Hopper ", email: "g@example.com",
             departmentId: "3", roleId: "1", weeklyCapacity: 32.5, hireDate: "2026-12-02"}) {
             person { name email weeklyCapacity hireDate isActive department { name }
             role { name } } } }"""
    )
    assert r.data["createPerson"]["person"] == {
        "name": "Grace Hopper",
        "email": "g@example.com",
        "weeklyCapacity": 32.5,
        "hireDate": "2026-12-02",
        "isActive": True,
        "department": {"name": "Web"},
        "role": {"name": "Engineer"},
    }
    person = Person.objects.get(name="Grace Hopper")
    r = gql.post(
        f'mutation {{ updatePerson(id: "{person.pk}", input: {{isActive: false, '
        f"departmentId: null}}) {{ person {{ isActive department {{ name }} }} }} }}"
    )
    assert r.data["updatePerson"]["person"] == {"isActive": False, "department": None}
    r = gql.post(f'mutation {{ deletePerson(id: "{person.pk}") {{ id }} }}')
    assert r.data == {"deletePerson": {"id": str(person.pk)}}
    assert not Person.objects.filter(pk=person.pk).exists()


def test_set_person_skills_matches_names_ignoring_case_and_creates_new_ones(gql):
    before = SkillTag.objects.count()
    r = gql.post(
        """mutation { setPersonSkills(personId: "25", skills: [
             {skill: "python", proficiency: EXPERT},
             {skill: "Quantum Knitting", proficiency: BEGINNER, kind: GOAL}]) {
             person { skills { skill { name } proficiency kind } } } }"""
    )
    assert r.data["setPersonSkills"]["person"]["skills"] == [
        {"skill": {"name": "Python"}, "proficiency": "EXPERT", "kind": "STRENGTH"},
        {"skill": {"name": "Quantum Knitting"}, "proficiency": "BEGINNER", "kind": "GOAL"},
    ]
    assert SkillTag.objects.count() == before + 1


def test_create_assignment_normalizes_days_to_mondays_and_drops_zero_weeks(gql):
    r = gql.post(
        CREATE_ASSIGNMENT,
        {
            "input": {
                "personId": "25",
                "projectId": "2",
                "roleOnProject": "Lead",
                "weeklyHours": {"2026-11-19": 12.5, "2026-11-23": 0, "2026-11-30": 8},
            }
        },
    )
    a = r.data["createAssignment"]["assignment"]
    assert (a["version"], a["isActive"], a["person"], a["project"]) == (
        1,
        True,
        {"id": "25"},
        {"id": "2"},
    )
    assert a["weeklyHours"] == {"2026-11-16": 12.5, "2026-11-30": 8.0}
    assert AssignmentWeek.objects.filter(assignment_id=a["id"]).count() == 2


def test_update_assignment_bumps_version_and_replaces_weeks(gql):
    r = gql.post(
        UPDATE_ASSIGNMENT,
        {"id": "54", "input": {"expectedVersion": 1, "weeklyHours": {"2026-12-07": 4}}},
    )
    assert r.data["updateAssignment"]["assignment"] == {
        "id": "54",
        "version": 2,
        "weeklyHours": {"2026-12-07": 4.0},
    }


def test_stale_version_is_a_conflict_and_changes_nothing(gql):
    gql.post(UPDATE_ASSIGNMENT, {"id": "54", "input": {"expectedVersion": 1, "isActive": True}})
    before = snapshot()
    r = gql.post(
        UPDATE_ASSIGNMENT,
        {"id": "54", "input": {"expectedVersion": 1, "weeklyHours": {"2026-12-07": 4}}},
    )
    assert r.body["data"] is None
    assert r.errors[0]["message"] == "Assignment changed since it was read: 54"
    assert r.errors[0]["extensions"] == {
        "code": "CONFLICT",
        "conflicts": [{"assignmentId": "54", "currentVersion": 2}],
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("document", "variables", "code", "message", "field"),
    [
        (
            'mutation { updatePerson(id: "99999", input: {name: "X"}) { person { id } } }',
            None,
            "NOT_FOUND",
            "Person 99999 not found",
            "id",
        ),
        (
            'mutation { updatePerson(id: "abc", input: {name: "X"}) { person { id } } }',
            None,
            "BAD_USER_INPUT",
            "id must be a numeric id, got 'abc'",
            "id",
        ),
        (
            'mutation { updatePerson(id: "25", input: {weeklyCapacity: -1}) { person { id } } }',
            None,
            "BAD_USER_INPUT",
            "input.weeklyCapacity must be between 0 and 168, got -1.0",
            "input.weeklyCapacity",
        ),
        (
            'mutation { createPerson(input: {name: "  "}) { person { id } } }',
            None,
            "BAD_USER_INPUT",
            "input.name must not be blank",
            "input.name",
        ),
        (
            'mutation { createPerson(input: {name: "X", departmentId: "999"}) { person { id } } }',
            None,
            "NOT_FOUND",
            "Department 999 not found",
            "input.departmentId",
        ),
        (
            CREATE_ASSIGNMENT,
            {"input": {"personId": "25", "projectId": "2", "weeklyHours": {"2026-11-16": -2}}},
            "BAD_USER_INPUT",
            "input.weeklyHours.2026-11-16 must be between 0 and 168, got -2",
            "input.weeklyHours.2026-11-16",
        ),
        (
            CREATE_ASSIGNMENT,
            {"input": {"personId": "25", "projectId": "2", "weeklyHours": {"2026-11-16": 169}}},
            "BAD_USER_INPUT",
            "input.weeklyHours.2026-11-16 must be between 0 and 168, got 169",
            "input.weeklyHours.2026-11-16",
        ),
        (
            CREATE_ASSIGNMENT,
            {
                "input": {
                    "personId": "25",
                    "projectId": "2",
                    "weeklyHours": {"2026-11-16": 1, "2026-11-18": 2},
                }
            },
            "BAD_USER_INPUT",
            "input.weeklyHours names the week of 2026-11-16 more than once",
            "input.weeklyHours.2026-11-18",
        ),
        (
            CREATE_ASSIGNMENT,
            {"input": {"personId": "50", "projectId": "2", "weeklyHours": {"2026-11-16": 8}}},
            "BAD_USER_INPUT",
            "input.weeklyHours.2026-11-16: hours in the week of 2026-11-16 "
            "fall before the hire date 2026-11-25",
            "input.weeklyHours.2026-11-16",
        ),
        (
            UPDATE_ASSIGNMENT,
            {"id": "999999", "input": {"expectedVersion": 1, "weeklyHours": {"2026-11-16": 8}}},
            "NOT_FOUND",
            "Assignment 999999 not found",
            "id",
        ),
    ],
)
def test_refused_input_has_the_contract_code_and_changes_nothing(
    gql, document, variables, code, message, field
):
    before = snapshot()
    r = gql.post(document, variables)
    assert [(e["message"], e["extensions"]) for e in r.errors] == [
        (message, {"code": code, "field": field})
    ]
    assert snapshot() == before


def test_read_scope_cannot_write(client_for, tokens):
    before = snapshot()
    r = client_for(tokens.read).post(
        'mutation { updatePerson(id: "25", input: {name: "X"}) { person { id } } }'
    )
    assert r.errors[0]["message"] == "This operation needs the write scope"
    assert r.codes == ["FORBIDDEN"]
    assert snapshot() == before


def test_no_token_is_unauthenticated_everywhere(client_for):
    r = client_for(None).post("{ viewer { username } people { edges { node { id } } } }")
    assert r.body["data"] is None  # the first refused non-null root field nulls the answer
    assert r.codes == ["UNAUTHENTICATED"]
    assert r.errors[0]["message"] == "Authentication required"
    assert client_for(None).post("{ __typename }").body == {"data": {"__typename": "Query"}}


def test_bad_token_is_401(client_for):
    r = client_for("cg_not-a-token").post("{ viewer { username } }")
    assert r.status == 401
    assert r.headers["WWW-Authenticate"] == 'Bearer realm="capgraph"'
    assert r.errors == [{"message": "Invalid API token", "extensions": {"code": "UNAUTHENTICATED"}}]


def test_restricted_writer_stays_in_its_department(client_for, tokens):
    web = client_for(tokens.web)  # write, department 3 (Web)
    inside = Person.objects.filter(department_id=3).values_list("pk", flat=True).first()
    outside = Person.objects.exclude(department_id=3).values_list("pk", flat=True).first()
    ok = web.post(
        f'mutation {{ updatePerson(id: "{inside}", input: {{name: "In"}}) '
        "{ person { name } } }"
    )
    assert ok.data == {"updatePerson": {"person": {"name": "In"}}}
    hidden = web.post(
        f'mutation {{ updatePerson(id: "{outside}", input: {{name: "Out"}}) '
        "{ person { name } } }"
    )
    assert hidden.codes == ["NOT_FOUND"]
    moved = web.post(
        f'mutation {{ updatePerson(id: "{inside}", input: {{departmentId: "1"}}) '
        "{ person { name } } }"
    )
    assert moved.codes == ["FORBIDDEN"]
    project = web.post('mutation { createProject(input: {name: "P"}) { project { id } } }')
    assert project.errors[0]["message"] == "A department-restricted viewer cannot change projects"


def test_first_and_weeks_limits(gql):
    assert gql.post("{ people(first: 500) { edges { cursor } } }").codes == ["REQUEST_TOO_LARGE"]
    assert gql.post("{ people(first: 0) { edges { cursor } } }").codes == ["BAD_USER_INPUT"]
    doc = '{ person(id: "25") { hoursByWeek(weeks: %d) { week } } }'
    assert gql.post(doc % 0).errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "weeks"}
    assert gql.post(doc % 27).errors[0]["extensions"] == {
        "code": "REQUEST_TOO_LARGE",
        "field": "weeks",
    }
    bad_cursor = gql.post('{ people(after: "nope") { edges { cursor } } }')
    assert bad_cursor.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


def test_pages_follow_cursors(gql):
    first = gql.post(
        "{ people(first: 2) { edges { cursor node { id } } pageInfo { "
        "hasNextPage endCursor } totalCount } }"
    ).data["people"]
    after = first["pageInfo"]["endCursor"]
    second = gql.post(
        f'{{ people(first: 2, after: "{after}") {{ edges {{ node {{ id }} }} '
        "pageInfo { hasPreviousPage } } }"
    ).data["people"]
    expected = list(
        Person.objects.filter(is_active=True).order_by("name", "id").values_list("pk", flat=True)
    )
    assert [int(e["node"]["id"]) for e in first["edges"]] == expected[:2]
    assert [int(e["node"]["id"]) for e in second["edges"]] == expected[2:4]
    assert first["totalCount"] == len(expected)
    assert second["pageInfo"] == {"hasPreviousPage": True}
