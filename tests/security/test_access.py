"""Who may do what: no token, a bad token, a read token, GET for mutations, and tokens
restricted to departments, which never see a person, assignment or hour outside them
(expected sets computed here from small.json and its department tree)."""

from collections import defaultdict
from decimal import Decimal

import pytest

from api.schema import schema
from assignments.models import Assignment
from people.models import Person
from tests.client import exact_queries
from tests.helpers import db_state
from tests.reference import ASSIGNMENTS, DATA, PEOPLE, subtree

PROJECTS = [p["id"] for p in DATA["projects"]]


class Scope:
    """What a token restricted to `root` and its descendants may see."""

    def __init__(self, root: int) -> None:
        self.departments = subtree(root)
        self.people = {pid for pid, p in PEOPLE.items() if p["departmentId"] in self.departments}
        self.outside = set(PEOPLE) - self.people
        self.active_people = {pid for pid in self.people if PEOPLE[pid]["isActive"]}
        self.assignments = {aid for aid, a in ASSIGNMENTS.items() if a["personId"] in self.people}
        self.active_assignments = {aid for aid in self.assignments if ASSIGNMENTS[aid]["isActive"]}
        self.outside_assignments = set(ASSIGNMENTS) - self.assignments


ENG = Scope(1)
WEB = Scope(3)


def test_the_scopes_are_what_the_fixture_tokens_promise():
    assert ENG.departments == {1, 2, 3, 4, 5, 6}
    assert WEB.departments == {3}
    # Both scopes are proper: people, active and inactive assignments on either side.
    for scope in (ENG, WEB):
        assert scope.people and scope.outside
        assert scope.assignments and scope.outside_assignments
    assert ENG.people != ENG.active_people
    assert ENG.assignments != ENG.active_assignments
    assert any(PEOPLE[pid]["departmentId"] is None for pid in ENG.outside)


def ids(rows, *path) -> list[int]:
    out = []
    for row in rows:
        for key in path:
            row = row[key]
        out.append(int(row))
    return out


# --- no token ----------------------------------------------------------------------------

QUERY_FIELDS = {
    "viewer": ("{ viewer { username } }", None),
    "rateLimit": ("{ rateLimit { limit } }", None),
    "person": ('{ person(id: "25") { id } }', {"person": None}),
    "people": ("{ people { edges { cursor } } }", None),
    "departments": ("{ departments { id } }", None),
    "roles": ("{ roles { id } }", None),
    "skills": ("{ skills { id } }", None),
    "project": ('{ project(id: "2") { id } }', {"project": None}),
    "projects": ("{ projects { edges { cursor } } }", None),
    "assignments": ("{ assignments { edges { cursor } } }", None),
    "capacityHeatmap": ("{ capacityHeatmap { weekKeys } }", None),
    "skillMatch": ('{ skillMatch(skills: ["Python"]) { score } }', None),
    "findAvailable": ("{ findAvailable { score } }", None),
    "gridSnapshot": ("{ gridSnapshot { weekKeys } }", None),
    "roleCapacity": ("{ roleCapacity { weekKeys } }", None),
    "job": ('{ job(id: "6f1c1f8e-52b4-4f8e-9d7b-3f0b9c1e2a10") { id } }', {"job": None}),
    "holidayCalendars": ("{ holidayCalendars { id } }", None),
    "holidayCalendar": ('{ holidayCalendar(id: "1") { id } }', {"holidayCalendar": None}),
    "webhookSubscriptions": ("{ webhookSubscriptions { id } }", None),
    "changes": ("{ changes { edges { cursor } } }", None),
    "webhookDeliveries": ('{ webhookDeliveries(subscription: "1") { totalCount } }', None),
    "placeholder": ('{ placeholder(id: "1") { id } }', {"placeholder": None}),
    "placeholders": ("{ placeholders { edges { cursor } } }", None),
}

