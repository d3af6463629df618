"""Bad input (issue 2's acceptance): unknown ids, malformed dates, weeks 0 or 27, first 500,
negative hours, hours on a missing assignment, ids that are not ids, bad cursors. Each gets
the contract's code and message, names the offending field, and changes nothing."""

import base64
from decimal import Decimal

import pytest

from assignments.models import Assignment
from people.models import Person
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
    weeks_of,
)
from tests.reference import DATA

NO_DATA = object()  # a request error: the body has no `data` at all

BULK = """mutation($items: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $items)
  { assignments { id version } } }"""
HOURS_BY_WEEK = 'query($w: Int) { person(id: "25") { hoursByWeek(weeks: $w) { week } } }'


def hours(person: str, weekly_hours, project: str = "2") -> dict:
    return {"input": {"personId": person, "projectId": project, "weeklyHours": weekly_hours}}


def update_hours(assignment: str, weekly_hours, version: int = 1) -> dict:
    return {"id": assignment, "input": {"expectedVersion": version, "weeklyHours": weekly_hours}}


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def case(name, document, variables, code, message, field, data=None):
    return pytest.param(document, variables, code, message, field, data, id=name)


def not_found(name, document, variables, message, field, data=None):
    return case(name, document, variables, "NOT_FOUND", message, field, data)


def bad(name, document, variables, message, field, data=None):
    return case(name, document, variables, "BAD_USER_INPUT", message, field, data)


def too_large(name, document, variables, message, field, data=None):
    return case(name, document, variables, "REQUEST_TOO_LARGE", message, field, data)


def date_error(value: str, reason: str) -> str:
    return f'Value cannot represent a Date: "{value}". {reason}'


