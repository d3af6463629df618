"""Every mutation over HTTP: what it answers, exactly what it writes, and that a refused
write (a stale version) leaves every table as it was."""

import datetime as dt
from decimal import Decimal

import pytest

from assignments.models import Assignment, AssignmentWeek
from people.models import Person, PersonSkill, SkillTag
from projects.models import Project
from tests.helpers import (
    CREATE_ASSIGNMENT,
    CREATE_PERSON,
    CREATE_PROJECT,
    DELETE_ASSIGNMENT,
    DELETE_PERSON,
    DELETE_PROJECT,
    SET_SKILLS,
    UPDATE_ASSIGNMENT,
    UPDATE_PERSON,
    UPDATE_PROJECT,
    db_state,
    only_error,
    weeks_of,
)

# --- people ------------------------------------------------------------------------------


def test_create_person_with_every_field(gql):
    r = gql.post(
        CREATE_PERSON,
        {
            "input": {
                "name": "  Grace Hopper  ",
                "email": " grace@example.com ",
                "departmentId": "3",
                "roleId": "2",
                "weeklyCapacity": 32.5,
                "hireDate": "2026-12-02",
                "isActive": False,
            }
        },
    )
    person = r.data["createPerson"]["person"]
    new_id = int(person.pop("id"))
    assert person == {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "weeklyCapacity": 32.5,
        "hireDate": "2026-12-02",
        "isActive": False,
        "department": {"id": "3", "name": "Web"},
        "role": {"id": "2", "name": "Senior Engineer"},
    }
    row = Person.objects.values(
        "name", "email", "department_id", "role_id", "weekly_capacity", "hire_date", "is_active"
    ).get(pk=new_id)
    assert row == {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "department_id": 3,
        "role_id": 2,
        "weekly_capacity": Decimal("32.50"),
        "hire_date": dt.date(2026, 12, 2),
        "is_active": False,
    }
    # The id is the primary key, readable straight back.
    again = gql.post(f'{{ person(id: "{new_id}") {{ name }} }}')
    assert again.data == {"person": {"name": "Grace Hopper"}}


def test_create_person_defaults(gql):
    before = Person.objects.count()
    r = gql.post(CREATE_PERSON, {"input": {"name": "Only A Name"}})
    person = r.data["createPerson"]["person"]
    person.pop("id")
    assert person == {
        "name": "Only A Name",
        "email": None,
        "weeklyCapacity": 40.0,
        "hireDate": None,
        "isActive": True,
        "department": None,
        "role": None,
    }
    assert Person.objects.count() == before + 1


def test_update_person_changes_only_the_given_fields(gql):
    before = Person.objects.values().get(pk=25)
    others = [row for row in db_state()["Person"] if row[0] != 25]
    r = gql.post(UPDATE_PERSON, {"id": "25", "input": {"weeklyCapacity": 20, "roleId": "3"}})
    assert r.data["updatePerson"]["person"] == {
        "id": "25",
        "name": "Ada Thompson",
        "email": "ada.thompson.25@example.com",
        "weeklyCapacity": 20.0,
        "hireDate": "2021-09-13",
        "isActive": True,
        "department": {"id": "1", "name": "Engineering"},
        "role": {"id": "3", "name": "Principal Engineer"},
    }
    after = Person.objects.values().get(pk=25)
    changed = {k for k in after if after[k] != before[k]}
    assert changed <= {"weekly_capacity", "role_id", "updated_at"}
    assert (after["weekly_capacity"], after["role_id"]) == (Decimal("20.00"), 3)
    assert [row for row in db_state()["Person"] if row[0] != 25] == others


def test_update_person_clears_nullable_fields_with_null(gql):
    r = gql.post(
        UPDATE_PERSON,
        {
            "id": "25",
            "input": {"departmentId": None, "roleId": None, "email": None, "hireDate": None},
        },
    )
    person = r.data["updatePerson"]["person"]
    assert (person["department"], person["role"], person["email"], person["hireDate"]) == (
        None,
        None,
        None,
        None,
    )
    assert Person.objects.values_list("department_id", "role_id", "email", "hire_date").get(
        pk=25
    ) == (None, None, None, None)