MUTATIONS = {
    "createPerson": 'createPerson(input: {name: "X", departmentId: "3"}) { person { id } }',
    "updatePerson": 'updatePerson(id: "4", input: {name: "X"}) { person { id } }',
    "deletePerson": 'deletePerson(id: "4") { id }',
    "setPersonSkills": 'setPersonSkills(personId: "4", skills: []) { person { id } }',
    "createProject": 'createProject(input: {name: "X"}) { project { id } }',
    "updateProject": 'updateProject(id: "2", input: {name: "X"}) { project { id } }',
    "deleteProject": 'deleteProject(id: "2") { id }',
    "createAssignment": 'createAssignment(input: {personId: "4", projectId: "2"}) '
    "{ assignment { id } }",
    "updateAssignment": 'updateAssignment(id: "10", input: {expectedVersion: 1, '
    "isActive: false}) { assignment { id } }",
    "deleteAssignment": 'deleteAssignment(id: "10") { id }',
    "bulkUpdateAssignmentHours": 'bulkUpdateAssignmentHours(items: [{assignmentId: "10", '
    "expectedVersion: 1, weeklyHours: {}}]) { assignments { id } }",
    "createWebhookSubscription": 'createWebhookSubscription(url: "http://93.184.216.34/hook", '
    "events: [PERSON]) { secret }",
    "createTimeOff": 'createTimeOff(input: {personId: "4", startDate: "2026-12-21", '
    'endDate: "2026-12-24"}) { timeOff { id } }',
    "setWorkSchedule": 'setWorkSchedule(personId: "4", effectiveFrom: "2027-01-04", '
    "hours: [8, 8, 8, 8, 4, 0, 0]) { person { id } }",
    "createHolidayCalendar": 'createHolidayCalendar(input: {name: "GB", country: "GB"}) '
    "{ holidayCalendar { id } }",
    "assignHolidayCalendar": 'assignHolidayCalendar(calendarId: null, personId: "4") '
    "{ person { id } }",
    "createPlaceholder": 'createPlaceholder(input: {name: "X", roleId: "2", departmentId: "3"}) '
    "{ placeholder { id } }",
}
# Mutations that only read, open to read-scope tokens (tests/reports/test_exports.py covers them).
READ_MUTATIONS = {
    "requestGridExport": "requestGridExport(weeks: 4, format: CSV) { id }",
}
# Mutations of rows small.json does not hold (tests/calendar covers them; here only the
# anonymous refusal).
ROW_MUTATIONS = {
    "updateTimeOff": 'updateTimeOff(id: "1", input: {note: "x"}) { timeOff { id } }',
    "deleteTimeOff": 'deleteTimeOff(id: "1") { id }',
    "setHolidays": 'setHolidays(calendarId: "1", from: "2027-01-01", to: "2027-12-31", '
    "holidays: []) { holidayCalendar { id } }",
    # tests/demand covers these
    "updatePlaceholder": 'updatePlaceholder(id: "1", input: {name: "X"}) { placeholder { id } }',
    "deletePlaceholder": 'deletePlaceholder(id: "1") { id }',
    "setPlaceholderSkills": 'setPlaceholderSkills(placeholderId: "1", skills: []) '
    "{ placeholder { id } }",
    "createPlaceholderAssignment": 'createPlaceholderAssignment(input: {placeholderId: "1", '
    'projectId: "2"}) { assignment { id } }',
    "updatePlaceholderAssignment": 'updatePlaceholderAssignment(id: "1", input: '
    "{expectedVersion: 1}) { assignment { id } }",
    "deletePlaceholderAssignment": 'deletePlaceholderAssignment(id: "1") { id }',
    "fillPlaceholder": 'fillPlaceholder(placeholderAssignmentId: "1", personId: "1", '
    "expectedVersion: 1) { remainingHours }",
}
# Mutations of what a token owns (tests/webhooks covers them; here only the anonymous refusal).
OWNED_MUTATIONS = {
    "deleteWebhookSubscription": 'deleteWebhookSubscription(id: "1") { id }',
    "redeliverWebhook": 'redeliverWebhook(id: "1") { id }',
}


def test_the_lists_above_name_every_root_field():
    assert set(QUERY_FIELDS) == set(schema._schema.query_type.fields)
    assert set(MUTATIONS) | set(READ_MUTATIONS) | set(OWNED_MUTATIONS) | set(ROW_MUTATIONS) == set(
        schema._schema.mutation_type.fields
    )
    # Every mutation above is valid as written: the write token can run it.