CASES = [
    # --- unknown ids ----------------------------------------------------------------------
    not_found(
        "updatePerson-missing",
        UPDATE_PERSON,
        {"id": "999999", "input": {"name": "X"}},
        "Person 999999 not found",
        "id",
    ),
    not_found(
        "deletePerson-missing", DELETE_PERSON, {"id": "999999"}, "Person 999999 not found", "id"
    ),
    not_found(
        "setPersonSkills-missing",
        SET_SKILLS,
        {"id": "999999", "skills": [{"skill": "Python", "proficiency": "EXPERT"}]},
        "Person 999999 not found",
        "personId",
    ),
    not_found(
        "createPerson-missing-department",
        CREATE_PERSON,
        {"input": {"name": "X", "departmentId": "999999"}},
        "Department 999999 not found",
        "input.departmentId",
    ),
    not_found(
        "createPerson-missing-role",
        CREATE_PERSON,
        {"input": {"name": "X", "roleId": "999999"}},
        "Role 999999 not found",
        "input.roleId",
    ),
    not_found(
        "updatePerson-missing-department",
        UPDATE_PERSON,
        {"id": "25", "input": {"name": "Changed", "departmentId": "999999"}},
        "Department 999999 not found",
        "input.departmentId",
    ),
    not_found(
        "updateProject-missing",
        UPDATE_PROJECT,
        {"id": "999999", "input": {"name": "X"}},
        "Project 999999 not found",
        "id",
    ),
    not_found(
        "deleteProject-missing", DELETE_PROJECT, {"id": "999999"}, "Project 999999 not found", "id"
    ),
    not_found(
        "createAssignment-missing-person",
        CREATE_ASSIGNMENT,
        hours("999999", {"2026-11-16": 8}),
        "Person 999999 not found",
        "input.personId",
    ),
    not_found(
        "createAssignment-missing-project",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-16": 8}, project="999999"),
        "Project 999999 not found",
        "input.projectId",
    ),
    not_found(
        "updateAssignment-hours-on-missing-assignment",
        UPDATE_ASSIGNMENT,
        update_hours("999999", {"2026-11-16": 8}),
        "Assignment 999999 not found",
        "id",
    ),
    not_found(
        "updateAssignment-missing-project",
        UPDATE_ASSIGNMENT,
        {"id": "54", "input": {"expectedVersion": 1, "projectId": "999999", "isActive": False}},
        "Project 999999 not found",
        "input.projectId",
    ),
    not_found(
        "deleteAssignment-missing",
        DELETE_ASSIGNMENT,
        {"id": "999999"},
        "Assignment 999999 not found",
        "id",
    ),
    not_found(
        "bulk-hours-on-missing-assignment",
        BULK,
        {
            "items": [
                {"assignmentId": "54", "expectedVersion": 1, "weeklyHours": {"2026-11-16": 1}},
                {"assignmentId": "999999", "expectedVersion": 1, "weeklyHours": {"2026-11-16": 8}},
            ]
        },
        "Assignment 999999 not found",
        "items.1.assignmentId",
    ),
    not_found(
        "person-missing",
        '{ person(id: "999999") { id } }',
        None,
        "Person 999999 not found",
        "id",
        {"person": None},
    ),
    not_found(
        "project-missing",
        '{ project(id: "999999") { id } }',
        None,
        "Project 999999 not found",
        "id",
        {"project": None},
    ),
    not_found(
        "people-missing-department",
        '{ people(department: "999999") { edges { cursor } } }',
        None,
        "Department 999999 not found",
        "department",
    ),
    not_found(
        "assignments-missing-department",
        '{ assignments(department: "999999", includeChildren: true) { edges { cursor } } }',
        None,
        "Department 999999 not found",
        "department",
    ),
    # Found by the fuzz test: a weight of 1e25 overflowed the score's Decimal precision.
    bad(
        "findAvailable-weight-too-large",
        "{ findAvailable(availabilityWeight: 1e25) { score } }",
        None,
        "availabilityWeight must be a number between 0 and 1000000, got 1e+25",
        "availabilityWeight",
        None,
    ),
    # --- malformed dates, as literals and as variables ------------------------------------
    bad(
        "date-literal-impossible-day",
        'mutation { createPerson(input: {name: "X", hireDate: "2026-02-30"}) { person { id } } }',
        None,
        "Argument 'input.hireDate': " + date_error("2026-02-30", "day is out of range for month"),
        "input.hireDate",
        NO_DATA,
    ),
    bad(
        "date-variable-impossible-day",
        CREATE_PERSON,
        {"input": {"name": "X", "hireDate": "2026-02-30"}},
        "Variable '$input' has invalid value at .hireDate: "
        + date_error("2026-02-30", "day is out of range for month"),
        "input.hireDate",
        NO_DATA,
    ),
    bad(
        "date-literal-words",
        'mutation { createProject(input: {name: "X", startDate: "tomorrow"}) { project { id } } }',
        None,
        "Argument 'input.startDate': "
        + date_error("tomorrow", "Invalid isoformat string: 'tomorrow'"),
        "input.startDate",
        NO_DATA,
    ),
    bad(
        "date-variable-us-format",
        UPDATE_PERSON,
        {"id": "25", "input": {"hireDate": "12/02/2026"}},
        "Variable '$input' has invalid value at .hireDate: "
        + date_error("12/02/2026", "Invalid isoformat string: '12/02/2026'"),
        "input.hireDate",
        NO_DATA,
    ),
    bad(
        "date-literal-month-13-in-a-query",
        '{ person(id: "25") { hoursByWeek(from: "2026-13-01") { week } } }',
        None,
        "Argument 'from': " + date_error("2026-13-01", "month must be in 1..12"),
        "from",
        NO_DATA,
    ),
    bad(
        "date-variable-in-a-query",
        'query($d: Date) { person(id: "25") { availableHours(week: $d) } }',
        {"d": "yesterday"},
        "Variable '$d' has invalid value: "
        + date_error("yesterday", "Invalid isoformat string: 'yesterday'"),
        "week",
        NO_DATA,
    ),
    bad(
        "weeklyHours-key-impossible-day",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-16": 8, "2026-02-30": 3}),
        "input.weeklyHours.2026-02-30 must be a date (YYYY-MM-DD), got '2026-02-30'",
        "input.weeklyHours.2026-02-30",
    ),
    bad(
        "weeklyHours-key-words",
        CREATE_ASSIGNMENT,
        hours("25", {"next week": 3}),
        "input.weeklyHours.next week must be a date (YYYY-MM-DD), got 'next week'",
        "input.weeklyHours.next week",
    ),
    bad(
        "weeklyHours-key-basic-format",
        UPDATE_ASSIGNMENT,
        update_hours("54", {"20261103": 3}),
        "input.weeklyHours.20261103 must be a date (YYYY-MM-DD), got '20261103'",
        "input.weeklyHours.20261103",
    ),
    bad(
        "weeklyHours-key-datetime",
        UPDATE_ASSIGNMENT,
        update_hours("54", {"2026-11-03T10:00": 3}),
        "input.weeklyHours.2026-11-03T10:00 must be a date (YYYY-MM-DD), got '2026-11-03T10:00'",
        "input.weeklyHours.2026-11-03T10:00",
    ),
    bad(
        "weeklyHours-key-in-the-calendars-last-partial-week",  # its Sunday would be year 10000
        CREATE_ASSIGNMENT,
        hours("25", {"9999-12-31": 3}),
        "input.weeklyHours.9999-12-31 must be a date in a week ending by 9999-12-31, "
        "got '9999-12-31'",
        "input.weeklyHours.9999-12-31",
    ),
    bad(
        "bulk-weeklyHours-key-in-the-calendars-last-partial-week",
        BULK,
        {"items": [{"assignmentId": "54", "expectedVersion": 1, "weeklyHours": {"9999-12-27": 3}}]},
        "items.0.weeklyHours.9999-12-27 must be a date in a week ending by 9999-12-31, "
        "got '9999-12-27'",
        "items.0.weeklyHours.9999-12-27",
    ),
    bad(
        "weeklyHours-not-an-object",
        CREATE_ASSIGNMENT,
        hours("25", [["2026-11-03", 8]]),
        'input.weeklyHours must be an object of {"YYYY-MM-DD": hours}',
        "input.weeklyHours",
    ),
    # --- weeks 1..26 -----------------------------------------------------------------------
    bad(
        "weeks-0",
        HOURS_BY_WEEK,
        {"w": 0},
        "weeks must be between 1 and 26, got 0",
        "weeks",
        {"person": None},
    ),
    bad(
        "weeks-negative",
        HOURS_BY_WEEK,
        {"w": -3},
        "weeks must be between 1 and 26, got -3",
        "weeks",
        {"person": None},
    ),
    too_large(
        "weeks-27",
        HOURS_BY_WEEK,
        {"w": 27},
        "weeks must be at most 26, got 27",
        "weeks",
        {"person": None},
    ),
    too_large(
        "weeks-27-on-an-assignment",
        '{ assignments(person: "25") { edges { node { hoursByWeek(weeks: 27) { week } } } } }',
        None,
        "weeks must be at most 26, got 27",
        "weeks",
        None,
    ),
    bad(
        "weeks-0-heatmap",
        '{ capacityHeatmap(from: "2026-11-02", weeks: 0) { weekKeys } }',
        None,
        "weeks must be between 1 and 26, got 0",
        "weeks",
    ),
    too_large(
        "weeks-27-heatmap",
        '{ capacityHeatmap(from: "2026-11-02", weeks: 27) { weekKeys } }',
        None,
        "weeks must be at most 26, got 27",
        "weeks",
    ),
    # --- first 1..200 ----------------------------------------------------------------------
    too_large(
        "first-500-people",
        "{ people(first: 500) { edges { cursor } } }",
        None,
        "first must be at most 200, got 500",
        "first",
    ),
    too_large(
        "first-201-projects",
        "{ projects(first: 201) { edges { cursor } } }",
        None,
        "first must be at most 200, got 201",
        "first",
    ),
    too_large(
        "first-500-assignments",
        "query($n: Int) { assignments(first: $n) { edges { cursor } } }",
        {"n": 500},
        "first must be at most 200, got 500",
        "first",
    ),
    bad(
        "first-0",
        "{ people(first: 0) { edges { cursor } } }",
        None,
        "first must be between 1 and 200, got 0",
        "first",
    ),
    bad(
        "first-negative",
        "{ assignments(first: -1) { edges { cursor } } }",
        None,
        "first must be between 1 and 200, got -1",
        "first",
    ),
    # --- hours per week 0..168 -------------------------------------------------------------
    bad(
        "hours-negative",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-03": -1}),
        "input.weeklyHours.2026-11-03 must be between 0 and 168, got -1",
        "input.weeklyHours.2026-11-03",
    ),
    bad(
        "hours-169",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-03": 8, "2026-11-10": 169}),
        "input.weeklyHours.2026-11-10 must be between 0 and 168, got 169",
        "input.weeklyHours.2026-11-10",
    ),
    bad(
        "hours-169-update",
        UPDATE_ASSIGNMENT,
        update_hours("54", {"2026-11-03": 169}),
        "input.weeklyHours.2026-11-03 must be between 0 and 168, got 169",
        "input.weeklyHours.2026-11-03",
    ),
    bad(
        "hours-negative-update",
        UPDATE_ASSIGNMENT,
        update_hours("54", {"2026-11-16": -0.5}),
        "input.weeklyHours.2026-11-16 must be between 0 and 168, got -0.5",
        "input.weeklyHours.2026-11-16",
    ),
    bad(
        "hours-three-decimals",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-03": 7.255}),
        "input.weeklyHours.2026-11-03 must have at most two decimals, got 7.255",
        "input.weeklyHours.2026-11-03",
    ),
    bad(
        "hours-as-a-string",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-03": "8"}),
        "input.weeklyHours.2026-11-03 must be a number, got '8'",
        "input.weeklyHours.2026-11-03",
    ),
    bad(
        "bulk-hours-169",
        BULK,
        {
            "items": [
                {"assignmentId": "54", "expectedVersion": 1, "weeklyHours": {"2026-11-03": 169}}
            ]
        },
        "items.0.weeklyHours.2026-11-03 must be between 0 and 168, got 169",
        "items.0.weeklyHours.2026-11-03",
    ),
    # --- two keys naming one week --------------------------------------------------------
    bad(
        "same-week-twice",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-03": 1, "2026-11-08": 2}),
        "input.weeklyHours names the week of 2026-11-02 more than once",
        "input.weeklyHours.2026-11-08",
    ),
    bad(
        "same-week-twice-monday-and-sunday-update",
        UPDATE_ASSIGNMENT,
        update_hours("54", {"2026-11-16": 0, "2026-11-22": 5}),
        "input.weeklyHours names the week of 2026-11-16 more than once",
        "input.weeklyHours.2026-11-22",
    ),
    # --- hours before the hire date ------------------------------------------------------
    bad(
        "hours-before-hire-create",  # person 50 is hired on Wednesday 2026-11-25
        CREATE_ASSIGNMENT,
        hours("50", {"2026-11-23": 8, "2026-11-20": 8}),
        "input.weeklyHours.2026-11-20: hours in the week of 2026-11-16 fall before the hire "
        "date 2026-11-25",
        "input.weeklyHours.2026-11-20",
    ),
    bad(
        "hours-before-hire-update",  # assignment 69's person 32 is hired on 2026-12-24
        UPDATE_ASSIGNMENT,
        update_hours("69", {"2026-12-21": 8, "2026-12-14": 4}),
        "input.weeklyHours.2026-12-14: hours in the week of 2026-12-14 fall before the hire "
        "date 2026-12-24",
        "input.weeklyHours.2026-12-14",
    ),
    # --- ids that are not ids ------------------------------------------------------------
    not_found(
        "id-18-digits-is-an-id",
        '{ person(id: "999999999999999999") { id } }',
        None,
        "Person 999999999999999999 not found",
        "id",
        {"person": None},
    ),
    bad(
        "id-past-64-bits",
        DELETE_PERSON,
        {"id": "9223372036854775808"},
        "id must be a numeric id, got '9223372036854775808'",
        "id",
    ),
    bad(
        "id-fullwidth-digits",
        DELETE_PERSON,
        {"id": "\uff12\uff15"},
        "id must be a numeric id, got '\uff12\uff15'",
        "id",
    ),
    bad(
        "id-abc-updatePerson",
        'mutation { updatePerson(id: "abc", input: {name: "X"}) { person { id } } }',
        None,
        "id must be a numeric id, got 'abc'",
        "id",
    ),
    bad(
        "id-abc-person",
        '{ person(id: "abc") { id } }',
        None,
        "id must be a numeric id, got 'abc'",
        "id",
        {"person": None},
    ),
    bad(
        "id-zero-project",
        '{ project(id: "0") { id } }',
        None,
        "id must be a numeric id, got '0'",
        "id",
        {"project": None},
    ),
    bad(
        "id-negative-deletePerson",
        DELETE_PERSON,
        {"id": "-25"},
        "id must be a numeric id, got '-25'",
        "id",
    ),
    bad(
        "id-empty-deleteProject",
        DELETE_PROJECT,
        {"id": ""},
        "id must be a numeric id, got ''",
        "id",
    ),
    bad(
        "id-decimal-updateAssignment",
        UPDATE_ASSIGNMENT,
        update_hours("54.0", {"2026-11-16": 8}),
        "id must be a numeric id, got '54.0'",
        "id",
    ),
    bad(
        "id-abc-deleteAssignment",
        DELETE_ASSIGNMENT,
        {"id": "abc"},
        "id must be a numeric id, got 'abc'",
        "id",
    ),
    bad(
        "id-abc-createAssignment-person",
        CREATE_ASSIGNMENT,
        hours("abc", {"2026-11-16": 8}),
        "input.personId must be a numeric id, got 'abc'",
        "input.personId",
    ),
    bad(
        "id-abc-createAssignment-project",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-16": 8}, project="abc"),
        "input.projectId must be a numeric id, got 'abc'",
        "input.projectId",
    ),
    bad(
        "id-abc-createPerson-department",
        CREATE_PERSON,
        {"input": {"name": "X", "departmentId": "abc"}},
        "input.departmentId must be a numeric id, got 'abc'",
        "input.departmentId",
    ),
    bad(
        "id-abc-setPersonSkills",
        SET_SKILLS,
        {"id": "abc", "skills": []},
        "personId must be a numeric id, got 'abc'",
        "personId",
    ),
    bad(
        "id-abc-bulk",
        BULK,
        {"items": [{"assignmentId": "abc", "expectedVersion": 1, "weeklyHours": {}}]},
        "items.0.assignmentId must be a numeric id, got 'abc'",
        "items.0.assignmentId",
    ),
    bad(
        "id-abc-people-department",
        '{ people(department: "abc") { edges { cursor } } }',
        None,
        "department must be a numeric id, got 'abc'",
        "department",
    ),
    bad(
        "id-abc-assignments-person",
        '{ assignments(person: "abc") { edges { cursor } } }',
        None,
        "person must be a numeric id, got 'abc'",
        "person",
    ),
    # --- bad cursors ---------------------------------------------------------------------
    bad(
        "cursor-garbage",
        '{ people(after: "nope") { edges { cursor } } }',
        None,
        "after is not a valid cursor",
        "after",
    ),
    bad(
        "cursor-other-prefix",
        "query($c: String) { projects(after: $c) { edges { cursor } } }",
        {"c": cursor("offset:3")},
        "after is not a valid cursor",
        "after",
    ),
    bad(
        "cursor-negative-offset",
        "query($c: String) { assignments(after: $c) { edges { cursor } } }",
        {"c": cursor("cursor:v1:-4")},
        "after is not a valid cursor",
        "after",
    ),
    bad(
        "cursor-not-a-number",
        "query($c: String) { people(after: $c) { edges { cursor } } }",
        {"c": cursor("cursor:v1:ten")},
        "after is not a valid cursor",
        "after",
    ),
    # --- other refused values ------------------------------------------------------------
    bad(
        "blank-name",
        CREATE_PERSON,
        {"input": {"name": "   "}},
        "input.name must not be blank",
        "input.name",
    ),
    bad(
        "capacity-169",
        UPDATE_PERSON,
        {"id": "25", "input": {"name": "Changed", "weeklyCapacity": 169}},
        "input.weeklyCapacity must be between 0 and 168, got 169.0",
        "input.weeklyCapacity",
    ),
    bad(
        "bad-email",
        UPDATE_PERSON,
        {"id": "25", "input": {"name": "Changed", "email": "not-an-email"}},
        "input.email is not a valid email address",
        "input.email",
    ),
    bad(
        "email-longer-than-the-column",  # valid to the validator, 312 characters
        UPDATE_PERSON,
        {"id": "25", "input": {"email": "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"}},
        "input.email must be at most 254 characters",
        "input.email",
    ),
    bad(
        "project-ends-before-it-starts",
        UPDATE_PROJECT,
        {"id": "2", "input": {"name": "Changed", "endDate": "2026-07-01"}},
        "input.endDate must not be before input.startDate",
        "input.endDate",
    ),
    bad(
        "project-created-ending-before-it-starts",
        CREATE_PROJECT,
        {"input": {"name": "X", "startDate": "2026-11-10", "endDate": "2026-11-09"}},
        "input.endDate must not be before input.startDate",
        "input.endDate",
    ),
    bad(
        "project-status-null",
        UPDATE_PROJECT,
        {"id": "2", "input": {"name": "Changed", "status": None}},
        "input.status must not be null",
        "input.status",
    ),
    bad(
        "skill-listed-twice",
        SET_SKILLS,
        {
            "id": "25",
            "skills": [
                {"skill": "Python", "proficiency": "EXPERT"},
                {"skill": "python ", "proficiency": "BEGINNER"},
            ],
        },
        "skills.1: 'python' with kind strength is listed twice",
        "skills.1.skill",
    ),
    bad(
        "skill-blank",
        SET_SKILLS,
        {
            "id": "25",
            "skills": [
                {"skill": "Brand New", "proficiency": "EXPERT"},
                {"skill": " ", "proficiency": "EXPERT"},
            ],
        },
        "skills.1.skill must not be blank",
        "skills.1.skill",
    ),
    # --- more refused values -------------------------------------------------------------
    not_found(
        "updatePerson-missing-literal",
        'mutation { updatePerson(id: "99999", input: {name: "X"}) { person { id } } }',
        None,
        "Person 99999 not found",
        "id",
    ),
    bad(
        "capacity-negative-update",
        'mutation { updatePerson(id: "25", input: {weeklyCapacity: -1}) { person { id } } }',
        None,
        "input.weeklyCapacity must be between 0 and 168, got -1.0",
        "input.weeklyCapacity",
    ),
    bad(
        "blank-name-literal",
        'mutation { createPerson(input: {name: "  "}) { person { id } } }',
        None,
        "input.name must not be blank",
        "input.name",
    ),
    not_found(
        "createPerson-missing-department-literal",
        'mutation { createPerson(input: {name: "X", departmentId: "999"}) { person { id } } }',
        None,
        "Department 999 not found",
        "input.departmentId",
    ),
    bad(
        "hours-negative-create",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-16": -2}),
        "input.weeklyHours.2026-11-16 must be between 0 and 168, got -2",
        "input.weeklyHours.2026-11-16",
    ),
    bad(
        "hours-169-only-key",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-16": 169}),
        "input.weeklyHours.2026-11-16 must be between 0 and 168, got 169",
        "input.weeklyHours.2026-11-16",
    ),
    bad(
        "same-week-twice-monday-and-wednesday",
        CREATE_ASSIGNMENT,
        hours("25", {"2026-11-16": 1, "2026-11-18": 2}),
        "input.weeklyHours names the week of 2026-11-16 more than once",
        "input.weeklyHours.2026-11-18",
    ),
    bad(
        "hours-before-hire-create-one-week",
        CREATE_ASSIGNMENT,
        hours("50", {"2026-11-16": 8}),
        "input.weeklyHours.2026-11-16: hours in the week of 2026-11-16 "
        "fall before the hire date 2026-11-25",
        "input.weeklyHours.2026-11-16",
    ),
]