def test_delete_person_removes_their_skills_assignments_and_hours(gql):
    assignment_ids = set(Assignment.objects.filter(person_id=25).values_list("pk", flat=True))
    assert assignment_ids == {53, 54}
    before = db_state()
    r = gql.post(DELETE_PERSON, {"id": "25"})
    assert r.data == {"deletePerson": {"id": "25"}}
    after = db_state()
    assert not Person.objects.filter(pk=25).exists()
    assert not PersonSkill.objects.filter(person_id=25).exists()
    assert not Assignment.objects.filter(person_id=25).exists()
    assert not AssignmentWeek.objects.filter(person_id=25).exists()
    # ... and nothing else.
    assert after["Person"] == [row for row in before["Person"] if row[0] != 25]
    assert after["Assignment"] == [r for r in before["Assignment"] if r[0] not in assignment_ids]
    assert (after["Project"], after["SkillTag"]) == (before["Project"], before["SkillTag"])
    # The id now reads as missing.
    gone = gql.post('{ person(id: "25") { id } }')
    assert only_error(gone) == ("Person 25 not found", {"code": "NOT_FOUND", "field": "id"})


def test_set_person_skills_replaces_the_list_matching_names_ignoring_case(gql):
    python = SkillTag.objects.get(name="Python")
    tags_before = db_state()["SkillTag"]
    other_skills = list(PersonSkill.objects.exclude(person_id=25).order_by("pk").values_list())
    r = gql.post(
        SET_SKILLS,
        {
            "id": "25",
            "skills": [
                {"skill": "  pYTHON ", "proficiency": "EXPERT"},
                {"skill": "Quantum Knitting", "proficiency": "BEGINNER", "kind": "GOAL"},
                {"skill": "quantum knitting", "proficiency": "ADVANCED", "kind": "IN_PROGRESS"},
            ],
        },
    )
    knitting = SkillTag.objects.get(name="Quantum Knitting")  # one new tag, first spelling
    assert r.data["setPersonSkills"]["person"] == {
        "id": "25",
        "skills": [
            {
                "skill": {"id": str(python.pk), "name": "Python"},
                "proficiency": "EXPERT",
                "kind": "STRENGTH",
            },
            {
                "skill": {"id": str(knitting.pk), "name": "Quantum Knitting"},
                "proficiency": "BEGINNER",
                "kind": "GOAL",
            },
            {
                "skill": {"id": str(knitting.pk), "name": "Quantum Knitting"},
                "proficiency": "ADVANCED",
                "kind": "IN_PROGRESS",
            },
        ],
    }
    assert db_state()["SkillTag"] == [*tags_before, (knitting.pk, "Quantum Knitting", "")]
    assert set(
        PersonSkill.objects.filter(person_id=25).values_list("skill_id", "proficiency", "kind")
    ) == {
        (python.pk, "expert", "strength"),
        (knitting.pk, "beginner", "goal"),
        (knitting.pk, "advanced", "in_progress"),
    }
    assert list(PersonSkill.objects.exclude(person_id=25).order_by("pk").values_list()) == (
        other_skills
    )


def test_set_person_skills_matches_non_ascii_names_ignoring_case(gql):
    """The same on SQLite (whose lower() folds ASCII only) as on PostgreSQL."""
    first = gql.post(
        SET_SKILLS, {"id": "25", "skills": [{"skill": "Éclair Ünïcode", "proficiency": "EXPERT"}]}
    )
    tag = first.data["setPersonSkills"]["person"]["skills"][0]["skill"]
    tags = db_state()["SkillTag"]
    second = gql.post(
        SET_SKILLS, {"id": "26", "skills": [{"skill": "éclair üNÏCODE", "proficiency": "EXPERT"}]}
    )
    assert second.data["setPersonSkills"]["person"]["skills"][0]["skill"] == tag
    assert db_state()["SkillTag"] == tags
    clair = SkillTag.objects.filter(name__icontains="clair")
    assert list(clair.values_list("name", flat=True)) == ["Éclair Ünïcode"]