@pytest.mark.parametrize("field", sorted(QUERY_FIELDS))
def test_no_token_is_unauthenticated_on_every_query_field(client_for, field):
    document, data = QUERY_FIELDS[field]
    r = client_for(None).post(document)
    assert r.status == 200
    assert [(e["message"], e["path"], e["extensions"]) for e in r.errors] == [
        ("Authentication required", [field], {"code": "UNAUTHENTICATED"})
    ]
    assert r.body["data"] == data


@pytest.mark.parametrize(
    "field", sorted(MUTATIONS | READ_MUTATIONS | OWNED_MUTATIONS | ROW_MUTATIONS)
)
def test_no_token_is_unauthenticated_on_every_mutation(client_for, field):
    before = db_state()
    document = (MUTATIONS | READ_MUTATIONS | OWNED_MUTATIONS | ROW_MUTATIONS)[field]
    with exact_queries(0):  # refused before the database is asked anything
        r = client_for(None).post(f"mutation {{ {document} }}")
    assert r.status == 200
    assert [(e["message"], e["path"], e["extensions"]) for e in r.errors] == [
        ("Authentication required", [field], {"code": "UNAUTHENTICATED"})
    ]
    assert r.body["data"] is None
    assert db_state() == before


def test_no_token_asking_for_everything_gets_no_data(client_for):
    """Root query fields are all non-null but two: the first refusal nulls `data`."""
    document = "{ " + " ".join(doc.strip()[1:-1] for doc, _ in QUERY_FIELDS.values()) + " }"
    r = client_for(None).post(document)
    assert r.status == 200
    assert r.body["data"] is None
    assert r.errors
    assert {e["message"] for e in r.errors} == {"Authentication required"}
    assert set(r.codes) == {"UNAUTHENTICATED"}


def test_no_token_may_ask_for_typename_only(client_for):
    assert client_for(None).post("{ __typename }").body == {"data": {"__typename": "Query"}}
    r = client_for(None).post("mutation { __typename }")
    assert r.body == {"data": {"__typename": "Mutation"}}


# --- a bad token -------------------------------------------------------------------------

WWW_AUTHENTICATE = 'Bearer realm="capgraph"'


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("Bearer cg_not-a-token", "Invalid API token"),
        ("Bearer x", "Invalid API token"),
        ("Basic dXNlcjpwYXNz", "Authorization header must be 'Bearer <token>'"),
        ("Bearer ", "Authorization header must be 'Bearer <token>'"),
        ("cg_token-without-scheme", "Authorization header must be 'Bearer <token>'"),
    ],
)
def test_a_bad_token_is_401_with_www_authenticate(client_for, authorization, message):
    for document in ("{ viewer { username } }", f"mutation {{ {MUTATIONS['deletePerson']} }}"):
        before = db_state()
        r = client_for(None).post(document, headers={"Authorization": authorization})
        assert r.status == 401
        assert r.headers["WWW-Authenticate"] == WWW_AUTHENTICATE
        assert r.body == {
            "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]
        }
        assert db_state() == before


def test_a_bad_token_is_401_over_get_too(client_for):
    r = client_for("cg_not-a-token").get({"query": "{ viewer { username } }"})
    assert r.status == 401
    assert r.headers["WWW-Authenticate"] == WWW_AUTHENTICATE
    assert r.codes == ["UNAUTHENTICATED"]


def test_a_tampered_real_token_is_refused(client_for, tokens):
    r = client_for(tokens.write[:-1] + ("A" if tokens.write[-1] != "A" else "B")).post(
        "{ viewer { username } }"
    )
    assert (r.status, r.codes) == (401, ["UNAUTHENTICATED"])


