"""Helpers shared by test modules (and tests/bench): the table snapshot that proves a refused
write changed nothing, the mutation documents, the session login, the Sentry transport that
captures envelopes, and the documents whose SQL counts are held."""

from decimal import Decimal

from sentry_sdk.transport import Transport

from assignments.models import Assignment, AssignmentWeek
from demand.models import Placeholder, PlaceholderSkill
from people.models import Department, Person, PersonSkill, Role, SkillTag
from projects.models import Project
from tests.client import GraphQLClient

MODELS = (
    Department,
    Role,
    SkillTag,
    Person,
    PersonSkill,
    Project,
    Placeholder,
    PlaceholderSkill,
    Assignment,
    AssignmentWeek,
)


def db_state() -> dict[str, list[tuple]]:
    """Every row of every domain table, every column: equal before and after a refused
    request means the request changed nothing."""
    return {m.__name__: list(m._default_manager.order_by("pk").values_list()) for m in MODELS}


def weeks_of(assignment_id) -> dict[str, Decimal]:
    return {
        w.isoformat(): h
        for w, h in AssignmentWeek.all_rows.filter(assignment_id=assignment_id)
        .order_by("week")
        .values_list("week", "hours")
    }


def only_error(r) -> tuple[str, dict]:
    assert r.status == 200
    assert len(r.errors) == 1, r.errors
    return r.errors[0]["message"], r.errors[0]["extensions"]


PERSON_FIELDS = """id name email weeklyCapacity hireDate isActive department { id name }
  role { id name }"""
CREATE_PERSON = (
    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { "
    + PERSON_FIELDS
    + " } } }"
)
UPDATE_PERSON = (
    "mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) "
    "{ person { " + PERSON_FIELDS + " } } }"
)
DELETE_PERSON = "mutation($id: ID!) { deletePerson(id: $id) { id } }"
SET_SKILLS = """mutation($id: ID!, $skills: [PersonSkillInput!]!) {
  setPersonSkills(personId: $id, skills: $skills) {
    person { id skills { skill { id name } proficiency kind } } } }"""
PROJECT_FIELDS = "id name client status startDate endDate"
CREATE_PROJECT = (
    "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { "
    + PROJECT_FIELDS
    + " } } }"
)
UPDATE_PROJECT = (
    "mutation($id: ID!, $input: UpdateProjectInput!) { updateProject(id: $id, input: $input) "
    "{ project { " + PROJECT_FIELDS + " } } }"
)
DELETE_PROJECT = "mutation($id: ID!) { deleteProject(id: $id) { id } }"
ASSIGNMENT_FIELDS = """id version isActive roleOnProject weeklyHours person { id }
  project { id }"""
CREATE_ASSIGNMENT = (
    "mutation($input: CreateAssignmentInput!) { createAssignment(input: $input) { "
    "assignment { " + ASSIGNMENT_FIELDS + " } } }"
)
UPDATE_ASSIGNMENT = (
    "mutation($id: ID!, $input: UpdateAssignmentInput!) { updateAssignment(id: $id, "
    "input: $input) { assignment { " + ASSIGNMENT_FIELDS + " } } }"
)
DELETE_ASSIGNMENT = """mutation($id: ID!, $v: Int) { deleteAssignment(id: $id,
  expectedVersion: $v) { id } }"""


def login(client: GraphQLClient, password: str = "secret") -> tuple[int, dict]:
    csrf = client.request("GET", "/auth/session").json()["csrfToken"]
    r = client.request(
        "POST",
        "/auth/login",
        json={"username": "planner", "password": password},
        headers={"X-CSRFToken": csrf},
    )
    return r.status_code, r.json()


class CapturingTransport(Transport):
    envelopes: list = []

    def capture_envelope(self, envelope):
        CapturingTransport.envelopes.append(envelope)


def items(envelopes, kind):
    return [i.payload.json for e in envelopes for i in e.items if i.type == kind]


PEOPLE_DOCUMENT = """
query People($first: Int!) { people(first: $first) { edges { node { name
  department { name parent { name } } role { name } skills { skill { name } proficiency }
  assignments { project { name client } hoursByWeek(weeks: 12) { week hours } }
  hoursByWeek(weeks: 12) { week hours capacity availableHours utilizationPercent
    scheduledHours holidayHours timeOffHours }
  availableHours utilizationPercent
  skillScore(skills: ["Python", "React"]) { score matchedSkills missingSkills } } } } }
"""

# PEOPLE_DOCUMENT with the week maps in place of its two typed week lists: the same
# information (the person's 8 fields of 12 weeks, the assignments' hours of 12 weeks).
PEOPLE_MAPS_DOCUMENT = """
query PeopleMaps($first: Int!) { people(first: $first) { edges { node { name
  department { name parent { name } } role { name } skills { skill { name } proficiency }
  assignments { project { name client } weekMaps(weeks: 12) { hoursByWeek } }
  weekMaps(weeks: 12) { weekKeys hoursByWeek capacityByWeek availableByWeek percentByWeek
    scheduledByWeek holidayByWeek timeOffByWeek }
  availableHours utilizationPercent
  skillScore(skills: ["Python", "React"]) { score matchedSkills missingSkills } } } } }
"""

ASSIGNMENTS_DOCUMENT = """
query Assignments($first: Int!) { assignments(first: $first) { edges { node { id version
  weeklyHours roleOnProject person { name role { name } skills { skill { name } } }
  project { name client status } hoursByWeek(weeks: 26) { week hours } } } } }
"""