def test_set_person_skills_with_an_empty_list_clears_them(gql):
    tags = db_state()["SkillTag"]
    r = gql.post(SET_SKILLS, {"id": "25", "skills": []})
    assert r.data["setPersonSkills"]["person"] == {"id": "25", "skills": []}
    assert not PersonSkill.objects.filter(person_id=25).exists()
    assert db_state()["SkillTag"] == tags  # skills themselves stay


# --- projects ----------------------------------------------------------------------------


def test_create_update_delete_project(gql):
    r = gql.post(
        CREATE_PROJECT,
        {
            "input": {
                "name": " Apollo ",
                "client": " NASA ",
                "status": "ON_HOLD",
                "startDate": "2026-11-04",
                "endDate": "2027-02-01",
            }
        },
    )
    project = r.data["createProject"]["project"]
    pid = project.pop("id")
    assert project == {
        "name": "Apollo",
        "client": "NASA",
        "status": "ON_HOLD",
        "startDate": "2026-11-04",
        "endDate": "2027-02-01",
    }
    assert Project.objects.values_list("name", "client", "status", "start_date", "end_date").get(
        pk=pid
    ) == ("Apollo", "NASA", "on_hold", dt.date(2026, 11, 4), dt.date(2027, 2, 1))

    r = gql.post(UPDATE_PROJECT, {"id": pid, "input": {"status": "ACTIVE", "client": None}})
    assert r.data["updateProject"]["project"] == {
        "id": pid,
        "name": "Apollo",
        "client": None,
        "status": "ACTIVE",
        "startDate": "2026-11-04",
        "endDate": "2027-02-01",
    }
    assert Project.objects.values_list("client", "status").get(pk=pid) == (None, "active")

    r = gql.post(DELETE_PROJECT, {"id": pid})
    assert r.data == {"deleteProject": {"id": pid}}
    assert not Project.objects.filter(pk=pid).exists()


def test_create_project_defaults_to_planning(gql):
    r = gql.post(CREATE_PROJECT, {"input": {"name": "Bare"}})
    project = r.data["createProject"]["project"]
    project.pop("id")
    assert project == {
        "name": "Bare",
        "client": None,
        "status": "PLANNING",
        "startDate": None,
        "endDate": None,
    }


def test_delete_project_removes_its_assignments_and_their_hours_only(gql):
    doomed = set(Assignment.objects.filter(project_id=7).values_list("pk", flat=True))
    assert doomed
    before = db_state()
    r = gql.post(DELETE_PROJECT, {"id": "7"})
    assert r.data == {"deleteProject": {"id": "7"}}
    after = db_state()
    assert after["Project"] == [row for row in before["Project"] if row[0] != 7]
    assert after["Assignment"] == [row for row in before["Assignment"] if row[0] not in doomed]
    assert after["AssignmentWeek"] == [
        row for row in before["AssignmentWeek"] if row[1] not in doomed
    ]
    assert after["Person"] == before["Person"]


# --- assignments -------------------------------------------------------------------------