@pytest.mark.parametrize(("document", "variables", "code", "message", "field", "data"), CASES)
def test_refused_with_the_contract_code_and_nothing_changed(
    gql, document, variables, code, message, field, data
):
    before = db_state()
    r = gql.post(document, variables)
    assert r.status == 200
    assert [e["message"] for e in r.errors] == [message]
    assert r.errors[0]["extensions"] == {"code": code, "field": field}
    if data is NO_DATA:
        assert "data" not in r.body
    else:
        assert r.body["data"] == data
    assert db_state() == before


@pytest.mark.parametrize("value", [True, None, {"h": 1}, [8]])
def test_hours_that_are_not_numbers(gql, value):
    before = db_state()
    r = gql.post(CREATE_ASSIGNMENT, hours("25", {"2026-11-03": value}))
    assert r.errors[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.weeklyHours.2026-11-03",
    }
    assert r.body["data"] is None
    assert db_state() == before


def test_limits_themselves_are_accepted(gql):
    """The edges of each range pass: first 1 and 200, weeks 1 and 26, hours 0 and 168."""
    r = gql.post(
        """{ a: people(first: 1) { edges { cursor } } b: people(first: 200) { edges { cursor } }
             person(id: "25") { w1: hoursByWeek(weeks: 1) { week }
               w26: hoursByWeek(from: "2026-11-02", weeks: 26) { week } } }"""
    )
    assert len(r.data["a"]["edges"]) == 1
    assert len(r.data["b"]["edges"]) == sum(p["isActive"] for p in DATA["people"])
    assert len(r.data["person"]["w1"]) == 1
    assert r.data["person"]["w26"][-1] == {"week": "2027-04-26"}
    r = gql.post(UPDATE_ASSIGNMENT, update_hours("54", {"2026-11-16": 0, "2026-11-23": 168}))
    assert r.data["updateAssignment"]["assignment"]["weeklyHours"] == {"2026-11-23": 168.0}