# --- a read token ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "queries"),
    [("read", 1), ("engineering", 3)],  # the token; with a restriction, its department tree
)
@pytest.mark.parametrize("field", sorted(MUTATIONS))
def test_read_tokens_are_forbidden_every_mutation(client_for, tokens, token, queries, field):
    before = db_state()
    with exact_queries(queries):  # reads only: no statement that could write
        r = client_for(getattr(tokens, token)).post(f"mutation {{ {MUTATIONS[field]} }}")
    assert r.status == 200
    assert [(e["message"], e["path"], e["extensions"]) for e in r.errors] == [
        ("This operation needs the write scope", [field], {"code": "FORBIDDEN"})
    ]
    assert r.body["data"] is None
    assert db_state() == before


@pytest.mark.parametrize("field", sorted(MUTATIONS))
def test_the_write_token_runs_the_same_mutations(gql, field):
    """The refusals above are about who asks: the same documents succeed for a writer."""
    r = gql.post(f"mutation {{ {MUTATIONS[field]} }}")
    assert "errors" not in r.body, r.errors


def test_viewer_tells_scope_and_restriction(client_for, tokens):
    query = "{ viewer { canWrite authMethod departmentIds } }"
    expected = {
        "write": (True, None),
        "read": (False, None),
        "engineering": (False, ["1"]),
        "web": (True, ["3"]),
    }
    for name, (can_write, departments) in expected.items():
        viewer = client_for(getattr(tokens, name)).post(query).data["viewer"]
        assert viewer == {
            "canWrite": can_write,
            "authMethod": "token",
            "departmentIds": departments,
        }, name


# --- mutations over GET ------------------------------------------------------------------