def test_create_assignment_reads_any_day_as_its_monday_and_stores_no_zero_weeks(gql):
    before = db_state()
    r = gql.post(
        CREATE_ASSIGNMENT,
        {
            "input": {
                "personId": "25",
                "projectId": "2",
                "roleOnProject": " Reviewer ",
                "weeklyHours": {
                    "2026-11-03": 12.5,  # Tuesday -> 2026-11-02
                    "2026-11-15": 4,  # Sunday -> 2026-11-09
                    "2026-11-16": 0,  # Monday, zero: no row
                    "2026-11-27": 7.25,  # Friday -> 2026-11-23
                    "2026-12-07": 168,  # the most a week holds
                },
            }
        },
    )
    a = r.data["createAssignment"]["assignment"]
    new_id = int(a.pop("id"))
    assert a == {
        "version": 1,
        "isActive": True,
        "roleOnProject": "Reviewer",
        "weeklyHours": {
            "2026-11-02": 12.5,
            "2026-11-09": 4.0,
            "2026-11-23": 7.25,
            "2026-12-07": 168.0,
        },
        "person": {"id": "25"},
        "project": {"id": "2"},
    }
    assert weeks_of(new_id) == {
        "2026-11-02": Decimal("12.50"),
        "2026-11-09": Decimal("4.00"),
        "2026-11-23": Decimal("7.25"),
        "2026-12-07": Decimal("168.00"),
    }
    assert set(AssignmentWeek.objects.filter(assignment_id=new_id).values_list("person_id")) == {
        (25,)
    }
    assert Assignment.objects.values_list(
        "person_id", "project_id", "role_on_project", "is_active", "version"
    ).get(pk=new_id) == (25, 2, "Reviewer", True, 1)
    after = db_state()
    assert after["Assignment"][:-1] == before["Assignment"]
    assert after["Person"] == before["Person"]


def test_create_assignment_without_hours_and_inactive(gql):
    r = gql.post(
        CREATE_ASSIGNMENT, {"input": {"personId": "25", "projectId": "3", "isActive": False}}
    )
    a = r.data["createAssignment"]["assignment"]
    assert (a["version"], a["isActive"], a["roleOnProject"], a["weeklyHours"]) == (
        1,
        False,
        None,
        {},
    )
    assert weeks_of(a["id"]) == {}


def test_create_assignment_only_zero_hours_stores_nothing(gql):
    r = gql.post(
        CREATE_ASSIGNMENT,
        {"input": {"personId": "25", "projectId": "3", "weeklyHours": {"2026-11-18": 0}}},
    )
    a = r.data["createAssignment"]["assignment"]
    assert a["weeklyHours"] == {}
    assert weeks_of(a["id"]) == {}


def test_update_assignment_bumps_version_by_one_and_replaces_every_week(gql):
    assert Assignment.objects.get(pk=54).version == 1
    assert len(weeks_of(54)) == 9
    others = [row for row in db_state()["AssignmentWeek"] if row[1] != 54]

    r = gql.post(
        UPDATE_ASSIGNMENT,
        {
            "id": "54",
            "input": {
                "expectedVersion": 1,
                "weeklyHours": {"2026-12-09": 4, "2027-03-07": 10.5, "2026-11-16": 0},
            },
        },
    )
    assert r.data["updateAssignment"]["assignment"] == {
        "id": "54",
        "version": 2,
        "isActive": True,
        "roleOnProject": None,
        "weeklyHours": {"2026-12-07": 4.0, "2027-03-01": 10.5},
        "person": {"id": "25"},
        "project": {"id": "7"},
    }
    assert weeks_of(54) == {"2026-12-07": Decimal("4.00"), "2027-03-01": Decimal("10.50")}
    assert Assignment.objects.get(pk=54).version == 2
    assert [row for row in db_state()["AssignmentWeek"] if row[1] != 54] == others

    # Without weeklyHours the weeks stay; every write still bumps the version by one.
    r = gql.post(
        UPDATE_ASSIGNMENT,
        {
            "id": "54",
            "input": {
                "expectedVersion": 2,
                "roleOnProject": "Lead",
                "isActive": False,
                "projectId": "3",
            },
        },
    )
    a = r.data["updateAssignment"]["assignment"]
    assert (a["version"], a["roleOnProject"], a["isActive"], a["project"]) == (
        3,
        "Lead",
        False,
        {"id": "3"},
    )
    assert a["weeklyHours"] == {"2026-12-07": 4.0, "2027-03-01": 10.5}
    assert Assignment.objects.values_list("version", "project_id", "is_active").get(pk=54) == (
        3,
        3,
        False,
    )

    # An empty map removes every week.
    r = gql.post(
        UPDATE_ASSIGNMENT, {"id": "54", "input": {"expectedVersion": 3, "weeklyHours": {}}}
    )
    assert r.data["updateAssignment"]["assignment"]["version"] == 4
    assert r.data["updateAssignment"]["assignment"]["weeklyHours"] == {}
    assert weeks_of(54) == {}