def test_hours_in_the_hire_week_and_zero_hours_before_it_are_accepted(gql):
    """Person 50 is hired on Wednesday 2026-11-25: that week counts; a 0 before it is no
    hours at all."""
    r = gql.post(CREATE_ASSIGNMENT, hours("50", {"2026-11-16": 0, "2026-11-23": 8}))
    a = r.data["createAssignment"]["assignment"]
    assert a["weeklyHours"] == {"2026-11-23": 8.0}
    assert weeks_of(a["id"]) == {"2026-11-23": Decimal("8.00")}


def test_a_cursor_past_the_end_is_an_empty_page_not_an_error(gql):
    r = gql.post(
        "query($c: String) { people(after: $c) { edges { cursor } pageInfo { hasNextPage } } }",
        {"c": cursor("cursor:v1:100000")},
    )
    assert r.data == {"people": {"edges": [], "pageInfo": {"hasNextPage": False}}}


def test_a_failed_update_keeps_the_version_so_a_retry_succeeds(gql):
    r = gql.post(UPDATE_ASSIGNMENT, update_hours("54", {"2026-11-16": 169}))
    assert r.codes == ["BAD_USER_INPUT"]
    assert Assignment.objects.get(pk=54).version == 1
    r = gql.post(UPDATE_ASSIGNMENT, update_hours("54", {"2026-11-16": 12}))
    assert r.data["updateAssignment"]["assignment"]["version"] == 2
    assert weeks_of(54) == {"2026-11-16": Decimal("12.00")}