@pytest.mark.parametrize("field", ["createPerson", "deleteProject", "updateAssignment"])
def test_a_mutation_over_get_is_405_allow_post(gql, field):
    before = db_state()
    r = gql.get({"query": f"mutation {{ {MUTATIONS[field]} }}"})
    assert r.status == 405
    assert r.headers["Allow"] == "POST"
    assert r.body == {
        "errors": [
            {
                "message": "Mutations are only allowed over POST",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }
    assert db_state() == before


def test_get_picks_the_mutation_by_operation_name_and_refuses_it(gql):
    document = f"query Q {{ roles {{ id }} }} mutation M {{ {MUTATIONS['deletePerson']} }}"
    before = db_state()
    r = gql.get({"query": document, "operationName": "M"})
    assert (r.status, r.headers["Allow"]) == (405, "POST")
    assert db_state() == before
    ok = gql.get({"query": document, "operationName": "Q"})
    assert ok.status == 200
    assert len(ok.data["roles"]) == len(DATA["roles"])


# --- department-restricted tokens --------------------------------------------------------


@pytest.fixture
def eng(client_for, tokens):
    return client_for(tokens.engineering)  # read, department 1 and its children


@pytest.fixture
def web(client_for, tokens):
    return client_for(tokens.web)  # write, department 3 only


ASSIGNMENTS_LIST = """query($all: Boolean, $person: ID) { assignments(first: 200,
  includeInactive: $all, person: $person) { totalCount edges { node { id weeklyHours
  person { id } } } } }"""
PEOPLE_LIST = """query($all: Boolean) { people(first: 200, includeInactive: $all) {
  totalCount edges { node { id department { id } } } } }"""


@pytest.mark.parametrize(("token", "scope"), [("engineering", ENG), ("web", WEB)])
def test_people_list_holds_exactly_the_scope(client_for, tokens, token, scope):
    client = client_for(getattr(tokens, token))
    everyone = client.post(PEOPLE_LIST, {"all": True}).data["people"]
    assert set(ids(everyone["edges"], "node", "id")) == scope.people
    assert everyone["totalCount"] == len(scope.people)
    active = client.post(PEOPLE_LIST, {"all": False}).data["people"]
    assert set(ids(active["edges"], "node", "id")) == scope.active_people
    assert active["totalCount"] == len(scope.active_people)
    # Filtering by a department outside (a whole other tree) finds nobody; by an ancestor
    # with its children, only the scope; searching never widens the view.
    outside_dep = next(
        d["id"] for d in DATA["departments"] if not subtree(d["id"]) & scope.departments
    )
    r = client.post(
        f'{{ people(department: "{outside_dep}", includeChildren: true, '
        "includeInactive: true) { totalCount edges { node { id } } } }"
    )
    assert r.data["people"] == {"totalCount": 0, "edges": []}
    r = client.post(
        '{ people(department: "1", includeChildren: true, includeInactive: true, first: 200) '
        "{ edges { node { id } } } }"
    )
    assert set(ids(r.data["people"]["edges"], "node", "id")) == scope.people
    r = client.post(
        '{ people(search: "example.com", first: 200, includeInactive: true) '
        "{ edges { node { id } } } }"
    )
    assert set(ids(r.data["people"]["edges"], "node", "id")) == scope.people


def test_people_list_cached_for_one_viewer_is_not_served_to_another(gql, eng):
    """The same document, first by the unrestricted token (its answer cached), then by
    the restricted one: each sees its own people."""
    everyone = gql.post(PEOPLE_LIST, {"all": True}).data["people"]
    assert everyone["totalCount"] == len(PEOPLE)
    restricted = eng.post(PEOPLE_LIST, {"all": True}).data["people"]
    assert set(ids(restricted["edges"], "node", "id")) == ENG.people
    again = gql.post(PEOPLE_LIST, {"all": True}).data["people"]
    assert again == everyone
    # The same for one person and for assignments, read first by the unrestricted token.
    outside = min(ENG.outside)
    document = "query($id: ID!) { person(id: $id) { id } }"
    assert gql.post(document, {"id": str(outside)}).data == {"person": {"id": str(outside)}}
    assert eng.post(document, {"id": str(outside)}).codes == ["NOT_FOUND"]
    assert len(gql.post(ASSIGNMENTS_LIST, {"all": True}).data["assignments"]["edges"]) == len(
        ASSIGNMENTS
    )
    restricted = eng.post(ASSIGNMENTS_LIST, {"all": True}).data["assignments"]["edges"]
    assert set(ids(restricted, "node", "id")) == ENG.assignments


def test_person_by_id_outside_reads_exactly_like_a_missing_id(eng):
    missing = eng.post('{ person(id: "999999") { id } }')
    assert missing.body["data"] == {"person": None}
    assert missing.errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    for pid in sorted(PEOPLE):
        r = eng.post(f'{{ person(id: "{pid}") {{ id name }} }}')
        if pid in ENG.people:
            assert r.data == {"person": {"id": str(pid), "name": PEOPLE[pid]["name"]}}
        else:
            assert r.body["data"] == {"person": None}, pid
            assert [(e["message"], e["extensions"]) for e in r.errors] == [
                (f"Person {pid} not found", missing.errors[0]["extensions"])
            ]


def weekly_hours(aid: int) -> dict[str, float]:
    return {w: float(h) for w, h in sorted(ASSIGNMENTS[aid]["weeklyHours"].items()) if h}


@pytest.mark.parametrize(("token", "scope"), [("engineering", ENG), ("web", WEB)])
def test_assignments_list_holds_exactly_the_scope(client_for, tokens, token, scope):
    client = client_for(getattr(tokens, token))
    for include_inactive, expected in (
        (True, scope.assignments),
        (False, scope.active_assignments),
    ):
        page = client.post(ASSIGNMENTS_LIST, {"all": include_inactive}).data["assignments"]
        nodes = [e["node"] for e in page["edges"]]
        assert set(ids(nodes, "id")) == expected
        assert page["totalCount"] == len(expected)
        for node in nodes:
            aid = int(node["id"])
            assert int(node["person"]["id"]) == ASSIGNMENTS[aid]["personId"]
            assert node["weeklyHours"] == weekly_hours(aid)
    # Asking for an outside person's assignments by id finds none.
    outside = min(scope.outside)
    r = client.post(ASSIGNMENTS_LIST, {"all": True, "person": str(outside)})
    assert r.data["assignments"] == {"totalCount": 0, "edges": []}


def test_project_assignments_nested_path_holds_only_the_scope(eng):
    document = """query($id: ID!) { project(id: $id) { id
      assignments(includeInactive: true) { id person { id name } } } }"""
    seen = set()
    for project_id in PROJECTS:
        project = eng.post(document, {"id": str(project_id)}).data["project"]
        expected = {aid for aid in ENG.assignments if ASSIGNMENTS[aid]["projectId"] == project_id}
        rows = project["assignments"]
        assert set(ids(rows, "id")) == expected, project_id
        for row in rows:
            pid = int(row["person"]["id"])
            assert pid == ASSIGNMENTS[int(row["id"])]["personId"]
            assert row["person"]["name"] == PEOPLE[pid]["name"]
        seen |= expected
    assert seen == ENG.assignments
    # The projects list path, active assignments only, agrees.
    r = eng.post("{ projects(first: 200) { edges { node { assignments { id person { id } } } } } }")
    nested = [a for e in r.data["projects"]["edges"] for a in e["node"]["assignments"]]
    assert sorted(ids(nested, "id")) == sorted(ENG.active_assignments)
    assert set(ids(nested, "person", "id")) <= ENG.people


def test_person_assignments_are_the_persons_own(eng):
    r = eng.post(
        """{ people(first: 200, includeInactive: true) { edges { node { id
             all: assignments(includeInactive: true) { id project { id } }
             active: assignments { id } } } } }"""
    )
    for edge in r.data["people"]["edges"]:
        node = edge["node"]
        pid = int(node["id"])
        own = {aid for aid, a in ASSIGNMENTS.items() if a["personId"] == pid}
        assert set(ids(node["all"], "id")) == own
        assert set(ids(node["active"], "id")) == own & ENG.active_assignments
        for row in node["all"]:
            assert int(row["project"]["id"]) == ASSIGNMENTS[int(row["id"])]["projectId"]


def expected_hours(scope: Scope, weeks: list[str]) -> dict[str, dict[str, float]]:
    """{ personId: { Monday: hours } } over active assignments of active people in scope,
    non-zero weeks inside the window."""
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for aid in scope.active_assignments:
        a = ASSIGNMENTS[aid]
        if a["personId"] not in scope.active_people:
            continue
        for week, h in a["weeklyHours"].items():
            if week in weeks and h:
                out[str(a["personId"])][week] += Decimal(str(h))
    return {pid: {w: float(h) for w, h in sorted(by_week.items())} for pid, by_week in out.items()}


def test_hours_in_reports_are_exactly_those_of_the_scope(eng):
    r = eng.post(
        """{ gridSnapshot(from: "2026-11-02", weeks: 12) { weekKeys people { id }
               hoursByPerson assignments { id personId } }
             capacityHeatmap(from: "2026-11-02", weeks: 12) { rows { person { id }
               hoursByWeek } } }"""
    ).data
    grid = r["gridSnapshot"]
    expected = expected_hours(ENG, grid["weekKeys"])
    assert expected  # a real comparison, not two empty maps
    assert grid["hoursByPerson"] == expected
    assert set(ids(grid["people"], "id")) == ENG.active_people
    assert set(ids(grid["assignments"], "personId")) <= ENG.active_people
    heatmap = {row["person"]["id"]: row["hoursByWeek"] for row in r["capacityHeatmap"]["rows"]}
    assert set(map(int, heatmap)) == ENG.active_people
    assert {pid: h for pid, h in heatmap.items() if h} == expected


def test_hours_by_week_of_a_person_inside_counts_only_their_assignments(eng):
    pid = min(ENG.active_people)
    r = eng.post(
        f'{{ person(id: "{pid}") {{ hoursByWeek(from: "2026-11-02", weeks: 12) '
        "{ week hours } } }"
    )
    rows = r.data["person"]["hoursByWeek"]
    expected = expected_hours(ENG, [row["week"] for row in rows]).get(str(pid), {})
    assert {row["week"]: row["hours"] for row in rows if row["hours"]} == expected


# --- a department-restricted writer ------------------------------------------------------

UPDATE_PERSON = """mutation($id: ID!, $input: UpdatePersonInput!) {
  updatePerson(id: $id, input: $input) { person { id name department { id } } } }"""


def test_web_writer_updates_people_in_web(web):
    for pid in sorted(WEB.people):
        r = web.post(UPDATE_PERSON, {"id": str(pid), "input": {"name": f"Renamed {pid}"}})
        assert r.data["updatePerson"]["person"] == {
            "id": str(pid),
            "name": f"Renamed {pid}",
            "department": {"id": "3"},
        }
    assert set(Person.objects.filter(name__startswith="Renamed ").values_list("pk", flat=True)) == (
        WEB.people
    )


def test_web_writer_gets_not_found_for_people_elsewhere_even_the_parent_department(web):
    missing = web.post(UPDATE_PERSON, {"id": "999999", "input": {"name": "X"}})
    assert missing.errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    parent = next(pid for pid in sorted(WEB.outside) if PEOPLE[pid]["departmentId"] == 1)
    sibling = next(pid for pid in sorted(WEB.outside) if PEOPLE[pid]["departmentId"] == 4)
    homeless = next(pid for pid in sorted(WEB.outside) if PEOPLE[pid]["departmentId"] is None)
    elsewhere = next(pid for pid in sorted(WEB.outside) if PEOPLE[pid]["departmentId"] == 7)
    for pid in (parent, sibling, homeless, elsewhere):
        before = db_state()
        r = web.post(UPDATE_PERSON, {"id": str(pid), "input": {"name": "X"}})
        assert r.body["data"] is None
        assert [(e["message"], e["extensions"]) for e in r.errors] == [
            (f"Person {pid} not found", {"code": "NOT_FOUND", "field": "id"})
        ]
        assert db_state() == before


@pytest.mark.parametrize(
    ("document", "variables", "message", "field"),
    [
        ("mutation($id: ID!) { deletePerson(id: $id) { id } }", {}, "Person {id} not found", "id"),
        (
            "mutation($id: ID!) { setPersonSkills(personId: $id, skills: []) { person { id } } }",
            {},
            "Person {id} not found",
            "personId",
        ),
        (
            """mutation($id: ID!) { createAssignment(input: {personId: $id, projectId: "2",
                 weeklyHours: {}}) { assignment { id } } }""",
            {},
            "Person {id} not found",
            "input.personId",
        ),
    ],
)
def test_web_writer_cannot_touch_people_elsewhere(web, document, variables, message, field):
    pid = 25  # Engineering, Web's parent
    assert pid in WEB.outside
    before = db_state()
    r = web.post(document, {"id": str(pid), **variables})
    assert [(e["message"], e["extensions"]) for e in r.errors] == [
        (message.format(id=pid), {"code": "NOT_FOUND", "field": field})
    ]
    assert r.body["data"] is None
    assert db_state() == before


@pytest.mark.parametrize(
    "document",
    [
        """mutation($id: ID!) { updateAssignment(id: $id, input: {expectedVersion: 1,
             weeklyHours: {}}) { assignment { id } } }""",
        # A stale version on a hidden assignment must not reveal its current version.
        """mutation($id: ID!) { updateAssignment(id: $id, input: {expectedVersion: 99,
             isActive: false}) { assignment { id } } }""",
        "mutation($id: ID!) { deleteAssignment(id: $id) { id } }",
        "mutation($id: ID!) { deleteAssignment(id: $id, expectedVersion: 99) { id } }",
    ],
)
def test_web_writer_gets_not_found_for_assignments_elsewhere(web, document):
    assert 54 in WEB.outside_assignments
    before = db_state()
    hidden = web.post(document, {"id": "54"})
    missing = web.post(document, {"id": "999999"})
    assert [(e["message"], e["extensions"]) for e in hidden.errors] == [
        ("Assignment 54 not found", {"code": "NOT_FOUND", "field": "id"})
    ]
    assert missing.errors[0]["extensions"] == hidden.errors[0]["extensions"]
    assert hidden.body["data"] is None
    assert db_state() == before


def test_web_writer_bulk_hours_elsewhere_is_not_found_never_a_conflict(web):
    """Even with a stale version: a CONFLICT would reveal the hidden current version."""
    before = db_state()
    r = web.post(
        """mutation { bulkUpdateAssignmentHours(items: [
             {assignmentId: "10", expectedVersion: 1, weeklyHours: {}},
             {assignmentId: "54", expectedVersion: 99, weeklyHours: {}}]) {
             assignments { id } } }"""
    )
    assert [(e["message"], e["extensions"]) for e in r.errors] == [
        ("Assignment 54 not found", {"code": "NOT_FOUND", "field": "items.1.assignmentId"})
    ]
    assert db_state() == before


def test_web_writer_works_on_assignments_in_web(web):
    assert ASSIGNMENTS[10]["personId"] in WEB.people
    r = web.post(
        """mutation($hours: JSON) { updateAssignment(id: "10", input: {expectedVersion: 1,
             weeklyHours: $hours}) { assignment { id version weeklyHours } } }""",
        {"hours": {"2026-11-18": 6}},
    )
    assert r.data["updateAssignment"]["assignment"] == {
        "id": "10",
        "version": 2,
        "weeklyHours": {"2026-11-16": 6.0},
    }
    r = web.post(
        """mutation { createAssignment(input: {personId: "4", projectId: "7"}) {
             assignment { person { id } project { id } } } }"""
    )
    assert r.data["createAssignment"]["assignment"] == {
        "person": {"id": "4"},
        "project": {"id": "7"},
    }
    assert Assignment.objects.filter(person_id=4, project_id=7).count() == 1


CREATE_PERSON = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { name department { id } } } }"""
PLACE_MESSAGE = "A department-restricted viewer can only place people in its departments"


@pytest.mark.parametrize(
    "input_",
    [
        {"name": "Outsider", "departmentId": "1"},  # Web's parent
        {"name": "Outsider", "departmentId": "4"},  # a sibling
        {"name": "Outsider", "departmentId": "7"},
        {"name": "Outsider", "departmentId": None},
        {"name": "Outsider"},
    ],
)
def test_web_writer_is_forbidden_to_create_people_outside_web(web, input_):
    before = db_state()
    r = web.post(CREATE_PERSON, {"input": input_})
    assert [(e["message"], e["extensions"]) for e in r.errors] == [
        (PLACE_MESSAGE, {"code": "FORBIDDEN", "field": "input.departmentId"})
    ]
    assert r.body["data"] is None
    assert db_state() == before


def test_web_writer_creates_people_in_web_but_cannot_move_them_out(web):
    r = web.post(CREATE_PERSON, {"input": {"name": "Insider", "departmentId": "3"}})
    assert r.data == {"createPerson": {"person": {"name": "Insider", "department": {"id": "3"}}}}
    assert Person.objects.get(name="Insider").department_id == 3
    pid = min(WEB.people)
    for department in ("1", "4", None):
        before = db_state()
        r = web.post(
            UPDATE_PERSON, {"id": str(pid), "input": {"name": "Moved", "departmentId": department}}
        )
        assert [(e["message"], e["extensions"]) for e in r.errors] == [
            (PLACE_MESSAGE, {"code": "FORBIDDEN", "field": "input.departmentId"})
        ]
        assert db_state() == before


@pytest.mark.parametrize("field", ["createProject", "updateProject", "deleteProject"])
def test_web_writer_is_forbidden_project_mutations(web, field):
    before = db_state()
    r = web.post(f"mutation {{ {MUTATIONS[field]} }}")
    assert [(e["message"], e["path"], e["extensions"]) for e in r.errors] == [
        ("A department-restricted viewer cannot change projects", [field], {"code": "FORBIDDEN"})
    ]
    assert r.body["data"] is None
    assert db_state() == before


# --- from test_writes.py ------------------------------------------------------------------


def test_read_scope_cannot_write(client_for, tokens):
    before = db_state()
    r = client_for(tokens.read).post(
        'mutation { updatePerson(id: "25", input: {name: "X"}) { person { id } } }'
    )
    assert r.errors[0]["message"] == "This operation needs the write scope"
    assert r.codes == ["FORBIDDEN"]
    assert db_state() == before


def test_no_token_asking_for_two_fields_gets_one_error(client_for):
    r = client_for(None).post("{ viewer { username } people { edges { node { id } } } }")
    assert r.body["data"] is None  # the first refused non-null root field nulls the answer
    assert r.codes == ["UNAUTHENTICATED"]
    assert r.errors[0]["message"] == "Authentication required"


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