@pytest.mark.parametrize("stale", [0, 2, 7])
def test_stale_expected_version_is_a_conflict_and_changes_nothing(gql, stale):
    before = db_state()
    r = gql.post(
        UPDATE_ASSIGNMENT,
        {
            "id": "54",
            "input": {
                "expectedVersion": stale,
                "weeklyHours": {"2026-12-07": 4},
                "isActive": False,
            },
        },
    )
    assert r.body["data"] is None
    assert only_error(r) == (
        "Assignment changed since it was read: 54",
        {"code": "CONFLICT", "conflicts": [{"assignmentId": "54", "currentVersion": 1}]},
    )
    assert db_state() == before


def test_conflict_reports_the_version_after_other_writes(gql):
    for version in (1, 2):
        gql.post(UPDATE_ASSIGNMENT, {"id": "54", "input": {"expectedVersion": version}})
    before = db_state()
    r = gql.post(UPDATE_ASSIGNMENT, {"id": "54", "input": {"expectedVersion": 1}})
    assert r.errors[0]["extensions"] == {
        "code": "CONFLICT",
        "conflicts": [{"assignmentId": "54", "currentVersion": 3}],
    }
    assert db_state() == before
    # A read shows the same version the conflict reported.
    read = gql.post('{ assignments(person: "25") { edges { node { id version } } } }')
    assert {"node": {"id": "54", "version": 3}} in read.data["assignments"]["edges"]


def test_delete_assignment_removes_it_and_its_hours(gql):
    before = db_state()
    r = gql.post(DELETE_ASSIGNMENT, {"id": "54"})
    assert r.data == {"deleteAssignment": {"id": "54"}}
    after = db_state()
    assert after["Assignment"] == [row for row in before["Assignment"] if row[0] != 54]
    assert after["AssignmentWeek"] == [row for row in before["AssignmentWeek"] if row[1] != 54]
    assert after["Person"] == before["Person"]
    assert after["Project"] == before["Project"]


def test_delete_assignment_with_the_current_version(gql):
    r = gql.post(DELETE_ASSIGNMENT, {"id": "54", "v": 1})
    assert r.data == {"deleteAssignment": {"id": "54"}}
    assert not Assignment.objects.filter(pk=54).exists()


def test_delete_assignment_with_a_stale_version_is_a_conflict(gql):
    before = db_state()
    r = gql.post(DELETE_ASSIGNMENT, {"id": "54", "v": 5})
    assert r.body["data"] is None
    assert only_error(r) == (
        "Assignment changed since it was read: 54",
        {"code": "CONFLICT", "conflicts": [{"assignmentId": "54", "currentVersion": 1}]},
    )
    assert db_state() == before


# --- the same mutations written as literals ----------------------------------------------


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
        """mutation($id: ID!, $input: UpdateAssignmentInput!) {
             updateAssignment(id: $id, input: $input) {
               assignment { id version weeklyHours } } }""",
        {"id": "54", "input": {"expectedVersion": 1, "weeklyHours": {"2026-12-07": 4}}},
    )
    assert r.data["updateAssignment"]["assignment"] == {
        "id": "54",
        "version": 2,
        "weeklyHours": {"2026-12-07": 4.0},
    }


def test_stale_version_after_one_write_is_a_conflict_and_changes_nothing(gql):
    gql.post(UPDATE_ASSIGNMENT, {"id": "54", "input": {"expectedVersion": 1, "isActive": True}})
    before = db_state()
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
    assert db_state() == before