def test_a_refused_mutation_stops_the_ones_after_it(gql):
    """Root mutation fields run one after another; the first refusal nulls `data` and the
    fields after it never run."""
    before = db_state()
    r = gql.post(
        """mutation { a: updatePerson(id: "999999", input: {name: "X"}) { person { id } }
             b: deleteProject(id: "2") { id } }"""
    )
    assert [(e["message"], e["extensions"]["code"], e["path"]) for e in r.errors] == [
        ("Person 999999 not found", "NOT_FOUND", ["a"]),
    ]
    assert r.body["data"] is None
    assert db_state() == before


def test_the_last_whole_week_of_the_calendar_is_accepted(gql):
    r = gql.post(CREATE_ASSIGNMENT, hours("25", {"9999-12-26": 1.5}))
    assert r.data["createAssignment"]["assignment"]["weeklyHours"] == {"9999-12-20": 1.5}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ('{ person(id: "25") { hoursByWeek(from: "9999-12-20", weeks: 26) { week } } }', "from"),
        ('{ person(id: "25") { availableHours(week: "9999-12-31") } }', "week"),
        ('{ capacityHeatmap(from: "9999-12-31", weeks: 2) { weekKeys } }', "from"),
        ('{ findAvailable(week: "9999-12-31") { score } }', "week"),
    ],
)
def test_dates_at_the_end_of_the_calendar_in_queries_are_bad_input(gql, document, field):
    r = gql.post(document)
    assert r.codes == ["BAD_USER_INPUT"]
    assert r.errors[0]["extensions"]["field"] == field


# --- more limits and pages, written as literals ------------------------------------------


def test_weeks_limits_written_as_literals(gql):
    doc = '{ person(id: "25") { hoursByWeek(weeks: %d) { week } } }'
    assert gql.post(doc % 0).errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "weeks"}
    assert gql.post(doc % 27).errors[0]["extensions"] == {
        "code": "REQUEST_TOO_LARGE",
        "field": "weeks",
    }


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
